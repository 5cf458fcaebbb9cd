"""One FilterSet for the complaint list page and the complaints API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orgs.filters import ListedChoiceFilter, PickFilter, StyledFilterSet
from orgs.models import Project, Region

from . import rules
from .models import Channel, Complaint, ImportBatch, MatchState

# The newest batches: the queue is worked batch by batch as files arrive; older ones by month.
BATCH_CHOICES = 30


def _townships(request):
    if request is None:
        return Region.objects.none()
    return Region.objects.visible_to(request.user).townships()


def _projects(request):
    if request is None:
        return Project.objects.none()
    return Project.objects.visible_to(request.user).only("pk", "name")


def _batches(request):
    if request is None:
        return ImportBatch.objects.none()
    return ImportBatch.objects.visible_to(request.user).order_by("-created_at")[:BATCH_CHOICES]


class MonthAndTownshipFilterSet(StyledFilterSet):
    """The two filters every complaint list has: 受理月份 (Shanghai) and 镇街 by type-ahead."""

    month = django_filters.CharFilter(
        label=_("月份"), method="in_month", widget=forms.TextInput(attrs={"type": "month"})
    )
    township = PickFilter(label=_("镇街"), queryset=_townships, picker="orgs:pick_township")

    def in_month(self, queryset, name, value):
        try:
            start, end = rules.month_bounds(value)
        except ValueError:
            return queryset.none()
        return queryset.in_month(start, end)


class ComplaintFilter(MonthAndTownshipFilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
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


class ReviewFilter(MonthAndTownshipFilterSet):
    """The review queue's filters: import batch, month, township, written name; `complaint` opens
    the spelling one complaint was written with (the 去确认 link of its page)."""

    batch = ListedChoiceFilter(label=_("导入批次"), queryset=_batches, empty_label=_("全部批次"))
    name = django_filters.CharFilter(
        label=_("小区名称（原文）"), field_name="raw_project_name", lookup_expr="icontains"
    )
    complaint = django_filters.NumberFilter(method="spelling_of", widget=forms.HiddenInput)

    class Meta:
        model = Complaint
        fields = ["batch", "month", "township", "name", "complaint"]

    def spelling_of(self, queryset, name, value):
        from .workflow import same_spelling

        complaint = queryset.filter(pk=value).first()
        return queryset.none() if complaint is None else same_spelling(queryset, complaint)
