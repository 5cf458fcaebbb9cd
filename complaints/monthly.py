"""The monthly computation: gather counts in SQL, apply rules.py, store the month, propose actions.

A month's derived rows (MonthlyRanking, TownshipMonth) are replaced as a whole in one
transaction, so a rerun gives the same result; proposed actions go through
campaigns.actions.propose_all, which never touches one already confirmed, waived or done.
Streaks read the stored results of earlier months, computing missing ones first. Every count a
call needs (the months it computes, their year-to-date and last year's months) is gathered
by one GROUP BY per key over those months, not by a query per month.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date

from django.db import connection, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from campaigns.actions import Proposal, Target, announce_proposals, propose_all
from campaigns.models import Action, Campaign
from orgs.models import Company, Manager, Project, ProjectAssignment, Region

from . import rules
from .models import Complaint, MonthlyRanking, MonthlyRun, TownshipMonth

KINDS = ("replace_manager", "replace_company", "work_reminder", "public_commitment", "concentrated_talk")
RULE_NAMES = {
    "replace_manager": "沂水方案 三(三)：连续 {n} 个月投诉量前 {size} 名的更换项目经理",
    "replace_company": "沂水方案 三(三)：连续 {n} 个月投诉量前 {size} 名的启动更换物业企业程序",
    "work_reminder": "沂水方案 三(六)：每月投诉量同比上升的乡镇（街道）进行工作提醒",
    "public_commitment": "沂水方案 三(六)：连续 {n} 个月同比上升最高的乡镇（街道）党（工）委书记公开承诺",
    "concentrated_talk": "沂水方案 三(六)：连续 {n} 个月同比上升的镇街由县专班组织集中谈话",
}


def campaign_complaints(campaign: Campaign):
    return Complaint.objects.filter(region_path__startswith=campaign.jurisdiction.path)


def campaign_start_month(campaign: Campaign) -> str | None:
    """Actions are proposed only for months of the campaign; earlier months still feed streaks."""
    first_phase = campaign.phases.order_by("start").values_list("start", flat=True).first()
    start = (
        min(d for d in (campaign.issued_on, first_phase) if d)
        if (campaign.issued_on or first_phase)
        else None
    )
    return rules.month_key(start) if start else None


def compute_month(campaign: Campaign, month: str) -> MonthlyRun:
    """Compute a month, computing first the earlier months whose stored results its streaks need,
    and afterwards the later months already computed, whose streaks start from this one."""
    rules.parse_month(month)
    later = MonthlyRun.objects.filter(campaign=campaign, month__gt=month).order_by("month")
    months = [*_missing_history(campaign, month), month, *later.values_list("month", flat=True)]
    counts = MonthCounts(campaign, months)
    runs = {m: _compute(campaign, m, counts) for m in months}
    return runs[month]


def _missing_history(campaign: Campaign, month: str) -> list[str]:
    first = campaign_complaints(campaign).aggregate(first=Min("received_at"))["first"]
    if first is None:
        return []
    first_month = rules.month_key(timezone.localtime(first, rules.SHANGHAI).date())
    done = set(MonthlyRun.objects.filter(campaign=campaign).values_list("month", flat=True))
    missing, cursor = [], rules.shift_month(month, -1)
    while cursor >= first_month and cursor not in done:
        missing.append(cursor)
        cursor = rules.shift_month(cursor, -1)
    return list(reversed(missing))


def _ranges(months: Iterable[str]) -> Iterator[tuple[str, str]]:
    """Sorted months as runs of consecutive months: (first, last) of each run."""
    ordered = sorted(set(months))
    first = previous = None
    for m in ordered:
        if previous is not None and m != rules.shift_month(previous, 1):
            yield first, previous
            first = None
        first, previous = first or m, m
    if first is not None:
        yield first, previous


def _counts_by_month(queryset, keys: tuple[str, ...], months: Iterable[str]) -> dict[str, dict[tuple, int]]:
    """month → {(key values) → complaints} for the given months, in one GROUP BY over their date
    ranges with a filtered count per month (plain range comparisons: no time-zone function per row)."""
    months = sorted(set(months))
    window = Q(pk__in=[])
    for first, last in _ranges(months):
        window |= Q(
            received_at__gte=rules.month_bounds(first)[0], received_at__lt=rules.month_bounds(last)[1]
        )
    per_month = {}  # counting a column of the covering index keeps the scan index-only
    for i, month in enumerate(months):
        start, end = rules.month_bounds(month)
        per_month[f"m{i}"] = Count("received_at", filter=Q(received_at__gte=start, received_at__lt=end))
    found: dict[str, dict[tuple, int]] = {m: {} for m in months}
    if not months:
        return found
    for row in queryset.filter(window).values(*keys).annotate(**per_month).values_list(*keys, *per_month):
        key, numbers = row[: len(keys)], row[len(keys) :]
        for month, n in zip(months, numbers, strict=True):
            if n:
                found[month][key] = n
    return found


def _sum_by(counts: dict[tuple, int], position: int) -> dict[int, int]:
    """Counts keyed by tuples, summed by one element of the key (rows where it is NULL left out)."""
    summed: dict[int, int] = defaultdict(int)
    for key, n in counts.items():
        if key[position] is not None:
            summed[key[position]] += n
    return dict(summed)


def _stored_townships(campaign: Campaign, months: set[str]) -> dict[str, dict[int, int]]:
    """month → {township → complaints} as stored by the months' runs, for those months that have one."""
    stored: dict[str, dict[int, int]] = {
        m: {}
        for m in MonthlyRun.objects.filter(campaign=campaign, month__in=months).values_list(
            "month", flat=True
        )
    }
    rows = TownshipMonth.objects.filter(campaign=campaign, month__in=list(stored), count__gt=0)
    for month, township_id, count in rows.values_list("month", "township_id", "count"):
        stored[month][township_id] = count
    return stored


