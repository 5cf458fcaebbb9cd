"""Gather one quarter's figures with a fixed number of aggregate queries (never one per project).

The rules in rules.py decide; this module only reads. At province size (100,000
projects) each query returns one row per project or per unit, never per complaint.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q

from campaigns.models import Campaign
from orgs.models import Project, ProjectAssignment, Region

from . import rules
from .models import CompanyAssessment, InspectionScore, ListEntry, SatisfactionSurvey, UnitScore
from .periods import Quarter

PRICE_QUALITY = "质价不符"


@dataclass
class ProjectRow:
    id: int
    township_id: int
    region_path: str
    households: int
    company_id: int | None
    manager_id: int | None


@dataclass
class QuarterFigures:
    projects: dict[int, ProjectRow]
    inputs: dict[int, rules.ProjectInputs]
    served: dict[int, set[int]]  # company → projects attributed to it this quarter
    black_before: dict[int, list[str]]  # project → quarters it was black-listed before this one
    last_before: set[tuple[str, int]]  # units last in the previous quarter
    excellent: set[int]  # companies rated 优秀 in the last half-year before this quarter
    townships: dict[int, Region]
    township_items: dict[int, tuple[int, int]] = field(default_factory=dict)
    department_items: dict[int, tuple[int, int]] = field(default_factory=dict)
    township_complaints: dict[int, int] = field(default_factory=dict)
    township_complaints_before: dict[int, int] = field(default_factory=dict)


def gather(campaign: Campaign, quarter: Quarter) -> QuarterFigures:
    path = campaign.jurisdiction.path
    projects = _projects(path, quarter)
    complaints, township_now, township_before = _complaints(path, quarter)
    items = _ledger(campaign, quarter)
    inputs = {}
    satisfaction = _input_values(SatisfactionSurvey, "satisfaction", campaign, quarter)
    inspection = _input_values(InspectionScore, "score", campaign, quarter)
    for pid, row in projects.items():
        n, pq = complaints.get(pid, (0, 0))
        due, on_time = items["project"].get(pid, (0, 0))
        inputs[pid] = rules.ProjectInputs(
            pid, satisfaction.get(pid), inspection.get(pid), row.households, n, pq, due, on_time
        )
    served: dict[int, set[int]] = defaultdict(set)
    for pid, row in projects.items():
        if row.company_id:
            served[row.company_id].add(pid)
    return QuarterFigures(
        projects=projects,
        inputs=inputs,
        served=dict(served),
        black_before=_black_before(campaign, quarter),
        last_before=_last_before(campaign, quarter),
        excellent=_excellent_before(campaign, quarter),
        townships={
            r.pk: r for r in Region.objects.filter(level=Region.Level.TOWNSHIP, path__startswith=path)
        },
        township_items=items["township"],
        department_items=items["department"],
        township_complaints=township_now,
        township_complaints_before=township_before,
    )


def _projects(path: str, quarter: Quarter) -> dict[int, ProjectRow]:
    """Every project in the jurisdiction, with the company and manager it is judged against.

    "Rankings and lists are judged against who served the project": the company that
    served the most days of the quarter (rules.attribute_projects), with that spell's manager.
    """
    projects = {
        pid: ProjectRow(pid, township, region_path, households, company, manager)
        for pid, township, region_path, households, company, manager in Project.objects.filter(
            region_path__startswith=path
        ).values_list("id", "township_id", "region_path", "households", "company_id", "manager_id")
    }
    spells = (
        ProjectAssignment.objects.filter(project__region_path__startswith=path, start__lte=quarter.end)
        .exclude(end__lt=quarter.start)
        .order_by("start", "pk")
        .values_list("project_id", "company_id", "manager_id", "start", "end")
    )
    rows, managers = [], {}
    for pid, company, manager, start, end in spells:
        days = ((min(end, quarter.end) if end else quarter.end) - max(start, quarter.start)).days + 1
        rows.append((pid, company, days))
        managers[(pid, company)] = manager
    for pid, company in rules.attribute_projects(rows).items():
        if pid in projects:
            projects[pid].company_id, projects[pid].manager_id = company, managers[(pid, company)]
    return projects


def _input_values(model, field_name: str, campaign: Campaign, quarter: Quarter) -> dict[int, Decimal]:
    rows = model.objects.filter(campaign=campaign, quarter=str(quarter)).values_list("project_id", field_name)
    return dict(rows)


def _complaints(path: str, quarter: Quarter) -> tuple[dict, dict, dict]:
    from complaints.models import Complaint

    start, end = quarter.aware_bounds()
    in_region = Complaint.objects.filter(region_path__startswith=path)
    per_project = {
        pid: (n, pq)
        for pid, n, pq in in_region.filter(project__isnull=False, received_at__gte=start, received_at__lt=end)
        .values("project_id")
        .annotate(n=Count("id"), pq=Count("id", filter=Q(category__contains=PRICE_QUALITY)))
        .values_list("project_id", "n", "pq")
    }
    before_start, before_end = quarter.year_before().aware_bounds()

    def per_township(lo, hi):
        rows = in_region.filter(received_at__gte=lo, received_at__lt=hi).values("township_id")
        # Counting a column of the covering received_at index keeps the scan index-only (PostgreSQL).
        return dict(rows.annotate(n=Count("received_at")).values_list("township_id", "n"))

    return per_project, per_township(start, end), per_township(before_start, before_end)


def _ledger(campaign: Campaign, quarter: Quarter) -> dict[str, dict[int, tuple[int, int]]]:
    """Items due in the quarter and how many were closed on or before their deadline, by owner."""
    from ledgers.models import LedgerItem
    from ledgers.querysets import closed_on_time_q

    due = LedgerItem.objects.filter(
        campaign=campaign, deadline__gte=quarter.start, deadline__lte=quarter.end
    ).exclude(status=LedgerItem.Status.WITHDRAWN)
    on_time = Count("id", filter=closed_on_time_q())
    result = {}
    for key, column in (
        ("project", "project_id"),
        ("township", "township_id"),
        ("department", "responsible_unit_id"),
    ):
        rows = due.exclude(**{f"{column}__isnull": True}).values(column).annotate(n=Count("id"), ok=on_time)
        result[key] = {row[column]: (row["n"], row["ok"]) for row in rows}
    return result


def _black_before(campaign: Campaign, quarter: Quarter) -> dict[int, list[str]]:
    rows = ListEntry.objects.filter(
        run__campaign=campaign, list=ListEntry.List.BLACK, run__quarter__lt=str(quarter)
    ).values_list("project_id", "run__quarter")
    history: dict[int, list[str]] = defaultdict(list)
    for pid, q in rows.order_by("run__quarter"):
        history[pid].append(q)
    return dict(history)


def _last_before(campaign: Campaign, quarter: Quarter) -> set[tuple[str, int]]:
    rows = UnitScore.objects.filter(
        run__campaign=campaign, run__quarter=str(quarter.previous()), is_last=True
    )
    return {
        (kind, town or dept) for kind, town, dept in rows.values_list("kind", "township_id", "department_id")
    }


def last_completed_half(quarter: Quarter) -> str:
    """The half-year whose assessment feeds this quarter's credit rating (the one that ended before it)."""
    return f"{quarter.year - 1}-H2" if quarter.number <= 2 else f"{quarter.year}-H1"


def _excellent_before(campaign: Campaign, quarter: Quarter) -> set[int]:
    rows = CompanyAssessment.objects.filter(
        run__campaign=campaign, half=last_completed_half(quarter), excellent=True
    ).values_list("company_id", flat=True)
    return set(rows)
