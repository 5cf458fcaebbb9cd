from rest_framework import serializers

from config.api_fields import BoundedModelSerializer

from ..models import CreditRating, ListEntry


class ListEntrySerializer(BoundedModelSerializer):
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


class CreditRatingSerializer(BoundedModelSerializer):
    quarter = serializers.CharField(source="run.quarter")
    campaign = serializers.CharField(source="run.campaign.slug")
    company = serializers.SerializerMethodField()

    class Meta:
        model = CreditRating
        fields = ["campaign", "quarter", "company", "level", "score", "projects", "reason"]

    def get_company(self, rating: CreditRating) -> dict:
        return {"id": rating.company_id, "name": rating.company.name}
