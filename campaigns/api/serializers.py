from rest_framework import serializers

from config.api_fields import BoundedModelSerializer, text_field

from ..models import Action, Campaign, Category, Phase, SelfCheck


class PhaseSerializer(BoundedModelSerializer):
    # A plain string (phase / milestone): several apps have a "kind" enum and the schema's
    # enum names would collide.
    kind = serializers.CharField(read_only=True, help_text="phase 阶段 / milestone 时间节点")

    class Meta:
        model = Phase
        fields = ["name", "kind", "start", "end", "dates_text", "description"]


class CampaignSerializer(BoundedModelSerializer):
    jurisdiction = serializers.StringRelatedField()
    phases = PhaseSerializer(many=True, read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "slug",
            "title",
            "doc_number",
            "issuer",
            "issued_on",
            "jurisdiction",
            "jurisdiction_id",
            "target",
            "preset",
            "is_active",
            "ledger_title",
            *Campaign.RULE_PARAMETERS,
            "phases",
        ]


class CategorySerializer(BoundedModelSerializer):
    campaign = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    lead_units = serializers.StringRelatedField(many=True)
    supporting_units = serializers.StringRelatedField(many=True)

    class Meta:
        model = Category
        fields = [
            "id",
            "campaign",
            "parent",
            "code",
            "name",
            "description",
            "lead_units",
            "supporting_units",
            "local_units",
            "units_text",
        ]


class SelfCheckSerializer(BoundedModelSerializer):
    campaign = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    project = serializers.StringRelatedField()
    filled_by = serializers.StringRelatedField()

    class Meta:
        model = SelfCheck
        fields = ["id", "campaign", "project", "project_id", "template", "answers", "filled_by", "filled_at"]


class ActionSerializer(BoundedModelSerializer):
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


class ConfirmSerializer(serializers.Serializer):
    confirmation = serializers.CharField(
        required=False, help_text="启动更换物业企业程序、企业黑名单、媒体曝光：第一次确认时返回的核对令牌"
    )


class WaiveSerializer(serializers.Serializer):
    # Optional here: the register refuses a blank one itself, saying a written reason is required.
    reason = text_field(required=False, allow_blank=True, default="")


class CompleteSerializer(serializers.Serializer):
    note = text_field(required=False, allow_blank=True, default="")
