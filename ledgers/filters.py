"""One FilterSet for the ledger page, the API and the Excel export.

Every choice list is the viewer's own scope, so a foreign id in the URL is refused as an
invalid choice instead of widening anything (the base queryset is scoped as well).
"""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, Category
from orgs.filters import ListedChoiceFilter, PickFilter, StyledFilterSet
from orgs.models import Company, Department, Project, Region

from .models import LedgerItem, RectificationOrder


def _scoped(model, **filters):
    def queryset(request):
        if request is None:
            return model.objects.none()
        return model.objects.visible_to(request.user).filter(**filters)

    return queryset


def _scoped_categories(request):
    if request is None:
        return Category.objects.none()
    return Category.objects.visible_to(request.user).select_related("campaign")


class LedgerItemFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("搜索问题/措施"), method="search")
    campaign = ListedChoiceFilter(label=_("整治行动"), queryset=_scoped(Campaign))
    township = PickFilter(
        label=_("街道/乡镇"),
        queryset=_scoped(Region, level=Region.Level.TOWNSHIP),
        picker="orgs:pick_township",
    )
    community = PickFilter(
        label=_("社区"),
        field_name="project__community",
        queryset=_scoped(Region, level=Region.Level.COMMUNITY),
        picker="orgs:pick_community",
    )
    category = ListedChoiceFilter(label=_("整治内容"), queryset=_scoped_categories)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=LedgerItem.Status.choices)
    overdue = django_filters.BooleanFilter(label=_("逾期"), method="filter_overdue")
    escalated = django_filters.BooleanFilter(label=_("挂牌督办"), method="filter_escalated")
    source = django_filters.ChoiceFilter(label=_("来源"), choices=LedgerItem.Source.choices)
    # Companies, communities and projects grow with the jurisdiction: type-ahead, never a select.
    company = PickFilter(label=_("物业企业"), queryset=_scoped(Company), picker="orgs:pick_company")
    project = PickFilter(label=_("项目"), queryset=_scoped(Project), picker="orgs:pick_project")
    responsible_unit = ListedChoiceFilter(label=_("责任单位"), queryset=_scoped(Department))
    deadline = django_filters.DateFromToRangeFilter(
        label=_("完成时限（起止）"),
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )
    o = django_filters.OrderingFilter(
        label=_("排序"),
        fields=(("deadline", "deadline"), ("id", "id"), ("status", "status"), ("updated_at", "updated_at")),
        field_labels={
            "deadline": _("完成时限"),
            "-deadline": _("完成时限（倒序）"),
            "id": _("登记先后"),
            "-id": _("最新登记"),
            "status": _("状态"),
            "-status": _("状态（倒序）"),
            "updated_at": _("最早更新"),
            "-updated_at": _("最近更新"),
        },
    )

    class Meta:
        model = LedgerItem
        fields = [
            "q",
            "campaign",
            "township",
            "community",
            "category",
            "status",
            "overdue",
            "escalated",
            "source",
            "company",
            "project",
            "responsible_unit",
            "deadline",
        ]

    def search(self, queryset, name, value):
        return queryset.filter(Q(problem__icontains=value) | Q(measures__icontains=value))

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.overdue(today) if value else queryset.not_overdue(today)

    def filter_escalated(self, queryset, name, value):
        return queryset.escalated() if value else queryset.filter(escalation_level="")


class OrderFilter(StyledFilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=RectificationOrder.Status.choices)
    company = PickFilter(label=_("物业企业"), queryset=_scoped(Company), picker="orgs:pick_company")
    project = PickFilter(label=_("项目"), queryset=_scoped(Project), picker="orgs:pick_project")

    class Meta:
        model = RectificationOrder
        fields = ["status", "company", "project"]