class MonthCounts:
    """The counts a compute_month call needs, gathered once: per project for the months it
    computes, per township for those months, the same months last year and both years to date.

    The months it computes are counted from the complaints. The other months (the year to date,
    last year) are read from their stored township rows: recounting ten to twenty months of a
    province (4 of its 5 million complaints) took longer than the whole month's work may. A
    month without stored rows is counted. A late import into a past month reaches the later
    months' year-to-date when that month is recomputed, which recomputes every later month too.
    """

    def __init__(self, campaign: Campaign, months: list[str]):
        complaints = campaign_complaints(campaign)
        needed: set[str] = set()
        for month in months:
            year_start = f"{month[:4]}-01"
            for i in range(int(month[5:7])):
                needed.add(rules.shift_month(year_start, i))
                needed.add(rules.shift_month(year_start, i - 12))
        self._townships = _stored_townships(campaign, needed - set(months))
        # The months computed: per project and per township from one scan of the index.
        both = _counts_by_month(complaints, ("project_id", "township_id"), months)
        self._projects = {m: _sum_by(both[m], 0) for m in months}
        self._townships.update({m: _sum_by(both[m], 1) for m in months})
        others = _counts_by_month(complaints, ("township_id",), needed - set(self._townships))
        self._townships.update({m: _sum_by(counts, 0) for m, counts in others.items()})

    def projects(self, month: str) -> dict[int, int]:
        return self._projects[month]

    def townships(self, month: str) -> dict[int, int]:
        return self._townships[month]

    def total(self, first: str, last: str) -> int:
        """Complaints from the first to the last month inclusive (every complaint has a township)."""
        total, month = 0, first
        while month <= last:
            total += sum(self._townships[month].values())
            month = rules.shift_month(month, 1)
        return total


