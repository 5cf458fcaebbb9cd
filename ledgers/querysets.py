"""`visible_to(user)` for the ledger, and the derived selections (overdue, open, escalated).

Who sees which item (SPEC.md "People and what each does"):
- task force, township officer: items under their region (township subtree / jurisdiction);
- department: items in its region whose responsible unit it is, or whose category names it
  as lead (牵头) or supporting (配合) unit — "items whose category names it";
- company: items logged against it (the `company` snapshot), i.e. its own projects' problems;
- admin: everything.
Evidence, events, plans, orders and responses follow the item they belong to.
"""

from datetime import date, datetime

from django.db import models
from django.db.models import F, Q

from orgs.scoping import ScopeKind, scope_for

OPEN_STATUSES = ("registered", "in_progress", "submitted")


# One definition of 逾期, 已销号 and 按时 for every page, panel, bulletin and export that counts them
# (issue 14: the weekly dispatch said 逾期未整改 213 while the ledger said 159 at the same moment).
# SPEC.md: "逾期 overdue is not a state someone sets: it is what an open item is after its deadline".


def open_q(moment: datetime | None = None) -> Q:
    """Open now (by its status), or — for a `moment` past, such as the end of a bulletin's period —
    logged before it and not closed by then."""
    if moment is None:
        return Q(status__in=OPEN_STATUSES)
    return Q(created_at__lt=moment) & (Q(closed_at__isnull=True) | Q(closed_at__gte=moment))


def overdue_q(today: date, moment: datetime | None = None) -> Q:
    """Open (now, or at `moment`) and its 完成时限 before `today`: an item due today is not yet overdue."""
    return open_q(moment) & Q(deadline__lt=today)


def closed_on_time_q() -> Q:
    """销号 on or before its 完成时限 (Shanghai date); an item without a deadline is on time when closed."""
    return Q(closed_at__isnull=False) & (Q(deadline__isnull=True) | Q(closed_at__date__lte=F("deadline")))


def item_scope_q(user, prefix: str = "") -> Q | None:
    """The condition an item must meet to be visible; None means everything, Q(pk__in=[]) nothing."""
    scope = scope_for(user)
    if scope.kind == ScopeKind.EVERYTHING:
        return None
    if scope.kind == ScopeKind.COMPANY:
        return Q(**{f"{prefix}company_id": scope.company_id})
    if scope.kind == ScopeKind.REGION:
        in_region = Q(**{f"{prefix}region_path__startswith": scope.region_path})
        if user.role != user.Role.DEPARTMENT:
            return in_region
        if not scope.department_id:
            return Q(pk__in=[])
        from campaigns.models import Category

        named = Category.objects.filter(
            Q(lead_units=scope.department_id) | Q(supporting_units=scope.department_id)
        ).values("pk")
        return in_region & (
            Q(**{f"{prefix}responsible_unit_id": scope.department_id})
            | Q(**{f"{prefix}category_id__in": named})
        )
    return Q(pk__in=[])


class _ItemScoped(models.QuerySet):
    item_prefix = "item__"

    def visible_to(self, user):
        condition = item_scope_q(user, self.item_prefix)
        return self if condition is None else self.filter(condition)


class LedgerItemQuerySet(_ItemScoped):
    item_prefix = ""

    def open(self) -> "LedgerItemQuerySet":
        return self.filter(open_q())

    def overdue(self, today: date) -> "LedgerItemQuerySet":
        """Open items whose 完成时限 is before today; an item due today is not yet overdue."""
        return self.filter(overdue_q(today))

    def not_overdue(self, today: date) -> "LedgerItemQuerySet":
        return self.exclude(overdue_q(today))

    def escalated(self) -> "LedgerItemQuerySet":
        return self.exclude(escalation_level="")

    def in_period(self, start: date, end: date) -> "LedgerItemQuerySet":
        """Items logged between two dates, both inclusive (local dates)."""
        return self.filter(created_at__date__gte=start, created_at__date__lte=end)


class LedgerEventQuerySet(_ItemScoped):
    pass


class EvidenceQuerySet(_ItemScoped):
    pass


class RectificationPlanQuerySet(_ItemScoped):
    pass


class OrderResponseQuerySet(_ItemScoped):
    pass


class RectificationOrderQuerySet(models.QuerySet):
    def visible_to(self, user) -> "RectificationOrderQuerySet":
        """Orders go to one company about one project: the company and the region above it see them.

        A department sees the orders that list an item it may see.
        """
        scope = scope_for(user)
        if scope.kind == ScopeKind.EVERYTHING:
            return self
        if scope.kind == ScopeKind.COMPANY:
            return self.filter(company_id=scope.company_id)
        if scope.kind == ScopeKind.REGION:
            if user.role == user.Role.DEPARTMENT:
                from .models import OrderResponse

                lines = OrderResponse.objects.visible_to(user).values("order_id")
                return self.filter(pk__in=lines)
            return self.filter(region_path__startswith=scope.region_path)
        return self.none()

    def open(self) -> "RectificationOrderQuerySet":
        return self.exclude(status="closed")


class BulletinQuerySet(models.QuerySet):
    def visible_to(self, user) -> "BulletinQuerySet":
        """The task force sees its campaigns' drafts and bulletins; townships and departments the published ones.

        A bulletin is a circulated document (seed 004: "每月通报1次整治成效" to every 镇(街道) and unit),
        so a reader sees the whole of it, every township's row included. Companies are not its audience.
        """
        from campaigns.models import Campaign

        scope = scope_for(user)
        if scope.kind == ScopeKind.EVERYTHING:
            return self
        if scope.kind != ScopeKind.REGION:
            return self.none()
        mine = self.filter(campaign__in=Campaign.objects.visible_to(user))
        if user.role == user.Role.TASK_FORCE:
            return mine
        return mine.filter(status="published")


class _TownshipScoped(models.QuerySet):
    def visible_to(self, user):
        """A township's own rows, and everything under the task force's region; nobody else's."""
        scope = scope_for(user)
        if scope.kind == ScopeKind.EVERYTHING:
            return self
        if scope.kind == ScopeKind.REGION and user.role in (user.Role.TASK_FORCE, user.Role.TOWNSHIP):
            return self.filter(region_path__startswith=scope.region_path)
        return self.none()


class MonthlyReportQuerySet(_TownshipScoped):
    pass


class TypicalCaseQuerySet(_TownshipScoped):
    def published(self) -> "TypicalCaseQuerySet":
        return self.filter(is_published=True)


class ReportTemplateQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ReportTemplateQuerySet":
        from campaigns.models import Campaign

        return self.filter(campaign__in=Campaign.objects.visible_to(user))
