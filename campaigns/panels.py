"""Home-page panels for each role (issue 3 "Pages"): what that person must do today.

- township: items awaiting my acceptance, overdue, due this week, my orders' state;
- company: my open orders and my open items, overdue first;
- task force: escalated items, overdue by township, closure rate by township and by category;
- department: the open items it answers for (responsible, lead or supporting unit), overdue first,
  paged, and what was assigned to it this week.
Each builder returns None for other roles, so the panel stays hidden. Every figure is a
count or a short list over `visible_to(request.user)`.
"""

from datetime import datetime, time, timedelta

from django.core.paginator import Paginator
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Value, When
from django.http import HttpRequest
from django.utils import timezone

from ledgers.models import LedgerItem, RectificationOrder
from orgs.home import register_panel

from . import progress
from .models import Campaign, Category

LIST_LENGTH = 8


def _role(request: HttpRequest) -> str:
    user = request.user
    return "admin" if user.is_admin else user.role


def _items(request: HttpRequest):
    return LedgerItem.objects.visible_to(request.user).select_related("project", "township")


def township_panel(request: HttpRequest) -> dict | None:
    if _role(request) != "township":
        return None
    today = timezone.localdate()
    items = _items(request)
    week_end = today + timedelta(days=7)
    orders = RectificationOrder.objects.visible_to(request.user)
    order_states = dict(orders.values_list("status").annotate(n=Count("id")).order_by())
    return {
        "awaiting": items.filter(status=LedgerItem.Status.SUBMITTED).order_by("deadline", "id")[:LIST_LENGTH],
        "awaiting_count": items.filter(status=LedgerItem.Status.SUBMITTED).count(),
        "overdue": items.overdue(today).order_by("deadline", "id")[:LIST_LENGTH],
        "overdue_count": items.overdue(today).count(),
        "due_week": items.open()
        .filter(deadline__gte=today, deadline__lte=week_end)
        .order_by("deadline", "id")[:LIST_LENGTH],
        "orders": [(label, order_states.get(value, 0)) for value, label in RectificationOrder.Status.choices],
        "today": today,
    }


def company_panel(request: HttpRequest) -> dict | None:
    if _role(request) != "company":
        return None
    today = timezone.localdate()
    overdue_first = Case(
        When(deadline__lt=today, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    items = _items(request).open().annotate(late=overdue_first).order_by("late", "deadline", "id")
    orders = (
        RectificationOrder.objects.visible_to(request.user)
        .open()
        .select_related("project")
        .annotate(late=Case(When(deadline__lt=today, then=Value(0)), default=Value(1)))
        .order_by("late", "deadline")
    )
    return {
        "orders": orders[:LIST_LENGTH],
        "order_count": orders.count(),
        "items": items[:LIST_LENGTH],
        "item_count": items.count(),
        "overdue_count": _items(request).overdue(today).count(),
        "today": today,
    }


def task_force_panel(request: HttpRequest) -> dict | None:
    if _role(request) not in ("task_force", "admin"):
        return None
    today = timezone.localdate()
    campaign = Campaign.objects.visible_to(request.user).filter(is_active=True).first()
    escalated = _items(request).open().escalated().order_by("escalation_deadline", "id")
    context = {
        "campaign": campaign,
        "escalated": escalated[:LIST_LENGTH],
        "escalated_count": escalated.count(),
        "today": today,
    }
    if campaign is not None:
        townships = progress.by_township(campaign, request.user, today)
        categories = progress.by_category(campaign, request.user, today)
        context |= {
            "townships": [t for t in townships if t.overdue][:LIST_LENGTH],
            "charts": {
                "townships": progress.chart_data(townships),
                "categories": progress.chart_data(categories),
            },
        }
    return context


DEPARTMENT_PAGE = 10


def _overdue_first(today):
    return Case(When(deadline__lt=today, then=Value(0)), default=Value(1), output_field=IntegerField())


def department_panel(request: HttpRequest) -> dict | None:
    """A department's day (SPEC: "handles items assigned to it"): every open item it answers for —
    as the item's 责任单位, or as 牵头/配合 unit of its category (seed 000 names one for every area) —
    overdue first, paged; and what reached it this week (logged, or given to it as 责任单位)."""
    user = request.user
    if _role(request) != "department" or not user.department_id:
        return None
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    mine = _department_items(request, user.department_id)
    items = mine.open()
    week_start = datetime.combine(monday, time.min, tzinfo=timezone.get_current_timezone())
    given = Q(events__at__gte=week_start, events__changes__has_key="responsible_unit")
    this_week = mine.exclude(status=LedgerItem.Status.WITHDRAWN).filter(Q(created_at__gte=week_start) | given)
    this_week = this_week.distinct()
    return {
        "page": Paginator(items.order_by(_overdue_first(today), "deadline", "id"), DEPARTMENT_PAGE).get_page(
            request.GET.get("dept_page")
        ),
        "overdue_count": items.overdue(today).count(),
        "this_week": this_week.order_by("-created_at", "-id")[:LIST_LENGTH],
        "this_week_count": this_week.count(),
        "monday": monday,
        "today": today,
    }


def _department_items(request: HttpRequest, department_id: int):
    """The department's items with how it is named on each: 责任单位, 牵头 or 配合."""
    units = Category.lead_units.through.objects.filter(category_id=OuterRef("category_id"))
    supporting = Category.supporting_units.through.objects.filter(category_id=OuterRef("category_id"))
    return (
        _items(request)
        .select_related("category")
        .annotate(
            as_lead=Exists(units.filter(department_id=department_id)),
            as_support=Exists(supporting.filter(department_id=department_id)),
        )
    )


def register() -> None:
    register_panel("campaigns/panels/township.html", township_panel, order=10)
    register_panel("campaigns/panels/company.html", company_panel, order=10)
    register_panel("campaigns/panels/task_force.html", task_force_panel, order=10)
    register_panel("campaigns/panels/department.html", department_panel, order=10)
