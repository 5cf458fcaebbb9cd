"""FilterSets shared by the campaign pages and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orgs.filters import StyledFilterSet
from orgs.models import Company, Region

from .models import Action, Campaign, Category


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


def _campaigns(request):
    return Campaign.objects.visible_to(request.user) if request else Campaign.objects.none()


def _companies(request):
    return Company.objects.visible_to(request.user).order_by("name") if request else Company.objects.none()


def _townships(request):
    return Region.objects.visible_to(request.user).townships() if request else Region.objects.none()


class ActionFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("对象"), field_name="target_name", lookup_expr="icontains")
    campaign = django_filters.ModelChoiceFilter(
        label=_("整治行动"), queryset=_campaigns, to_field_name="slug"
    )
    kind = django_filters.ChoiceFilter(label=_("措施"), choices=Action.Kind.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Action.Status.choices)
    period = django_filters.CharFilter(label=_("期间"), help_text="YYYY-MM 或 YYYY-Qn")
    target_type = django_filters.ChoiceFilter(label=_("对象类型"), choices=Action.TargetType.choices)
    township = django_filters.ModelChoiceFilter(
        label=_("街道/乡镇"), queryset=_townships, method="in_township"
    )
    company = django_filters.ModelChoiceFilter(label=_("物业企业"), queryset=_companies)

    class Meta:
        model = Action
        fields = ["q", "campaign", "kind", "status", "period", "target_type", "township", "company"]

    def in_township(self, queryset, name, value):
        return queryset.filter(Q(township=value) | Q(project__township=value))
