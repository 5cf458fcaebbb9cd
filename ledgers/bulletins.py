"""周调度 and 月通报: the figures of a campaign's period, gathered in a handful of grouped queries.

Seed 002 §(五): "实行一周一调度、一周一通报"; seed 004 §(一): "每周调度1次整治进展，每月通报1次整治成效".
`gather` reads one grouped row set per table (ledger by township, ledger by unit, complaints by
township, the month's ranking, actions by kind); `build` is a pure function over those rows that
returns the JSON-able figures a draft shows live and a published bulletin keeps as its snapshot.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from campaigns.models import Action, Campaign
from complaints.models import MonthlyRanking
from complaints.monthly import campaign_complaints
from orgs.models import Department, Region, User

from .models import Bulletin, LedgerItem, MonthlyReport
from .monthly_reports import due_date, is_late
from .querysets import closed_on_time_q, open_q, overdue_q
from .workflow import WorkflowError

TOP_N = 10
RANKING_RULE = (
    "镇（街道）排名规则：按截至本期末的累计销号率（已销号问题数 ÷ 累计发现问题数）从高到低排列；"
    "销号率相同的，逾期未整改问题数少的在前；仍相同的，按名称排列。尚无问题台账的镇（街道）列于最后。"
)
DEFAULT_ISSUER = "物业领域突出问题专项整治工作专班办公室"


@dataclass(frozen=True)
class Period:
    """An ISO week ("2026-W47", Monday to Sunday) or a calendar month ("2026-11"), both dates inclusive."""

    kind: str
    key: str
    start: date
    end: date

    @property
    def label(self) -> str:
        if self.kind == Bulletin.Kind.WEEKLY:
            year, week, _ = self.start.isocalendar()
            return f"{year}年第{week}周（{self.start.month}月{self.start.day}日—{self.end.month}月{self.end.day}日）"
        return f"{self.start.year}年{self.start.month}月"

    @property
    def month(self) -> str:
        """The month whose complaint ranking the bulletin quotes: the one the period ends in."""
        return f"{self.end:%Y-%m}"

    def previous(self) -> "Period":
        return period_containing(self.kind, self.start - timedelta(days=1))

    def bounds(self) -> tuple[datetime, datetime]:
        """Aware local start and exclusive end (Asia/Shanghai midnights)."""
        tz = timezone.get_current_timezone()
        start = datetime.combine(self.start, time.min, tzinfo=tz)
        return start, datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=tz)


def period_containing(kind: str, day: date) -> Period:
    if kind == Bulletin.Kind.WEEKLY:
        monday = day - timedelta(days=day.weekday())
        year, week, _ = monday.isocalendar()
        return Period(kind, f"{year}-W{week:02d}", monday, monday + timedelta(days=6))
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period(kind, f"{first:%Y-%m}", first, following - timedelta(days=1))


def parse_period(kind: str, key: str) -> Period:
    """The period of a key; ValueError for a key that is not a week or month of that kind."""
    if kind == Bulletin.Kind.WEEKLY:
        year, _, week = key.partition("-W")
        monday = date.fromisocalendar(int(year), int(week), 1)
        return period_containing(kind, monday)
    if kind == Bulletin.Kind.MONTHLY:
        year, _, month = key.partition("-")
        return period_containing(kind, date(int(year), int(month), 1))
    raise ValueError(kind)


@dataclass
class Gathered:
    """The grouped rows of one period, as read from the database."""

    townships: dict[int, str]
    units: dict[int, str]
    by_township: list[dict]
    by_unit: list[dict]
    complaints: list[dict]
    top_projects: list[dict]
    actions: list[dict]
    # Monthly bulletins only: each township's report of the month (月报报送情况) and its due date.
    reports: dict[int, dict] = field(default_factory=dict)
    report_due: date | None = None
    now: datetime | None = None


def _item_counts(period: Period, today: date) -> dict:
    """The ledger's own definitions (querysets.py), read at the period's end — or now, while it runs:
    a draft of this week counts what the ledger list counts today, never items due later in the week."""
    start, stop = period.bounds()
    ended = period.end < today
    moment = stop if ended else None
    in_period = Q(created_at__gte=start, created_at__lt=stop)
    closed = Q(closed_at__gte=start, closed_at__lt=stop)
    return {
        "found": Count("id", filter=in_period),
        "closed": Count("id", filter=closed),
        "closed_on_time": Count("id", filter=closed & closed_on_time_q()),
        # As the ledger said on the period's last day (or says today): due that day is not yet overdue.
        "overdue": Count("id", filter=overdue_q(period.end if ended else today, moment)),
        "escalated": Count("id", filter=open_q(moment) & ~Q(escalation_level="")),
        "total": Count("id", filter=Q(created_at__lt=stop)),
        "closed_total": Count("id", filter=Q(closed_at__lt=stop)),
    }


def _complaint_rows(campaign: Campaign, period: Period) -> list[dict]:
    """Complaints per township in the period and in the one before, in one grouped scan of both."""
    start, stop = period.bounds()
    prev_start, _ = period.previous().bounds()
    return list(
        campaign_complaints(campaign)
        .filter(received_at__gte=prev_start, received_at__lt=stop)
        .order_by()
        .values("township_id")
        .annotate(
            now=Count("id", filter=Q(received_at__gte=start)),
            before=Count("id", filter=Q(received_at__lt=start)),
        )
    )


def _top_projects(campaign: Campaign, period: Period) -> list[dict]:
    """The month's ranked projects as complaints/monthly.py stored them (empty if not computed yet)."""
    top = MonthlyRanking.objects.filter(campaign=campaign, month=period.month, in_top=True).order_by("rank")
    names = {"project_name": F("project__name"), "township_name": F("township__name")}
    return list(
        top.values("rank", "count", "previous_count", "streak", company_name=F("company__name"), **names)[
            :TOP_N
        ]
    )


