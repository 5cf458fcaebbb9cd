"""What recomputing a computed month would change (campaigns.recompute): the projects entering
and leaving the 通报 list and the proposals added or withdrawn, in the month and in the later
computed months whose streaks start from it."""

from campaigns.action_rules import MONTHLY
from campaigns.models import Campaign
from campaigns.recompute import PeriodChanges, Snapshot, pending, trial

from .models import MonthlyRanking, MonthlyRun
from .monthly import compute_month


def _snapshot(campaign: Campaign, months: list[str]) -> Snapshot:
    listed: dict[str, set[str]] = {m: set() for m in months}
    top = MonthlyRanking.objects.filter(campaign=campaign, month__in=months, in_top=True)
    for month, name, township in top.values_list("month", "project__name", "township__name"):
        listed[month].add(f"{name}（{township}）")
    proposals = pending(campaign, months, MONTHLY)
    return {m: (listed[m], proposals[m]) for m in months}


def preview(campaign: Campaign, month: str) -> list[PeriodChanges]:
    """The changes recomputing the month would make, month by month (only months that change)."""
    months = list(
        MonthlyRun.objects.filter(campaign=campaign, month__gte=month).values_list("month", flat=True)
    )
    return trial(lambda: compute_month(campaign, month), lambda: _snapshot(campaign, months))