@transaction.atomic
def _compute(campaign: Campaign, month: str, counts: MonthCounts) -> MonthlyRun:
    started = timezone.now()
    project_counts = counts.projects(month)
    township_counts = counts.townships(month)
    run, _ = MonthlyRun.objects.update_or_create(
        campaign=campaign,
        month=month,
        defaults=_run_fields(campaign, month, project_counts, township_counts, counts),
    )
    # By (campaign, month), the unique index's prefix: the rankings have no index on run.
    MonthlyRanking.objects.filter(campaign=campaign, month=month).delete()
    TownshipMonth.objects.filter(run=run).delete()
    last_year = counts.townships(rules.shift_month(month, -12))
    proposals = _rank(campaign, run, project_counts) + _townships(campaign, run, township_counts, last_year)
    _propose_all(campaign, month, proposals)
    # One inbox notice per run for the task force, and none when a rerun proposes nothing new.
    announce_proposals(campaign, month, started, f"{month}投诉量排名")
    return run


def _run_fields(
    campaign: Campaign, month: str, project_counts: dict, township_counts: dict, counts: MonthCounts
) -> dict:
    year_start = f"{month[:4]}-01"
    ytd = counts.total(year_start, month)
    last = counts.total(rules.shift_month(year_start, -12), rules.shift_month(month, -12))
    progress = rules.target_progress(ytd, last, campaign.complaint_target_percent)
    params = {
        "ranking_size": campaign.ranking_size,
        "streak_replace_manager": campaign.streak_replace_manager,
        "streak_replace_company": campaign.streak_replace_company,
        "yoy_commitment_months": campaign.yoy_commitment_months,
        "yoy_talk_months": campaign.yoy_talk_months,
        "yoy_measure": campaign.yoy_measure,
        "complaint_target_percent": campaign.complaint_target_percent,
    }
    return {
        "params": params,
        "total_complaints": sum(township_counts.values()),
        "matched_complaints": sum(project_counts.values()),
        "ranked_projects": len(project_counts),
        "ytd_count": progress.ytd,
        "ytd_last_year": progress.ytd_last_year,
        "ytd_change_percent": progress.change_percent,
        "on_track": progress.on_track,
    }


# --- projects ----------------------------------------------------------------------------


def _serving(campaign: Campaign, on: date) -> dict[int, tuple[int | None, int | None]]:
    """project → (company, manager) serving it on a day, from the dated assignments, for the
    whole jurisdiction in one query: nearly every project of a province is ranked, and lists
    of ids cost more to send than the rows they select."""
    spells = (
        ProjectAssignment.objects.filter(
            project__region_path__startswith=campaign.jurisdiction.path, start__lte=on
        )
        .exclude(end__lt=on)
        .order_by("project_id", "-start")
        .values_list("project_id", "company_id", "manager_id")
    )
    serving: dict[int, tuple[int | None, int | None]] = {}
    for project_id, company_id, manager_id in spells:
        serving.setdefault(project_id, (company_id, manager_id))
    return serving


def _projects(campaign: Campaign) -> dict[int, tuple[int, str, int | None, int | None]]:
    """project → (township, region path, company, manager) for the jurisdiction, as plain values."""
    rows = Project.objects.filter(region_path__startswith=campaign.jurisdiction.path).values_list(
        "pk", "township_id", "region_path", "company_id", "manager_id"
    )
    return {row[0]: row[1:] for row in rows}


_RANKING_COLUMNS = (
    "run_id", "campaign_id", "month", "project_id", "township_id", "company_id", "manager_id",
    "region_path", "count", "previous_count", "rank", "in_top", "streak",
)  # fmt: skip


