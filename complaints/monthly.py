"""The monthly computation: gather counts in SQL, rank in SQL, apply rules.py, store the month, propose actions.

A month's derived rows (MonthlyRanking, TownshipMonth) are replaced as a whole in one
transaction, so a rerun gives the same result; proposed actions go through
campaigns.actions.propose_all, which never touches one already confirmed, waived or done.
Streaks read the stored results of earlier months, computing missing ones first. Every count a
call needs (the months it computes, their year-to-date and last year's months) is gathered
by one GROUP BY per key over those months, not by a query per month.

The project ranking is one INSERT … SELECT (RANKING_SQL): a province month ranks ~90,000
projects, and carrying them through Python (read the counts, the projects, who served them and
last month's streaks, rank, write back) took longer than the whole month's work may. Python
reads back only the top N, the rows whose streaks can propose an action.
"""

from collections.abc import Iterable, Iterator

from django.db import connection, transaction
from django.db.models import Count, Min, Q, Sum
from django.utils import timezone

from campaigns import parameters
from campaigns.action_rules import MONTHLY, rule_text
from campaigns.actions import Proposal, Target, announce_proposals, propose_all, withdraw_stale
from campaigns.models import Campaign
from orgs.models import Company, Manager, Project, ProjectAssignment, Region

from . import rules
from .models import Complaint, MonthlyRanking, MonthlyRun, TownshipMonth


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
    # One transaction around the temporary table's whole life: behind a pooler that lends a server
    # connection per transaction (pgbouncer's transaction mode), the table exists only inside one.
    # It also means the month and the history its streaks needed are stored together or not at all.
    with transaction.atomic(), MonthCounts(campaign, months) as counts:
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


def _grouped(queryset, keys: tuple[str, ...], months: list[str]):
    """The complaints of the sorted months grouped by the keys, with a column m0, m1, … counting each
    month's, in one GROUP BY over their date ranges (plain range comparisons: no time-zone function
    per row)."""
    window = Q(pk__in=[])
    for first, last in _ranges(months):
        window |= Q(
            received_at__gte=rules.month_bounds(first)[0], received_at__lt=rules.month_bounds(last)[1]
        )
    per_month = {}  # counting a column of the covering index keeps the scan index-only
    for i, month in enumerate(months):
        start, end = rules.month_bounds(month)
        per_month[f"m{i}"] = Count("received_at", filter=Q(received_at__gte=start, received_at__lt=end))
    return queryset.filter(window).values(*keys).annotate(**per_month).values_list(*keys, *per_month)


def _counts_by_month(queryset, keys: tuple[str, ...], months: Iterable[str]) -> dict[str, dict[tuple, int]]:
    """month → {(key values) → complaints} for the given months."""
    months = sorted(set(months))
    found: dict[str, dict[tuple, int]] = {m: {} for m in months}
    if not months:
        return found
    for row in _grouped(queryset, keys, months):
        key, numbers = row[: len(keys)], row[len(keys) :]
        for month, n in zip(months, numbers, strict=True):
            if n:
                found[month][key] = n
    return found


