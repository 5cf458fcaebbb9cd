"""Ledger API shapes. Who may change what is decided in `workflow`, not here: fields that only a
move may change (status, escalation, township, company, project, campaign) are read-only."""

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from campaigns.models import Campaign, Category
from config.api_fields import BoundedDateField, BoundedModelSerializer, text_field
from orgs.models import Department, Project

from ..models import Evidence, LedgerEvent, LedgerItem, OrderResponse, RectificationOrder


def _length(model, field: str) -> int:
    return model._meta.get_field(field).max_length


class ScopedPrimaryKey(serializers.PrimaryKeyRelatedField):
    """A related id that must lie in the requesting user's scope (a foreign id is "does not exist")."""

    def get_queryset(self):
        return self.queryset.model.objects.visible_to(self.context["request"].user)


class LedgerItemSerializer(BoundedModelSerializer):
    campaign = ScopedPrimaryKey(queryset=Campaign.objects.all())
    project = ScopedPrimaryKey(queryset=Project.objects.all())
    category = ScopedPrimaryKey(queryset=Category.objects.all(), required=False, allow_null=True)
    responsible_unit = ScopedPrimaryKey(queryset=Department.objects.all(), required=False, allow_null=True)
    project_name = serializers.CharField(source="project.name", read_only=True)
    company_name = serializers.CharField(source="company.name", read_only=True, default=None)
    township_name = serializers.CharField(source="township.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    is_overdue = serializers.SerializerMethodField()
    version = serializers.IntegerField(
        required=False, help_text="The version you read; a stale one is refused with 409."
    )

    class Meta:
        model = LedgerItem
        fields = [
            "id",
            "reference",
            "campaign",
            "category",
            "project",
            "project_name",
            "company",
            "company_name",
            "township",
            "township_name",
            "problem",
            "measures",
            "deadline",
            "responsible_person",
            "progress_note",
            "remarks",
            "source",
            "source_ref",
            "responsible_unit",
            "status",
            "status_display",
            "is_overdue",
            "escalation_level",
            "escalation_deadline",
            "closed_at",
            "version",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "reference",
            "company",
            "township",
            "source_ref",
            "status",
            "escalation_level",
            "escalation_deadline",
            "closed_at",
            "created_by",
            "created_at",
            "updated_at",
        ]

    def get_is_overdue(self, item: LedgerItem) -> bool:
        return item.is_overdue_on(self.context.get("today") or timezone.localdate())

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list):
            # An item never moves to another project or campaign; re-log it instead.
            for name in ("campaign", "project"):
                fields[name].read_only = True
        return fields


class MoveSerializer(serializers.Serializer):
    """Input of a move; which fields a move needs is said in its description."""

    version = serializers.IntegerField(required=False)
    note = text_field(required=False, allow_blank=True, default="")
    reason = text_field(required=False, allow_blank=True, default="")
    level = serializers.ChoiceField(choices=["county", "city"], required=False)
    deadline = BoundedDateField(required=False)
    new_deadline = BoundedDateField(required=False)
    plan = text_field(required=False, allow_blank=True, default="")


class LedgerEventSerializer(BoundedModelSerializer):
    actor_name = serializers.CharField(source="actor.__str__", read_only=True, default=None)

    class Meta:
        model = LedgerEvent
        fields = [
            "id",
            "item",
            "actor",
            "actor_name",
            "move",
            "from_status",
            "to_status",
            "note",
            "changes",
            "at",
        ]


class EvidenceSerializer(BoundedModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "item",
            "response",
            "kind",
            "original_name",
            "content_type",
            "size",
            "uploaded_at",
            "url",
        ]

    @extend_schema_field(serializers.CharField())
    def get_url(self, evidence: Evidence) -> str:
        return reverse("ledgers:evidence_file", args=[evidence.pk])


class EvidenceUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Evidence.Kind.choices, default=Evidence.Kind.BEFORE)
    file = serializers.FileField()


class OrderResponseSerializer(BoundedModelSerializer):
    item_reference = serializers.CharField(source="item.reference", read_only=True)
    problem = serializers.CharField(source="item.problem", read_only=True)
    item_status = serializers.CharField(source="item.status", read_only=True)

    class Meta:
        model = OrderResponse
        fields = [
            "id",
            "order",
            "item",
            "item_reference",
            "problem",
            "item_status",
            "measures",
            "submitted_by",
            "submitted_at",
            "decision",
            "reason",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = fields


class RectificationOrderSerializer(BoundedModelSerializer):
    lines = OrderResponseSerializer(source="responses", many=True, read_only=True)
    items = serializers.PrimaryKeyRelatedField(many=True, write_only=True, queryset=LedgerItem.objects.all())
    project_name = serializers.CharField(source="project.name", read_only=True)
    company_name = serializers.CharField(source="company.name", read_only=True)
    # Hand-written (they have defaults the model does not), so they take the model's lengths here:
    # a 65-character 文号 overflowed PostgreSQL's varchar(64) with a 500.
    number = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=_length(RectificationOrder, "number")
    )
    title = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=_length(RectificationOrder, "title")
    )

    class Meta:
        model = RectificationOrder
        fields = [
            "id",
            "number",
            "title",
            "campaign",
            "project",
            "project_name",
            "company",
            "company_name",
            "township",
            "sender",
            "sender_org",
            "deadline",
            "body",
            "status",
            "issued_at",
            "items",
            "lines",
        ]
        read_only_fields = [
            "campaign",
            "project",
            "company",
            "township",
            "sender",
            "sender_org",
            "status",
            "issued_at",
        ]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["items"].child_relation.queryset = LedgerItem.objects.visible_to(request.user)
        return fields


class AnswerSerializer(serializers.Serializer):
    measures = text_field()


class DecideSerializer(serializers.Serializer):
    accepted = serializers.BooleanField()
    reason = text_field(required=False, allow_blank=True, default="")