def _write_rankings(rows: list[tuple]) -> None:
    """A month's ranking rows (one per ranked project: 100,000 at province size) in one COPY on
    PostgreSQL; elsewhere bulk_create. Values are ids, numbers, booleans, a month and a region path."""
    if connection.vendor != "postgresql":
        MonthlyRanking.objects.bulk_create(
            [MonthlyRanking(**dict(zip(_RANKING_COLUMNS, row, strict=True))) for row in rows], batch_size=1000
        )
        return
    with connection.cursor() as cursor:
        sql = f"COPY {MonthlyRanking._meta.db_table} ({', '.join(_RANKING_COLUMNS)}) FROM STDIN"
        with cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)  # psycopg's C adapters: a string per value in Python cost seconds


def _rank(campaign: Campaign, run: MonthlyRun, counts: dict[int, int]) -> list[tuple]:
    month = run.month
    ranked = rules.rank_projects(counts, campaign.ranking_size)
    previous, previous_counts = {}, {}
    last_month = MonthlyRanking.objects.filter(campaign=campaign, month=rules.shift_month(month, -1))
    for project_id, streak, count in last_month.values_list("project_id", "streak", "count"):
        previous[project_id], previous_counts[project_id] = streak, count
    projects, serving = _projects(campaign), _serving(campaign, rules.last_day(month))
    rows, proposals = [], []
    for r in ranked:
        township_id, region_path, project_company, project_manager = projects[r.project_id]
        company_id, manager_id = serving.get(r.project_id, (project_company, project_manager))
        streak = rules.next_streak(previous.get(r.project_id, 0), r.in_top)
        row = (
            run.pk, campaign.pk, month, r.project_id, township_id, company_id, manager_id, region_path,
            r.count, previous_counts.get(r.project_id, 0), r.rank, r.in_top, streak,
        )  # fmt: skip
        rows.append(row)
        for kind in rules.streak_actions(
            streak, campaign.streak_replace_manager, campaign.streak_replace_company
        ):
            proposals.append(
                (kind, MonthlyRanking(run=run, **dict(zip(_RANKING_COLUMNS[1:], row[1:], strict=True))))
            )
    _write_rankings(rows)
    return proposals


# --- townships ---------------------------------------------------------------------------


def _townships(
    campaign: Campaign, run: MonthlyRun, counts: dict[int, int], last_year: dict[int, int]
) -> list[tuple]:
    month = run.month
    townships = {
        t.pk: t for t in Region.objects.townships().filter(path__startswith=campaign.jurisdiction.path)
    }
    previous = {
        t: (up, high)
        for t, up, high in TownshipMonth.objects.filter(
            campaign=campaign, month=rules.shift_month(month, -1)
        ).values_list("township_id", "up_streak", "highest_streak")
    }
    figures = [rules.TownshipFigures(pk, counts.get(pk, 0), last_year.get(pk, 0)) for pk in townships]
    results = rules.township_yoy(
        figures, previous, campaign.yoy_measure, campaign.yoy_commitment_months, campaign.yoy_talk_months
    )
    rows, proposals = [], []
    for r in results:
        rows.append(
            TownshipMonth(
                run=run,
                campaign=campaign,
                month=month,
                township_id=r.township_id,
                region_path=townships[r.township_id].path,
                count=r.count,
                last_year_count=r.last_year_count,
                rise=r.rise,
                rise_percent=r.rise_percent,
                is_up=r.is_up,
                is_highest=r.is_highest,
                up_streak=r.up_streak,
                highest_streak=r.highest_streak,
            )  # fmt: skip
        )
        proposals.extend((kind, rows[-1]) for kind in r.actions)
    TownshipMonth.objects.bulk_create(rows)
    return proposals


# --- actions -----------------------------------------------------------------------------


STREAK_KINDS = ("replace_manager", "replace_company")


def _history(model, key: str, ids: set[int], campaign: Campaign, months: list[str], fields: tuple) -> dict:
    """(id, month) → the stored figures of those months, for every id at once."""
    rows = model.objects.filter(campaign=campaign, month__in=months, **{f"{key}__in": ids})
    return {(pk, m): tuple(values) for pk, m, *values in rows.values_list(key, "month", *fields)}


