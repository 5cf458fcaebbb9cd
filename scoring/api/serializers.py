from rest_framework import serializers

from campaigns.models import Action

from ..models import CreditRating, ListEntry


class ActionSerializer(serializers.ModelSerializer):
    campaign = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    target = serializers.SerializerMethodField()

    class Meta:
        model = Action
        fields = [
            "id",
            "campaign",
            "kind",
            "kind_display",
            "period",
            "status",
            "status_display",
            "target",
            "rule",
            "evidence",
            "reason",
            "done_note",
            "decided_at",
            "done_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_target(self, action: Action) -> dict:
        return {"type": action.target_type, "id": action.target_id, "name": action.target_name}


class ListEntrySerializer(serializers.ModelSerializer):
    quarter = serializers.CharField(source="run.quarter")
    campaign = serializers.CharField(source="run.campaign.slug")
    project = serializers.SerializerMethodField()
    company = serializers.SerializerMethodField()

    class Meta:
        model = ListEntry
        fields = ["campaign", "quarter", "list", "rank", "score", "times", "project", "company"]

    def get_project(self, entry: ListEntry) -> dict:
        return {"id": entry.project_id, "name": entry.project.name}

    def get_company(self, entry: ListEntry) -> dict | None:
        return {"id": entry.company_id, "name": entry.company.name} if entry.company_id else None


class CreditRatingSerializer(serializers.ModelSerializer):
    quarter = serializers.CharField(source="run.quarter")
    campaign = serializers.CharField(source="run.campaign.slug")
    company = serializers.SerializerMethodField()

    class Meta:
        model = CreditRating
        fields = ["campaign", "quarter", "company", "level", "score", "projects", "reason"]

    def get_company(self, rating: CreditRating) -> dict:
        return {"id": rating.company_id, "name": rating.company.name}


class WaiveSerializer(serializers.Serializer):
    reason = serializers.CharField()


class CompleteSerializer(serializers.Serializer):
    note = serializers.CharField()