def _action_rows(campaign: Campaign, period: Period) -> list[dict]:
    start, stop = period.bounds()
    statuses = [Action.Status.CONFIRMED, Action.Status.DONE]
    confirmed = Q(decided_at__gte=start, decided_at__lt=stop, status__in=statuses)
    done = Q(done_at__gte=start, done_at__lt=stop)
    rows = Action.objects.filter(campaign=campaign).order_by().values("kind")
    return list(rows.annotate(confirmed=Count("id", filter=confirmed), done=Count("id", filter=done)))


def gather(campaign: Campaign, period: Period) -> Gathered:
    """Seven queries whatever the size (eight for a month): one grouped query per table, two for names."""
    items = (
        LedgerItem.objects.filter(campaign=campaign).exclude(status=LedgerItem.Status.WITHDRAWN).order_by()
    )
    counts = _item_counts(period, timezone.localdate())
    by_township = list(items.values("township_id").annotate(**counts))
    by_unit = list(items.exclude(responsible_unit=None).values("responsible_unit_id").annotate(**counts))
    towns = Region.objects.filter(path__startswith=campaign.jurisdiction.path, level=Region.Level.TOWNSHIP)
    townships = dict(towns.order_by("name").values_list("id", "name"))
    unit_ids = [row["responsible_unit_id"] for row in by_unit]
    units = dict(Department.objects.filter(pk__in=unit_ids).values_list("id", "name"))
    rows = Gathered(
        townships,
        units,
        by_township,
        by_unit,
        _complaint_rows(campaign, period),
        _top_projects(campaign, period),
        _action_rows(campaign, period),
    )
    if period.kind == Bulletin.Kind.MONTHLY:
        reports = MonthlyReport.objects.filter(campaign=campaign, month=period.key)
        fields = reports.values("township_id", "status", "first_submitted_at")
        rows.reports = {r["township_id"]: r for r in fields}
        rows.report_due, rows.now = due_date(campaign.report_due_day, period.key), timezone.now()
    return rows


def _report_state(rows: Gathered, township_id: int) -> str | None:
    """月报报送情况 of a monthly bulletin: on time, late, returned, not yet due, or missing past its due day."""
    if rows.report_due is None:
        return None
    report = rows.reports.get(township_id)
    submitted = report["first_submitted_at"] if report else None
    late = is_late(rows.report_due, submitted, rows.now)
    if report is None:
        return "逾期未报" if late else "未报送"
    if report["status"] == MonthlyReport.Status.RETURNED:
        return "退回重报"
    return "逾期报送" if late else "按时报送"


FIGURES = ("found", "closed", "closed_on_time", "overdue", "escalated", "total", "closed_total")


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _change(now: int, before: int) -> dict:
    return {"now": now, "before": before, "change": now - before, "percent": _rate(now - before, before)}


def _ranking_key(row: dict) -> tuple:
    """See RANKING_RULE: rate high to low, then fewer overdue, then name; no ledger at all goes last."""
    rate = row["rate"]
    return (rate is None, -(rate or 0), row["overdue"], row["name"])


