"""One FilterSet for the complaint list page and the complaints API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orgs.filters import PickFilter, StyledFilterSet
from orgs.models import Project, Region

from . import rules
from .models import Channel, Complaint, MatchState


def _townships(request):
    if request is None:
        return Region.objects.none()
    return Region.objects.visible_to(request.user).townships()


def _projects(request):
    if request is None:
        return Project.objects.none()
    return Project.objects.visible_to(request.user).only("pk", "name")


class ComplaintFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    month = django_filters.CharFilter(
        label=_("月份"), method="in_month", widget=forms.TextInput(attrs={"type": "month"})
    )
    township = PickFilter(label=_("镇街"), queryset=_townships, picker="orgs:pick_township")
    project = PickFilter(label=_("项目"), queryset=_projects, picker="orgs:pick_project")
    channel = django_filters.ChoiceFilter(label=_("渠道"), choices=Channel.choices)
    category = django_filters.CharFilter(label=_("类别"), lookup_expr="icontains")
    status = django_filters.CharFilter(label=_("办理状态"), lookup_expr="exact")
    satisfaction = django_filters.CharFilter(label=_("满意度"), lookup_expr="exact")
    match_state = django_filters.ChoiceFilter(label=_("匹配"), choices=MatchState.choices)

    class Meta:
        model = Complaint
        fields = [
            "q",
            "month",
            "township",
            "project",
            "channel",
            "category",
            "status",
            "satisfaction",
            "match_state",
        ]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(ticket=value.strip())
            | Q(content__icontains=value)
            | Q(raw_project_name__icontains=value)
            | Q(address__icontains=value)
        )

    def in_month(self, queryset, name, value):
        try:
            start, end = rules.month_bounds(value)
        except ValueError:
            return queryset.none()
        return queryset.in_month(start, end)
