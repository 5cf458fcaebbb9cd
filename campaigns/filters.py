"""FilterSets shared by the campaign pages and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orgs.filters import StyledFilterSet

from .models import Campaign, Category


class CampaignFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    is_active = django_filters.BooleanFilter(label=_("进行中"))

    class Meta:
        model = Campaign
        fields = ["q", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(doc_number__icontains=value))


class CategoryFilter(StyledFilterSet):
    campaign = django_filters.CharFilter(label=_("整治行动标识"), field_name="campaign__slug")
    top_level = django_filters.BooleanFilter(label=_("仅一级"), field_name="parent", lookup_expr="isnull")
    parent = django_filters.NumberFilter(label=_("上级"), field_name="parent_id")

    class Meta:
        model = Category
        fields = ["campaign", "top_level", "parent"]
