"""One FilterSet per list, shared by the pages and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.models import Action, Campaign
from orgs.filters import StyledFilterSet
from orgs.models import Region

from .models import CreditRating, ListEntry


def _campaigns(request):
    return Campaign.objects.visible_to(request.user) if request else Campaign.objects.none()


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

    class Meta:
        model = Action
        fields = ["q", "campaign", "kind", "status", "period", "target_type", "township"]

    def in_township(self, queryset, name, value):
        return queryset.filter(Q(township=value) | Q(project__township=value))


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
