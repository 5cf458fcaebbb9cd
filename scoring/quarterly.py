"""The quarterly computation: figures → rules → one run of results and proposed actions.

SPEC.md "Consequences are records, not side effects": everything is written in one
transaction; a rerun replaces the run's rows (no duplicates; on PostgreSQL only the scores
that changed) and proposes through campaigns.actions.propose_all, which never touches an
action already confirmed, waived or done. A published quarter is frozen: it cannot be recomputed; an
unpublished one is recomputed with the parameters stored in its run, so a parameter changed afterwards
rewrites neither (campaigns.parameters).
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from campaigns import parameters
from campaigns.action_rules import QUARTERLY
from campaigns.actions import announce_proposals, withdraw_stale
from campaigns.models import Campaign
from orgs.models import Department

from . import rules
from .consequences import Proposer
from .figures import QuarterFigures, gather
from .models import (
    CompanyAssessment,
    CompanyBlacklist,
    CreditRating,
    ListEntry,
    ProjectScore,
    Publication,
    ScoreRun,
    UnitScore,
)
from .periods import Quarter


class ScoringError(Exception):
    """A computation or publication that is not allowed; the message is for the user, in Chinese."""


def campaign_params(campaign: Campaign) -> dict:
    """The rule parameters a run uses, frozen into the run."""
    return {
        "score_weights": dict(campaign.score_weights),
        "list_rule": dict(campaign.list_rule),
        "credit_thresholds": dict(campaign.credit_thresholds),
        "blacklist_times_replace_company": campaign.blacklist_times_replace_company,
        "company_blacklist_share": [
            campaign.company_blacklist_share_num,
            campaign.company_blacklist_share_den,
        ],
        "excellent_share_percent": campaign.excellent_share_percent,
        "fee_reduction_complaints": campaign.fee_reduction_complaints,
        "complaint_penalty_per_100_households": str(rules.COMPLAINT_PENALTY),
        "unit_weights": dict(rules.UNIT_WEIGHTS),
        "tie_rule": rules.TIE_RULE,
    }


@dataclass
class Outcome:
    scored: dict[int, rules.ScoredProject]
    ranks: dict[int, int]
    lists: rules.Lists
    blacklisted: list[rules.CompanyBlacklisting]
    company_scores: dict[int, tuple[Decimal, int]]
    ratings: dict[int, tuple[str, str]]
    units: list[rules.UnitResult]
    assessment: dict[int, tuple[Decimal, int, bool]] = field(default_factory=dict)


def decide(
    figures: QuarterFigures, params: dict, half_scores: dict[int, list[Decimal]], half_black: set[int]
) -> Outcome:
    """Apply every rule to the gathered figures. No database access."""
    scored = {pid: rules.score_project(inp, params["score_weights"]) for pid, inp in figures.inputs.items()}
    # Ranks, lists and averages work on hundredths (ints): the same order as the Decimals, much faster.
    scores = {pid: s.cents for pid, s in scored.items() if s.cents is not None}
    ranks = rules.competition_ranks(scores)
    lists = rules.red_black_lists(scores, params["list_rule"], unit=100)
    num, den = params["company_blacklist_share"]
    served = {c: {p for p in ps if p in scores} for c, ps in figures.served.items()}
    blacklisted = rules.company_blacklist(served, lists.black, num, den)
    black_companies = {b.company_id for b in blacklisted}
    company_scores = {
        c: (rules.from_cents(rules.half_up(sum(scores[p] for p in ps), len(ps))), len(ps))
        for c, ps in served.items()
        if ps
    }
    ratings = {}
    for c, (score, _n) in company_scores.items():
        level = rules.credit_level(
            score, params["credit_thresholds"], c in black_companies, c in figures.excellent
        )
        reason = (
            "列入企业黑名单"
            if c in black_companies
            else ("上半年度考核优秀，提升一级" if c in figures.excellent else "")
        )
        ratings[c] = (level, reason)
    units = _units(figures, scored)
    outcome = Outcome(scored, ranks, lists, blacklisted, company_scores, ratings, units)
    if half_scores is not None:
        outcome.assessment = _assessment(half_scores, company_scores, half_black | black_companies, params)
    return outcome


def _units(figures: QuarterFigures, scored: dict[int, rules.ScoredProject]) -> list[rules.UnitResult]:
    by_township: dict[int, list[int]] = defaultdict(list)
    for pid, s in scored.items():
        if s.cents is not None:
            by_township[figures.projects[pid].township_id].append(s.cents)
    townships = []
    for tid in figures.townships:
        scores = by_township.get(tid)
        due, ok = figures.township_items.get(tid, (0, 0))
        townships.append(
            rules.score_unit(
                rules.UnitInputs(
                    ("township", tid),
                    rules.from_cents(rules.half_up(sum(scores), len(scores))) if scores else None,
                    due,
                    ok,
                    figures.township_complaints.get(tid, 0),
                    figures.township_complaints_before.get(tid, 0),
                )
            )
        )
    departments = [
        rules.score_unit(rules.UnitInputs(("department", did), None, due, ok, has_projects=False))
        for did, (due, ok) in figures.department_items.items()
    ]
    return rules.rank_units(townships) + rules.rank_units(departments)


def _assessment(half_scores, company_scores, black, params) -> dict[int, tuple[Decimal, int, bool]]:
    merged: dict[int, list[Decimal]] = defaultdict(list)
    for c, values in half_scores.items():
        merged[c].extend(values)
    for c, (score, _n) in company_scores.items():
        merged[c].append(score)
    averages = {c: rules.q2(sum(v) / len(v)) for c, v in merged.items()}
    excellent = rules.excellent_companies(averages, params["excellent_share_percent"], black)
    ranks = rules.competition_ranks(averages)
    return {c: (score, ranks[c], c in excellent) for c, score in averages.items()}


def compute_quarter(campaign: Campaign, quarter_text: str, user=None) -> ScoreRun:
    """Compute (or recompute) a quarter; refuse once it is published."""
    quarter = Quarter.parse(quarter_text)
    existing = ScoreRun.objects.filter(campaign=campaign, quarter=str(quarter)).first()
    if existing and Publication.objects.filter(run=existing).exists():
        raise ScoringError(f"{quarter.label}的考核结果已公示，不能重新计算")
    campaign = Campaign.objects.select_related("jurisdiction").get(pk=campaign.pk)
    # A quarter computed before keeps its parameters; a new one takes those in force for it.
    in_force = parameters.in_force(campaign, parameters.Scope.QUARTERLY, str(quarter))
    params = {
        **campaign_params(parameters.as_of(campaign, in_force)),
        **(existing.params if existing else {}),
    }
    figures = gather(campaign, quarter)
    half_scores, half_black = _half_context(campaign, quarter)
    outcome = decide(figures, params, half_scores if quarter.ends_half else None, half_black)
    with transaction.atomic():
        started = timezone.now()
        run, _ = ScoreRun.objects.update_or_create(
            campaign=campaign, quarter=str(quarter), defaults={"params": params, "computed_by": user}
        )
        _write(run, quarter, figures, outcome)
        proposed = Proposer(campaign, quarter, figures, outcome, params).propose_all(user)
        withdraw_stale(campaign, str(quarter), QUARTERLY, proposed)
        run.summary = _summary(figures, outcome, len(proposed))
        run.save(update_fields=["summary"])
        announce_proposals(campaign, str(quarter), started, f"{quarter.label}考核")
    return run


def _half_context(campaign: Campaign, quarter: Quarter) -> tuple[dict[int, list[Decimal]], set[int]]:
    """The other quarter of this half-year: company scores and blacklistings already decided."""
    other = quarter.previous() if quarter.number in (2, 4) else quarter.next()
    scores: dict[int, list[Decimal]] = defaultdict(list)
    for c, s in CreditRating.objects.filter(run__campaign=campaign, run__quarter=str(other)).values_list(
        "company_id", "score"
    ):
        scores[c].append(s)
    black = set(
        CompanyBlacklist.objects.filter(run__campaign=campaign, run__quarter=str(other)).values_list(
            "company_id", flat=True
        )
    )
    return dict(scores), black


def _write(run: ScoreRun, quarter: Quarter, figures: QuarterFigures, outcome: Outcome) -> None:
    for model in (ListEntry, CompanyBlacklist, CreditRating, CompanyAssessment, UnitScore):
        model.objects.filter(run=run).delete()
    _insert_scores(run, figures, outcome)
    ListEntry.objects.bulk_create(_list_entries(run, figures, outcome), batch_size=2000)
    CompanyBlacklist.objects.bulk_create(
        CompanyBlacklist(
            run=run,
            company_id=b.company_id,
            black_projects=b.black_projects,
            served_projects=b.served_projects,
        )
        for b in outcome.blacklisted
    )
    CreditRating.objects.bulk_create(
        CreditRating(
            run=run,
            company_id=c,
            level=outcome.ratings[c][0],
            reason=outcome.ratings[c][1],
            score=score,
            projects=n,
        )
        for c, (score, n) in outcome.company_scores.items()
    )
    CompanyAssessment.objects.bulk_create(
        CompanyAssessment(run=run, half=quarter.half, company_id=c, score=s, rank=r, excellent=e)
        for c, (s, r, e) in outcome.assessment.items()
    )
    UnitScore.objects.bulk_create(_unit_rows(run, figures, outcome.units))


def _list_entries(run: ScoreRun, figures: QuarterFigures, outcome: Outcome) -> list[ListEntry]:
    """红黑榜 rows; a black entry carries how many times the project has now been black-listed."""
    entries = []
    for list_name, pids in (
        (ListEntry.List.RED, outcome.lists.red),
        (ListEntry.List.BLACK, outcome.lists.black),
    ):
        for pid in pids:
            row, s = figures.projects[pid], outcome.scored[pid]
            times = len(figures.black_before.get(pid, [])) + 1 if list_name == ListEntry.List.BLACK else 0
            entries.append(
                ListEntry(
                    run=run,
                    list=list_name,
                    project_id=pid,
                    company_id=row.company_id,
                    region_path=row.region_path,
                    score=s.score,
                    rank=outcome.ranks[pid],
                    times=times,
                )
            )
    return entries


SCORE_COLUMNS = (
    "run_id",
    "project_id",
    "company_id",
    "manager_id",
    "township_id",
    "region_path",
    "satisfaction",
    "inspection",
    "complaints_per_100",
    "complaints",
    "price_quality_complaints",
    "timeliness",
    "score",
    "rank",
    "missing",
)


def _insert_scores(run: ScoreRun, figures: QuarterFigures, outcome: Outcome) -> None:
    """One row per project by COPY (PostgreSQL) or executemany: at 100,000 projects model instances cost most."""
    missing_field = ProjectScore._meta.get_field("missing")
    prepared: dict[tuple, object] = {}
    rows = []
    for pid, s in outcome.scored.items():
        row, inputs = figures.projects[pid], figures.inputs[pid]
        if s.missing not in prepared:
            prepared[s.missing] = (
                json.dumps(list(s.missing))
                if connection.vendor == "postgresql"
                else missing_field.get_db_prep_save(list(s.missing), connection)
            )
        rows.append(
            (
                run.pk,
                pid,
                row.company_id,
                row.manager_id,
                row.township_id,
                row.region_path,
                inputs.satisfaction,
                inputs.inspection,
                rules.cents_text(s.per_100_cents),
                inputs.complaints,
                inputs.price_quality_complaints,
                rules.cents_text(s.timeliness_cents),
                rules.cents_text(s.cents),
                outcome.ranks.get(pid),
                prepared[s.missing],
            )
        )
    table = connection.ops.quote_name(ProjectScore._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in SCORE_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _write_changed_scores(cursor, run, table, rows)
            return
        ProjectScore.objects.filter(run=run).delete()
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(SCORE_COLUMNS))})"  # nosec B608  # quoted model names; values bound
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


def _write_changed_scores(cursor, run: ScoreRun, table: str, rows: list[tuple]) -> None:
    """PostgreSQL: the new rows go by COPY into a temporary table; the database then deletes only
    the stored scores that changed or went away, and inserts only the new and changed ones. A
    rerun on the same data writes nothing, so the audit trigger on scores records real changes,
    not 100,000 deletions per rerun (and nothing is compared row by row in Python)."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in SCORE_COLUMNS)
    same = " AND ".join(
        f"t.{quote(c)} IS NOT DISTINCT FROM s.{quote(c)}"
        for c in SCORE_COLUMNS
        if c not in ("run_id", "project_id")
    )
    cursor.execute(f"CREATE TEMPORARY TABLE zzt_scores AS SELECT {columns} FROM {table} WITH NO DATA")  # nosec B608
    _copy_rows(cursor, f"COPY zzt_scores ({columns}) FROM STDIN", rows)
    cursor.execute("ANALYZE zzt_scores")
    cursor.execute(
        f"DELETE FROM {table} s WHERE s.run_id = %s AND NOT EXISTS (SELECT 1 FROM zzt_scores t "  # nosec B608
        f"WHERE t.run_id = s.run_id AND t.project_id = s.project_id AND {same})",
        [run.pk],
    )
    # The unchanged rows are still stored and the unique (run, project) index skips them. An anti-join
    # (NOT EXISTS) did the same until the planner, right after a delete of the run's scores, still
    # believed the table empty and scanned it whole for each of 100,000 rows: 70-85 s instead of 0.5.
    cursor.execute(
        f"INSERT INTO {table} ({columns}) SELECT {columns} FROM zzt_scores "  # nosec B608
        "ON CONFLICT (run_id, project_id) DO NOTHING"
    )
    cursor.execute("DROP TABLE zzt_scores")