class MonthCounts:
    """The counts a compute_month call needs, gathered once: per project and township for the
    months it computes, per township for the same months last year, and the totals of both
    years to date.

    The months it computes are counted from the complaints by one GROUP BY (project, township)
    into a temporary table, TABLE, with a column per month (column()), that lives while the
    `with` block does: the rankings are computed from it in SQL, and the townships' counts and
    the run's totals are summed from it, without the ~90,000 rows of a province month passing
    through Python. The other months (last year, the year to date) are read from their stored
    township rows, summed by the database where only a total is needed: recounting ten to twenty
    months of a province (4 of its 5 million complaints) took longer than the whole month's work
    may. A month without stored rows is counted. A late import into a past month reaches the
    later months' year-to-date when that month is recomputed, which recomputes every later month
    too.
    """

    TABLE = "monthly_counts"

    def __init__(self, campaign: Campaign, months: list[str]):
        self.campaign = campaign
        self.data_since = (
            rules.month_key(campaign.complaint_data_since) if campaign.complaint_data_since else None
        )
        self.months = sorted(set(months))
        self._columns = {m: f"m{i}" for i, m in enumerate(self.months)}
        self._townships: dict[str, dict[int, int]] = {}  # month → {township → complaints}
        self._totals: dict[str, int] = {}  # month → complaints
        self._projects: dict[str, tuple[int, int]] = {}

    def __enter__(self) -> "MonthCounts":
        computed = set(self.months)
        last_year = {rules.shift_month(m, -12) for m in self.months} - computed
        to_date: set[str] = set()
        for month in self.months:
            year_start = f"{month[:4]}-01"
            for i in range(int(month[5:7])):
                to_date.add(rules.shift_month(year_start, i))
                to_date.add(rules.shift_month(year_start, i - 12))
        to_date -= computed | last_year
        self._count_computed()
        stored = set(
            MonthlyRun.objects.filter(campaign=self.campaign, month__in=last_year | to_date).values_list(
                "month", flat=True
            )
        )
        self._townships.update({m: {} for m in last_year & stored})
        rows = TownshipMonth.objects.filter(campaign=self.campaign, month__in=last_year & stored, count__gt=0)
        for month, township_id, count in rows.values_list("month", "township_id", "count"):
            self._townships[month][township_id] = count
        self._totals.update({m: 0 for m in to_date & stored})
        sums = TownshipMonth.objects.filter(campaign=self.campaign, month__in=to_date & stored)
        self._totals.update(sums.values("month").annotate(n=Sum("count")).values_list("month", "n"))
        counted = _counts_by_month(
            campaign_complaints(self.campaign), ("township_id",), (last_year | to_date) - stored
        )
        for month, counts in counted.items():
            self._townships[month] = {key[0]: n for key, n in counts.items() if key[0] is not None}
        for month, townships in self._townships.items():
            self._totals[month] = sum(townships.values())
        return self

    def _count_computed(self) -> None:
        """The computed months' complaints into TABLE; their township counts and project totals from it."""
        grouped = _grouped(campaign_complaints(self.campaign), ("project_id", "township_id"), self.months)
        sql, params = grouped.query.sql_with_params()
        columns = [self._columns[m] for m in self.months]
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.TABLE}")
            cursor.execute(f"CREATE TEMPORARY TABLE {self.TABLE} AS {sql}", params)
            # A temporary table has no statistics until analysed, and PostgreSQL then plans the
            # ranking's joins for a few rows: nested loops over 90,000 took a third longer.
            cursor.execute(f"ANALYZE {self.TABLE}")
            cursor.execute(
                f"SELECT township_id, {', '.join(f'SUM({c})' for c in columns)} "  # nosec B608  # generated names
                f"FROM {self.TABLE} WHERE township_id IS NOT NULL GROUP BY township_id"
            )
            by_township = cursor.fetchall()
            cursor.execute(
                "SELECT "
                + ", ".join(
                    f"SUM(CASE WHEN project_id IS NULL THEN 0 ELSE {c} END), "
                    f"COUNT(DISTINCT CASE WHEN {c} > 0 THEN project_id END)"
                    for c in columns
                )
                + f" FROM {self.TABLE}"
            )
            totals = cursor.fetchone()
        for i, month in enumerate(self.months):
            self._townships[month] = {row[0]: int(row[1 + i]) for row in by_township if row[1 + i]}
            # (complaints matched to a project, projects with at least one)
            self._projects[month] = (int(totals[2 * i] or 0), int(totals[2 * i + 1]))

    def __exit__(self, *exc) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.TABLE}")

    def column(self, month: str) -> str:
        """The column of TABLE that counts a month's complaints of each (project, township)."""
        return self._columns[month]

    def projects(self, month: str) -> tuple[int, int]:
        """(complaints matched to a project, projects with at least one) in a month."""
        return self._projects[month]

    def townships(self, month: str) -> dict[int, int]:
        return self._townships[month]

    def has_data(self, month: str) -> bool:
        """Whether complaints were imported for the month (无同比数据 otherwise): see rules.has_complaint_data."""
        return rules.has_complaint_data(month, self._totals[month], self.data_since)

    def total(self, first: str, last: str) -> int:
        """Complaints from the first to the last month inclusive (every complaint has a township)."""
        total, month = 0, first
        while month <= last:
            total += self._totals[month]
            month = rules.shift_month(month, 1)
        return total


