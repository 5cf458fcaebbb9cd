"""API over the red/black lists and the credit ratings; every queryset is scoped."""

from rest_framework import viewsets

from orgs.api.conditional import ConditionalMixin

from ..filters import CreditRatingFilter, ListEntryFilter
from ..models import CreditRating, ListEntry
from . import serializers


class ListEntryViewSet(ConditionalMixin, viewsets.ReadOnlyModelViewSet):
    """`GET /api/lists/?quarter=YYYY-Qn[&campaign=SLUG][&list=red|black]`."""

    serializer_class = serializers.ListEntrySerializer
    filterset_class = ListEntryFilter

    def get_queryset(self):
        return (
            ListEntry.objects.visible_to(self.request.user)
            .select_related("run__campaign", "project", "company")
            .order_by("-run__quarter", "list", "rank", "project_id")
        )


class CreditRatingViewSet(ConditionalMixin, viewsets.ReadOnlyModelViewSet):
    """`GET /api/credit-ratings/?quarter=YYYY-Qn[&campaign=SLUG][&level=]`."""

    serializer_class = serializers.CreditRatingSerializer
    filterset_class = CreditRatingFilter

    def get_queryset(self):
        return (
            CreditRating.objects.visible_to(self.request.user)
            .select_related("run__campaign", "company")
            .order_by("-run__quarter", "company__name")
        )