def _copy_rows(cursor, sql: str, rows: list[tuple]) -> None:
    """PostgreSQL COPY, each row adapted by psycopg's C adapters (a Python string per value cost seconds)."""
    with cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _unit_rows(run: ScoreRun, figures: QuarterFigures, units: list[rules.UnitResult]) -> list[UnitScore]:
    departments = Department.objects.select_related("region").in_bulk(
        [u.key[1] for u in units if u.key[0] == "department"]
    )
    rows = []
    for u in units:
        kind, pk = u.key
        common = {
            "run": run,
            "kind": kind,
            "score": u.score,
            "rank": u.rank,
            "is_last": u.is_last,
            "timeliness": u.timeliness,
            "trend": u.trend,
            "project_score": u.extra.get("project_score"),
        }
        if kind == "township":
            town = figures.townships[pk]
            rows.append(UnitScore(township=town, name=town.name, region_path=town.path, **common))
        else:
            dept = departments[pk]
            rows.append(UnitScore(department=dept, name=dept.name, region_path=dept.region.path, **common))
    return rows


def _summary(figures: QuarterFigures, outcome: Outcome, actions: int) -> dict:
    scored = [s for s in outcome.scored.values() if s.score is not None]
    return {
        "projects": len(figures.projects),
        "scored": len(scored),
        "missing_input": sum(1 for s in scored if s.missing),
        "surveys": sum(1 for i in figures.inputs.values() if i.satisfaction is not None),
        "inspections": sum(1 for i in figures.inputs.values() if i.inspection is not None),
        "complaints": sum(i.complaints for i in figures.inputs.values()),
        "items_due": sum(i.items_due for i in figures.inputs.values()),
        "red": len(outcome.lists.red),
        "black": len(outcome.lists.black),
        "blacklisted_companies": len(outcome.blacklisted),
        "rated_companies": len(outcome.ratings),
        "actions": actions,
        "list_rule": outcome.lists.rule_text,
    }
