"""What recomputing a computed period would change, shown before anyone applies it (issue 16).

SPEC.md: "Each computed month or quarter keeps the parameters it was computed with"; a period is
recomputed only because its data changed (a late import, a complaint matched by hand, a corrected
survey). The recomputation is run for real inside a transaction that is then rolled back, so the
preview is exactly what applying would do. Decided (confirmed, waived, done) actions are never
touched by a recomputation, so only pending proposals are compared.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from .action_rules import kinds_of
from .models import Action, Campaign

# period → (what the period's lists hold, its pending proposals), as lines a person reads
Snapshot = dict[str, tuple[set[str], set[str]]]


@dataclass
class PeriodChanges:
    period: str
    entering: list[str] = field(default_factory=list)
    leaving: list[str] = field(default_factory=list)
    proposed: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.entering or self.leaving or self.proposed or self.withdrawn)


class _TrialRun(Exception):
    """Raised to roll the trial recomputation back."""


def pending(campaign: Campaign, periods: list[str], computation: str) -> dict[str, set[str]]:
    """period → the computation's proposals nobody decided on yet."""
    found: dict[str, set[str]] = {p: set() for p in periods}
    actions = Action.objects.filter(
        campaign=campaign, period__in=periods, kind__in=kinds_of(computation), status=Action.Status.PROPOSED
    )
    for action in actions.only("period", "kind", "target_name"):
        found[action.period].add(f"{action.get_kind_display()} · {action.target_name}")
    return found


def trial(recompute: Callable[[], object], snapshot: Callable[[], Snapshot]) -> list[PeriodChanges]:
    """Run the recomputation, compare the snapshots before and after, roll it back; the periods
    that would change, in order."""
    before = snapshot()
    try:
        with transaction.atomic():
            recompute()
            after = snapshot()
            raise _TrialRun
    except _TrialRun:
        pass
    changes = []
    for period in sorted(before):
        (lists_before, pending_before), (lists_after, pending_after) = before[period], after[period]
        change = PeriodChanges(
            period,
            sorted(lists_after - lists_before),
            sorted(lists_before - lists_after),
            sorted(pending_after - pending_before),
            sorted(pending_before - pending_after),
        )
        if change:
            changes.append(change)
    return changes
