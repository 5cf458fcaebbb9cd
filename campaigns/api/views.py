"""Read-only API over campaigns, their categories and filled self-checks; every queryset is the viewer's scope."""

from rest_framework import viewsets

from orgs.api.conditional import ConditionalMixin

from ..filters import CampaignFilter, CategoryFilter
from ..models import Campaign, Category, SelfCheck
from . import serializers


class CampaignViewSet(ConditionalMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.CampaignSerializer
    filterset_class = CampaignFilter
    lookup_field = "slug"

    def get_queryset(self):
        return (
            Campaign.objects.visible_to(self.request.user)
            .select_related("jurisdiction")
            .prefetch_related("phases")
        )


class CategoryViewSet(ConditionalMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.CategorySerializer
    filterset_class = CategoryFilter

    def get_queryset(self):
        return (
            Category.objects.visible_to(self.request.user)
            .select_related("campaign")
            .prefetch_related("lead_units", "supporting_units")
        )


class SelfCheckViewSet(ConditionalMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.SelfCheckSerializer
    filterset_fields = ["project", "template"]

    def get_queryset(self):
        return SelfCheck.objects.visible_to(self.request.user).select_related(
            "campaign", "project", "filled_by"
        )