def month_campaign(campaign: Campaign, month: str) -> Campaign:
    """The campaign with the parameters the month is computed with: those stored in its run when it
    was computed before (a parameter changed since never rewrites it), else those in force for it."""
    stored = (
        MonthlyRun.objects.filter(campaign=campaign, month=month).values_list("params", flat=True).first()
    )
    values = {**parameters.in_force(campaign, parameters.Scope.MONTHLY, month), **(stored or {})}
    return parameters.as_of(campaign, values)


@transaction.atomic
def _compute(campaign: Campaign, month: str, counts: MonthCounts) -> MonthlyRun:
    started = timezone.now()
    campaign = month_campaign(campaign, month)
    township_counts = counts.townships(month)
    run, _ = MonthlyRun.objects.update_or_create(
        campaign=campaign, month=month, defaults=_run_fields(campaign, month, counts)
    )
    # By (campaign, month), the unique index's prefix: the rankings have no index on run.
    MonthlyRanking.objects.filter(campaign=campaign, month=month).delete()
    TownshipMonth.objects.filter(run=run).delete()
    last_year = (
        counts.townships(rules.shift_month(month, -12))
        if counts.has_data(rules.shift_month(month, -12))
        else None
    )
    proposals = _rank(campaign, run, counts) + _townships(campaign, run, township_counts, last_year)
    _propose_all(campaign, month, proposals)
    # One inbox notice per run for the task force, and none when a rerun proposes nothing new.
    announce_proposals(campaign, month, started, f"{month}投诉量排名")
    return run


def _run_fields(campaign: Campaign, month: str, counts: MonthCounts) -> dict:
    # The target compares like with like: the months of the year so far whose same month last
    # year has data, so a county whose data starts mid-year is not "up" by the months it lacks.
    # 本年累计 stays the whole year so far.
    comparable = [m for m in _year_to(month) if counts.has_data(rules.shift_month(m, -12))]
    last = sum(counts.total(rules.shift_month(m, -12), rules.shift_month(m, -12)) for m in comparable)
    progress = rules.target_progress(
        sum(counts.total(m, m) for m in comparable), last, campaign.complaint_target_percent
    )
    params = {
        "ranking_size": campaign.ranking_size,
        "streak_replace_manager": campaign.streak_replace_manager,
        "streak_replace_company": campaign.streak_replace_company,
        "yoy_commitment_months": campaign.yoy_commitment_months,
        "yoy_talk_months": campaign.yoy_talk_months,
        "yoy_measure": campaign.yoy_measure,
        "complaint_target_percent": campaign.complaint_target_percent,
    }
    matched, ranked = counts.projects(month)
    return {
        "params": params,
        "total_complaints": sum(counts.townships(month).values()),
        "matched_complaints": matched,
        "ranked_projects": ranked,
        "ytd_count": counts.total(f"{month[:4]}-01", month),
        "ytd_last_year": progress.ytd_last_year,
        "ytd_change_percent": progress.change_percent,
        "on_track": progress.on_track,
    }


def _year_to(month: str) -> list[str]:
    """January to the month, inclusive."""
    return [f"{month[:4]}-{m:02d}" for m in range(1, int(month[5:7]) + 1)]


# --- projects ----------------------------------------------------------------------------

