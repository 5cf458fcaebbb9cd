"""What recomputing a computed month would change, shown before anyone applies it.

SPEC.md: "Each computed month or quarter keeps the parameters it was computed with"; a month is
recomputed only because its data changed (a late import, a complaint matched by hand). The
recomputation is run for real inside a transaction that is then rolled back, so the preview is
exactly what applying would do: the projects entering and leaving the list, and the proposals
added or withdrawn, in the month and in the later computed months whose streaks start from it.
Decided (confirmed, waived, done) actions are never touched by a recomputation, so only pending
proposals are compared.
"""

from dataclasses import dataclass, field

from django.db import transaction

from campaigns.action_rules import MONTHLY, kinds_of
from campaigns.models import Action, Campaign

from .models import MonthlyRanking, MonthlyRun
from .monthly import compute_month


@dataclass
class MonthChanges:
    month: str
    entering: list[str] = field(default_factory=list)
    leaving: list[str] = field(default_factory=list)
    proposed: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.entering or self.leaving or self.proposed or self.withdrawn)


class _DryRun(Exception):
    """Raised to roll the trial recomputation back."""


def _snapshot(campaign: Campaign, months: list[str]) -> dict[str, tuple[set[str], set[str]]]:
    """month → (projects in the list, pending proposals), as names a person reads."""
    top = MonthlyRanking.objects.filter(campaign=campaign, month__in=months, in_top=True)
    pending = Action.objects.filter(
        campaign=campaign, period__in=months, kind__in=kinds_of(MONTHLY), status=Action.Status.PROPOSED
    )
    found: dict[str, tuple[set[str], set[str]]] = {m: (set(), set()) for m in months}
    for month, name, township in top.values_list("month", "project__name", "township__name"):
        found[month][0].add(f"{name}（{township}）")
    for action in pending.only("period", "kind", "target_name"):
        found[action.period][1].add(f"{action.get_kind_display()} · {action.target_name}")
    return found


def preview(campaign: Campaign, month: str) -> list[MonthChanges]:
    """The changes recomputing the month would make, month by month (only months that change)."""
    months = list(
        MonthlyRun.objects.filter(campaign=campaign, month__gte=month)
        .order_by("month")
        .values_list("month", flat=True)
    )
    before = _snapshot(campaign, months)
    try:
        with transaction.atomic():
            compute_month(campaign, month)
            after = _snapshot(campaign, months)
            raise _DryRun
    except _DryRun:
        pass
    changes = []
    for m in months:
        (top_before, pending_before), (top_after, pending_after) = before[m], after[m]
        change = MonthChanges(
            m,
            sorted(top_after - top_before),
            sorted(top_before - top_after),
            sorted(pending_after - pending_before),
            sorted(pending_before - pending_after),
        )
        if change:
            changes.append(change)
    return changes