def build(rows: Gathered, period: Period) -> dict:
    """The bulletin's figures from gathered rows: pure, so a test can hand it rows and count along."""
    zero = dict.fromkeys(FIGURES, 0)
    items = {row["township_id"]: row for row in rows.by_township}
    complaints = {row["township_id"]: row for row in rows.complaints}
    townships = []
    for pk, name in rows.townships.items():
        row = {"name": name, **zero, **{k: items.get(pk, {}).get(k, 0) for k in FIGURES}}
        row["rate"] = _rate(row["closed_total"], row["total"])
        c = complaints.get(pk, {})
        row["complaints"] = _change(c.get("now", 0), c.get("before", 0))
        row["report"] = _report_state(rows, pk)
        townships.append(row)
    townships.sort(key=_ranking_key)
    for position, row in enumerate(townships, start=1):
        row["rank"] = position if row["rate"] is not None else None
    units = [
        {"name": rows.units.get(r["responsible_unit_id"], "—"), **{k: r[k] for k in FIGURES}}
        for r in rows.by_unit
    ]
    units.sort(key=lambda u: (-u["found"], u["name"]))
    totals = {k: sum(r.get(k, 0) for r in rows.by_township) for k in FIGURES}
    totals["rate"] = _rate(totals["closed_total"], totals["total"])
    all_complaints = _change(
        sum(r["now"] for r in rows.complaints), sum(r["before"] for r in rows.complaints)
    )
    actions = [
        {"kind": str(Action.Kind(a["kind"]).label), "confirmed": a["confirmed"], "done": a["done"]}
        for a in sorted(rows.actions, key=lambda a: a["kind"])
        if a["confirmed"] or a["done"]
    ]
    return {
        "period": {
            "kind": period.kind,
            "key": period.key,
            "label": period.label,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
        "previous_label": period.previous().label,
        "townships": townships,
        "units": units,
        "totals": totals,
        "complaints": all_complaints,
        "top_month": period.month,
        "top_projects": rows.top_projects,
        "actions": actions,
        "ranking_rule": RANKING_RULE,
        "report_due": rows.report_due.isoformat() if rows.report_due else None,
    }


def compute(campaign: Campaign, period: Period) -> dict:
    figures = build(gather(campaign, period), period)
    figures["computed_at"] = timezone.localtime().isoformat(timespec="seconds")
    return figures


def figures_of(bulletin: Bulletin) -> dict:
    """A published bulletin shows what it showed on the day it was issued; a draft is computed afresh."""
    if bulletin.is_published:
        return bulletin.snapshot
    return compute(bulletin.campaign, parse_period(bulletin.kind, bulletin.period))


def may_edit(user: User) -> bool:
    """Only the task force (工作专班) and administrators write and issue bulletins."""
    return user.is_authenticated and (user.is_admin or user.role == User.Role.TASK_FORCE)


def may_read(user: User) -> bool:
    """Bulletins circulate to townships and departments; companies are not their audience."""
    roles = (User.Role.TASK_FORCE, User.Role.TOWNSHIP, User.Role.DEPARTMENT)
    return user.is_authenticated and (user.is_admin or user.role in roles)


def draft_for(campaign: Campaign, period: Period, user: User) -> Bulletin:
    if not may_edit(user):
        raise WorkflowError("只有专班可以起草通报。")
    bulletin, _ = Bulletin.objects.get_or_create(
        campaign=campaign,
        kind=period.kind,
        period=period.key,
        defaults={"issuer": campaign.issuer or DEFAULT_ISSUER},
    )
    return bulletin


def edit(bulletin: Bulletin, user: User, issuer: str, commentary: str, next_steps: str) -> None:
    if not may_edit(user):
        raise WorkflowError("只有专班可以修改通报。")
    if bulletin.is_published:
        raise WorkflowError("通报已印发，不能再修改。")
    bulletin.issuer, bulletin.commentary, bulletin.next_steps = issuer, commentary, next_steps
    bulletin.save(update_fields=["issuer", "commentary", "next_steps"])


def _check_publishable(bulletin: Bulletin) -> None:
    """A bulletin is final: its period must be over (until then its figures still change), and
    it never goes out with an empty 工作情况."""
    period = parse_period(bulletin.kind, bulletin.period)
    if period.end >= timezone.localdate():
        raise WorkflowError(
            f"本期到{period.end.month}月{period.end.day}日才结束，数据仍在变化，结束后才能印发为正式{bulletin.get_kind_display()}。"
        )
    if not bulletin.commentary.strip():
        raise WorkflowError("请先填写“工作情况”，再印发。")


@transaction.atomic
def publish(bulletin: Bulletin, user: User) -> Bulletin:
    """印发: number the bulletin (第N期 within its campaign and kind) and freeze its figures."""
    if not may_edit(user):
        raise WorkflowError("只有专班可以印发通报。")
    # Lock the campaign first: two bulletins published at once must not both become 第N期.
    Campaign.objects.select_for_update().filter(pk=bulletin.campaign_id).first()
    locked = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    if locked.is_published:
        raise WorkflowError("通报已印发。")
    _check_publishable(locked)
    issued = Bulletin.objects.filter(
        campaign=locked.campaign, kind=locked.kind, status=Bulletin.Status.PUBLISHED
    )
    locked.number = issued.count() + 1
    locked.snapshot = compute(locked.campaign, parse_period(locked.kind, locked.period))
    locked.status = Bulletin.Status.PUBLISHED
    locked.published_at = timezone.now()
    locked.published_by = user
    locked.save()
    return locked