# Seed 000 §三(三): "每月通报投诉量位居全市投诉量前 50 名的项目 … 连续 2 个月前 50 名的更换项目经理，连续 3 个月
# 前 50 名的启动更换物业企业程序". The month's ranking, in the one place these rules live:
# - ties share a rank and the next rank skips (1, 2, 2, 4): RANK();
# - the top N is every project ranked ≤ N, so a tie at the edge is all in ("前50名" includes the 50th);
# - a project with no complaint in the month is never ranked;
# - the streak counts the consecutive months in the top N ending this month: last month's stored
#   streak plus one (0 when last month has no row), or 0 when out of the top N;
# - the ranking is judged against who served the project that month: the assignment spell covering
#   the month's last day (the latest-starting if several do), else the project's own company and
#   manager, as a pair.
# Inserted in project order, the order of the indexes a month's rows go into.
RANKING_SQL = """
INSERT INTO {ranking} (run_id, campaign_id, month, project_id, township_id, company_id, manager_id,
                       region_path, count, previous_count, rank, in_top, streak)
SELECT %(run)s, %(campaign)s, %(month)s, p.id, p.township_id,
       CASE WHEN s.project_id IS NULL THEN p.company_id ELSE s.company_id END,
       CASE WHEN s.project_id IS NULL THEN p.manager_id ELSE s.manager_id END,
       p.region_path, c.n, COALESCE(previous.count, 0), c.place, c.place <= %(size)s,
       CASE WHEN c.place <= %(size)s THEN COALESCE(previous.streak, 0) + 1 ELSE 0 END
FROM (
    SELECT project_id, SUM({column}) AS n, RANK() OVER (ORDER BY SUM({column}) DESC) AS place
    FROM {counts} WHERE project_id IS NOT NULL GROUP BY project_id HAVING SUM({column}) > 0
) c
JOIN {project} p ON p.id = c.project_id
LEFT JOIN (
    SELECT project_id, company_id, manager_id,
           ROW_NUMBER() OVER (PARTITION BY project_id ORDER BY start DESC, id DESC) AS latest
    FROM {assignment}
    WHERE start <= %(day)s AND ("end" IS NULL OR "end" >= %(day)s)
        AND project_id IN (SELECT project_id FROM {counts})
) s ON s.project_id = c.project_id AND s.latest = 1
LEFT JOIN {ranking} previous ON previous.campaign_id = %(campaign)s AND previous.month = %(previous)s
    AND previous.project_id = c.project_id
ORDER BY p.id
"""


def _rank(campaign: Campaign, run: MonthlyRun, counts: MonthCounts) -> list[tuple]:
    """Store the month's ranking (RANKING_SQL); the streak actions its top N reached, as (kind, row)."""
    sql = RANKING_SQL.format(
        ranking=MonthlyRanking._meta.db_table,
        counts=counts.TABLE,
        column=counts.column(run.month),
        project=Project._meta.db_table,
        assignment=ProjectAssignment._meta.db_table,
    )
    params = {
        "run": run.pk,
        "campaign": campaign.pk,
        "month": run.month,
        "previous": rules.shift_month(run.month, -1),
        "day": rules.last_day(run.month),
        "size": campaign.ranking_size,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    # Only a project in the top N has a streak (out of it, it is 0), so only these can propose.
    top = MonthlyRanking.objects.filter(campaign=campaign, month=run.month, in_top=True)
    return [
        (kind, row)
        for row in top
        for kind in rules.streak_actions(
            row.streak, campaign.streak_replace_manager, campaign.streak_replace_company
        )
    ]


# --- townships ---------------------------------------------------------------------------


def _townships(
    campaign: Campaign, run: MonthlyRun, counts: dict[int, int], last_year: dict[int, int] | None
) -> list[tuple]:
    """`last_year` is None when the same month last year has no data (无同比数据)."""
    month = run.month
    paths = dict(
        Region.objects.townships()
        .filter(path__startswith=campaign.jurisdiction.path)
        .values_list("pk", "path")
    )
    previous = {
        t: (up, high)
        for t, up, high in TownshipMonth.objects.filter(
            campaign=campaign, month=rules.shift_month(month, -1)
        ).values_list("township_id", "up_streak", "highest_streak")
    }
    figures = [
        rules.TownshipFigures(pk, counts.get(pk, 0), None if last_year is None else last_year.get(pk, 0))
        for pk in paths
    ]
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
                region_path=paths[r.township_id],
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
        rule = rule_text(campaign, MONTHLY, kind, n=n, size=size)
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
        rule = rule_text(campaign, MONTHLY, kind, n=n)
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
    withdraw_stale(campaign, month, MONTHLY, kept)