def _last_months(month: str, n: int) -> list[str]:
    return [rules.shift_month(month, -i) for i in range(n - 1, -1, -1)]


def _proposals(campaign: Campaign, month: str, found: list[tuple]) -> list[Proposal]:
    """The actions the rules found, each with the months of evidence behind it. The targets'
    projects, managers, companies and townships and the evidence's earlier months are read in
    one query each, not per action: a province month can find a thousand townships up."""
    streaks = [(kind, row) for kind, row in found if kind in STREAK_KINDS]
    townships = [(kind, row) for kind, row in found if kind not in STREAK_KINDS]
    size = campaign.ranking_size
    n_by_kind = {
        "replace_manager": campaign.streak_replace_manager,
        "replace_company": campaign.streak_replace_company,
        "public_commitment": campaign.yoy_commitment_months,
        "concentrated_talk": campaign.yoy_talk_months,
    }
    longest = max([1, *(n_by_kind.get(kind, 1) for kind, _row in found)])
    months = _last_months(month, longest)
    ranking = _history(
        MonthlyRanking, "project_id", {r.project_id for _k, r in streaks}, campaign, months, ("count", "rank")
    )
    yoy = _history(
        TownshipMonth,
        "township_id",
        {r.township_id for _k, r in townships},
        campaign,
        months,
        ("count", "last_year_count", "rise"),
    )
    projects = Project.objects.in_bulk({r.project_id for _k, r in streaks})
    managers = Manager.objects.select_related("company").in_bulk({r.manager_id for _k, r in streaks} - {None})
    companies = Company.objects.in_bulk({r.company_id for _k, r in streaks} - {None})
    regions = Region.objects.in_bulk({r.township_id for _k, r in townships})
    proposals = []
    for kind, row in streaks:
        n = n_by_kind[kind]
        rule = RULE_NAMES[kind].format(n=n, size=size)
        shown = _last_months(month, n)
        history = [ranking.get((row.project_id, m), (0, None)) for m in shown]
        evidence = {
            "rule": rule,
            "months": shown,
            "counts": [count for count, _rank in history],
            "ranks": [rank for _count, rank in history],
            "ranking_size": size,
            "streak": row.streak,
        }
        project, manager = projects[row.project_id], managers.get(row.manager_id)
        if kind == "replace_manager" and manager is not None:
            target = Target.manager(manager, project)
        else:
            target = Target.project(project, company=companies.get(row.company_id), manager=manager)
        proposals.append(Proposal(kind, target, rule, evidence))
    for kind, row in townships:
        n = n_by_kind.get(kind, 1)
        rule = RULE_NAMES[kind].format(n=n)
        shown = _last_months(month, n)
        history = [yoy.get((row.township_id, m), (0, 0, 0)) for m in shown]
        evidence = {
            "rule": rule,
            "months": shown,
            "counts": [h[0] for h in history],
            "last_year_counts": [h[1] for h in history],
            "rises": [h[2] for h in history],
            "measure": campaign.yoy_measure,
        }
        proposals.append(Proposal(kind, Target.township(regions[row.township_id]), rule, evidence))
    return proposals


def _propose_all(campaign: Campaign, month: str, found: list[tuple]) -> None:
    """Propose what the rules found, and withdraw this month's proposals the data no longer supports."""
    start = campaign_start_month(campaign)
    kept: set[tuple[str, str, int]] = set()
    if start is None or month >= start:
        proposals = _proposals(campaign, month, found)
        propose_all(campaign, month, proposals)
        kept = {p.key for p in proposals}
    stale = Action.objects.filter(
        campaign=campaign, period=month, kind__in=KINDS, status=Action.Status.PROPOSED
    ).values_list("pk", "kind", "target_type", "target_id")
    withdrawn = [pk for pk, kind, ttype, tid in stale if (kind, ttype, tid) not in kept]
    if withdrawn:
        Action.objects.filter(pk__in=withdrawn).delete()
