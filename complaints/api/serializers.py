from rest_framework import serializers

from config.api_fields import BoundedModelSerializer

from ..models import Complaint, MonthlyRanking


class ProjectRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class RankingSerializer(BoundedModelSerializer):
    project = ProjectRefSerializer()
    township = serializers.CharField(source="township.name")
    company = serializers.CharField(source="company.name", default=None, allow_null=True)
    manager = serializers.CharField(source="manager.name", default=None, allow_null=True)
    complaints = serializers.IntegerField(source="count")
    previous_month = serializers.IntegerField(source="previous_count")
    campaign = serializers.CharField(source="campaign.slug")

    class Meta:
        model = MonthlyRanking
        fields = ["campaign", "month", "rank", "in_top", "project", "township", "company", "manager", "complaints",
                  "previous_month", "streak"]  # fmt: skip


class ComplaintSerializer(BoundedModelSerializer):
    township = serializers.CharField(source="township.name")
    project = ProjectRefSerializer(allow_null=True)

    class Meta:
        model = Complaint
        fields = ["id", "channel", "ticket", "received_at", "township", "project", "raw_project_name", "address",
                  "category", "content", "status", "satisfaction", "match_state", "match_method"]  # fmt: skip
