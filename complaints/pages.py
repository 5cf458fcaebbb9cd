"""What the ranking and township pages show, gathered from scoped querysets (views stay short)."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, CharField, Count, Max, Min, Value, When
from django.db.models.functions import Cast, Concat, Trim, TruncMonth

from campaigns.action_rules import MONTHLY, kinds_of
from campaigns.models import Action, Campaign
from orgs.models import Project, Region

from . import rules
from .models import Complaint, MonthlyRanking, MonthlyRun, TownshipMonth

TREND_MONTHS = 6
TREND_PROJECTS = 10


def ledger_item_for(complaint: Complaint):
    from ledgers.models import LedgerItem

    from .workflow import ledger_ref

    return LedgerItem.objects.filter(source_ref=ledger_ref(complaint)).first()


def projects_by_township(user, township_ids: set[int]) -> dict[int, list[tuple[int, str]]]:
    """The projects a reviewer may pick, per township on the page (one query)."""
    found: dict[int, list[tuple[int, str]]] = {}
    rows = (
        Project.objects.visible_to(user)
        .filter(township_id__in=township_ids)
        .values_list("township_id", "pk", "name")
    )
    for township_id, pk, name in rows.order_by("name"):
        found.setdefault(township_id, []).append((pk, name))
    return found


@dataclass
class Spelling:
    """One entry of the review queue: every waiting complaint written the same way in one township."""

    sample: Complaint  # the oldest of them, with its candidates: the matcher found them from the same words
    rows: int
    first: datetime
    last: datetime


def spelling_groups(pending):
    """The waiting complaints grouped by spelling (township + trimmed written name), largest first.

    A complaint without a written name groups alone: nothing says two of them are the same project."""
    return (
        pending.annotate(
            written_key=Trim("raw_project_name"),
            spelling_key=Case(
                When(written_key="", then=Concat(Value("#"), Cast("pk", CharField()))), default="written_key"
            ),
        )
        .values("township_id", "spelling_key")
        .annotate(rows=Count("pk"), sample=Min("pk"), first=Min("received_at"), last=Max("received_at"))
        .order_by("-rows", "township_id", "spelling_key")
    )


def spellings(pending, groups: list[dict]) -> list[Spelling]:
    """A page of groups with their sample complaints and candidates (two queries, whatever the page)."""
    samples = (
        pending.filter(pk__in=[g["sample"] for g in groups])
        .select_related("township")
        .prefetch_related("candidates__project")
        .in_bulk()
    )
    return [Spelling(samples[g["sample"]], g["rows"], g["first"], g["last"]) for g in groups]


def decision_text(complaint: Complaint, project: Project | None, settled: int) -> str:
    """What the reviewer is told after deciding a spelling."""
    written = complaint.raw_project_name.strip() or "（未填小区名称）"
    outcome = "标记为不属于物业项目" if project is None else f"匹配到 {project.name}"
    return f"{complaint.township}「{written}」共 {settled} 条诉求已{outcome}"


def visible_campaigns(user) -> list[Campaign]:
    """By id: the default campaign is the first active one, as QuerySet.first() chose it."""
    return list(Campaign.objects.visible_to(user).select_related("jurisdiction").order_by("pk"))


def choose_campaign(user, slug: str | None, campaigns: list[Campaign] | None = None) -> Campaign | None:
    """The asked campaign, else the first active one, else the first; `campaigns` = visible_campaigns(user)
    when the page lists them anyway (its picker), so one query serves both."""
    campaigns = visible_campaigns(user) if campaigns is None else campaigns
    if slug:
        return next((c for c in campaigns if c.slug == slug), None)
    return next((c for c in campaigns if c.is_active), None) or next(iter(campaigns), None)


def choose_month(campaign: Campaign, month: str | None) -> str | None:
    """The asked month if it parses, else the latest computed month of the campaign."""
    if month:
        try:
            rules.parse_month(month)
            return month
        except ValueError:
            return None
    return MonthlyRun.objects.filter(campaign=campaign).values_list("month", flat=True).first()


def top_rows(user, campaign: Campaign, month: str):
    return (
        MonthlyRanking.objects.visible_to(user)
        .filter(campaign=campaign, month=month, in_top=True)
        .select_related("project", "township", "company", "manager")
        .order_by("rank", "project__name")
    )


def trend(user, campaign: Campaign, month: str, rows: list[MonthlyRanking]) -> dict:
    """Counts of this month's leading projects over the last months, for the chart."""
    months = [rules.shift_month(month, -i) for i in range(TREND_MONTHS - 1, -1, -1)]
    leaders = rows[:TREND_PROJECTS]
    counts = {
        (pid, m): n
        for pid, m, n in MonthlyRanking.objects.visible_to(user)
        .filter(campaign=campaign, month__in=months, project_id__in=[r.project_id for r in leaders])
        .values_list("project_id", "month", "count")
    }
    return {
        "labels": months,
        "series": [
            {"label": r.project.name, "data": [counts.get((r.project_id, m), 0) for m in months]}
            for r in leaders
        ],
    }


def month_actions(user, campaign: Campaign, month: str):
    return (
        Action.objects.visible_to(user)
        .filter(campaign=campaign, period=month, kind__in=kinds_of(MONTHLY))
        .order_by("kind", "target_name")
    )


@dataclass
class TownshipYear:
    labels: list[str]
    this_year: list[int]
    last_year: list[int | None]


def township_year(user, township: Region, year: int, no_data: frozenset[str] = frozenset()) -> TownshipYear:
    """Complaints per month of a year and the year before, by 受理时间 in Shanghai (one query).

    Counted over what the viewer may see: a company sees its own projects' share of the township.
    `no_data`: months of the year whose same month last year has no data (无同比数据): no bar, not 0."""
    start, _ = rules.month_bounds(f"{year - 1}-01")
    _, end = rules.month_bounds(f"{year}-12")
    rows = (
        Complaint.objects.visible_to(user)
        .filter(township=township, received_at__gte=start, received_at__lt=end)
        .annotate(m=TruncMonth("received_at", tzinfo=rules.SHANGHAI))
        .values("m")
        .annotate(n=Count("id"))
        .values_list("m", "n")
    )
    counts = {rules.month_key(m.date() if hasattr(m, "date") else m): n for m, n in rows}
    return TownshipYear(
        labels=[f"{m}月" for m in range(1, 13)],
        this_year=[counts.get(f"{year}-{m:02d}", 0) for m in range(1, 13)],
        last_year=[
            None if f"{year}-{m:02d}" in no_data else counts.get(f"{year - 1}-{m:02d}", 0)
            for m in range(1, 13)
        ],
    )


def months_without_last_year(campaign: Campaign, township: Region, year: int) -> frozenset[str]:
    """The computed months of the year that had no figure for the same month last year."""
    rows = TownshipMonth.objects.filter(
        campaign=campaign, township=township, month__startswith=f"{year}-", last_year_count=None
    )
    return frozenset(rows.values_list("month", flat=True))


def township_months(user, campaign: Campaign, township: Region, limit: int = 12):
    return (
        TownshipMonth.objects.visible_to(user)
        .filter(campaign=campaign, township=township)
        .order_by("-month")[:limit]
    )


def township_actions(user, campaign: Campaign, township: Region):
    return Action.objects.visible_to(user).filter(
        campaign=campaign,
        kind__in=kinds_of(MONTHLY),
        target_type=Action.TargetType.TOWNSHIP,
        target_id=township.pk,
    )
