"""What recomputing a computed quarter would change (campaigns.recompute): projects entering and
leaving the red and black lists and the company blacklist, and the proposals added or withdrawn."""

from campaigns.action_rules import QUARTERLY
from campaigns.models import Campaign
from campaigns.recompute import PeriodChanges, Snapshot, pending, trial

from .models import CompanyBlacklist, ListEntry
from .quarterly import compute_quarter


def _snapshot(campaign: Campaign, quarter: str) -> Snapshot:
    entries = ListEntry.objects.filter(run__campaign=campaign, run__quarter=quarter).select_related("project")
    listed = {f"{entry.get_list_display()} · {entry.project.name}" for entry in entries}
    blacklisted = CompanyBlacklist.objects.filter(run__campaign=campaign, run__quarter=quarter)
    listed |= {f"企业黑名单 · {name}" for name in blacklisted.values_list("company__name", flat=True)}
    return {quarter: (listed, pending(campaign, [quarter], QUARTERLY)[quarter])}


def preview(campaign: Campaign, quarter: str) -> list[PeriodChanges]:
    """The changes recomputing the quarter would make (raises ScoringError once it is published)."""
    return trial(lambda: compute_quarter(campaign, quarter), lambda: _snapshot(campaign, quarter))
