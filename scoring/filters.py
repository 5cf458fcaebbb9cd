"""One FilterSet per list, shared by the pages and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from orgs.filters import StyledFilterSet

from .models import CreditRating, ListEntry


def _campaigns(request):
    return Campaign.objects.visible_to(request.user) if request else Campaign.objects.none()


class ListEntryFilter(StyledFilterSet):
    campaign = django_filters.ModelChoiceFilter(
        label=_("整治行动"), queryset=_campaigns, to_field_name="slug", field_name="run__campaign"
    )
    quarter = django_filters.CharFilter(label=_("季度"), field_name="run__quarter")
    list = django_filters.ChoiceFilter(label=_("榜单"), choices=ListEntry.List.choices)

    class Meta:
        model = ListEntry
        fields = ["campaign", "quarter", "list"]


class CreditRatingFilter(StyledFilterSet):
    campaign = django_filters.ModelChoiceFilter(
        label=_("整治行动"), queryset=_campaigns, to_field_name="slug", field_name="run__campaign"
    )
    quarter = django_filters.CharFilter(label=_("季度"), field_name="run__quarter")
    level = django_filters.ChoiceFilter(label=_("信用等级"), choices=CreditRating.Level.choices)

    class Meta:
        model = CreditRating
        fields = ["campaign", "quarter", "level"]
