"""双随机一公开 as plain functions: gather the pools, draw, verify, record visits, publish.

Views, the `verify_draw` command and tests all go through here. Errors are `DrawError` /
`WorkflowError` with a Chinese message.
"""

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import Avg
from django.utils import timezone

from ledgers import workflow as ledger_workflow
from ledgers.models import LedgerItem
from ledgers.workflow import WorkflowError
from orgs.models import Project, User
from scoring.models import CreditRating, InspectionScore
from scoring.periods import Quarter

from . import inspections
from .inspection_models import InspectionDraw, InspectionVisit
from .models import Campaign, Category
from .views import can_manage

INSPECTOR_ROLES = (User.Role.TASK_FORCE, User.Role.DEPARTMENT)


@dataclass(frozen=True)
class PoolFilter:
    township_id: int | None = None
    company_id: int | None = None
    service_standard: str | None = None
    resettlement: bool | None = None
    spare_good_credit: bool = False

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in (None, False)}


@dataclass(frozen=True)
class Finding:
    problem: str
    category: Category | None = None
    deadline: date | None = None


@dataclass(frozen=True)
class Verification:
    ok: bool
    result: inspections.DrawResult
    messages: list[str] = field(default_factory=list)


# Kept beside this module, not in presets/, which holds only whole campaign plans.
CHECKLIST = Path(__file__).with_name("inspection_checklist.json")


def load_checklist() -> dict:
    return json.loads(CHECKLIST.read_text(encoding="utf-8"))


def eligible_inspectors(campaign: Campaign):
    """专班 and 部门 staff working inside the campaign's jurisdiction (seed 001: 抽调专业技术人员)."""
    return User.objects.filter(
        is_active=True, role__in=INSPECTOR_ROLES, region__path__startswith=campaign.jurisdiction.path
    ).select_related("department", "region")


def latest_ratings(campaign: Campaign) -> dict[int, str]:
    """Each company's 信用等级 from the campaign's latest quarter that rated it."""
    rows = (
        CreditRating.objects.filter(run__campaign=campaign)
        .order_by("company_id", "-run__quarter")
        .values_list("company_id", "level")
    )
    ratings: dict[int, str] = {}
    for company_id, level in rows:
        ratings.setdefault(company_id, level)
    return ratings


def project_pool(campaign: Campaign, pool: PoolFilter) -> list[int]:
    projects = Project.objects.filter(region_path__startswith=campaign.jurisdiction.path)
    if pool.township_id:
        projects = projects.filter(township_id=pool.township_id)
    if pool.company_id:
        projects = projects.filter(company_id=pool.company_id)
    if pool.service_standard is not None:
        projects = projects.filter(service_standard=pool.service_standard)
    if pool.resettlement is not None:
        projects = projects.filter(is_resettlement=pool.resettlement)
    companies = dict(projects.values_list("pk", "company_id"))
    if pool.spare_good_credit:
        return inspections.outside_green_channel(companies, latest_ratings(campaign))
    return sorted(companies)


def _public_names(user_ids: list[int]) -> list[dict]:
    users = User.objects.filter(pk__in=user_ids).select_related("department", "region")
    return [
        {"name": str(u), "unit": str(u.department or u.region or "")}
        for u in sorted(users, key=lambda u: u.pk)
    ]


@transaction.atomic
def make_draw(
    campaign: Campaign,
    user: User,
    *,
    title: str,
    pool: PoolFilter,
    inspector_ids: list[int],
    project_count: int,
    inspector_count: int,
    typed: str,
    supersedes: InspectionDraw | None = None,
    reason: str = "",
) -> InspectionDraw:
    if not can_manage(user, campaign):
        raise WorkflowError("只有本级专班可以组织双随机抽取。")
    if supersedes is not None:
        if supersedes.campaign_id != campaign.pk or supersedes.is_superseded:
            raise WorkflowError("只能取代本行动中尚未被取代的抽取。")
        if not reason.strip():
            raise WorkflowError("重新抽取必须说明理由。")
        # Once inspectors have visited, the draw has been carried out and its scores count.
        if supersedes.visits.exists():
            raise WorkflowError("该次抽取已有检查记录，不能再被重新抽取取代。")
    eligible = set(eligible_inspectors(campaign).filter(pk__in=inspector_ids).values_list("pk", flat=True))
    projects = project_pool(campaign, pool)
    today = timezone.localdate()
    server = inspections.server_random()
    seed = inspections.combine_seed(today, typed, server)
    result = inspections.draw(seed, projects, sorted(eligible), project_count, inspector_count)
    return InspectionDraw.objects.create(
        campaign=campaign,
        title=title,
        region_path=campaign.jurisdiction.path,
        pool_filter=pool.as_dict(),
        project_pool=projects,
        inspector_pool=sorted(eligible),
        project_count=project_count,
        inspector_count=inspector_count,
        seed_date=today,
        seed_typed=typed.strip(),
        seed_server=server,
        seed=seed,
        drawn_projects=result.project_ids,
        drawn_inspectors=result.inspector_ids,
        inspectors_public=_public_names(result.inspector_ids),
        supersedes=supersedes,
        supersede_reason=reason.strip(),
        drawn_by=user,
    )


def verify(draw: InspectionDraw) -> Verification:
    """Re-run the draw from its recorded seed and pool snapshot and compare with what was recorded."""
    problems = []
    if draw.seed != inspections.combine_seed(draw.seed_date, draw.seed_typed, draw.seed_server):
        problems.append("随机种子与其组成部分不一致。")
    result = inspections.draw(
        draw.seed, draw.project_pool, draw.inspector_pool, draw.project_count, draw.inspector_count
    )
    if result.project_ids != draw.drawn_projects:
        problems.append("重算的抽中项目与记录不一致。")
    if result.inspector_ids != draw.drawn_inspectors:
        problems.append("重算的抽中人员与记录不一致。")
    return Verification(not problems, result, problems)


def may_record(user: User, draw: InspectionDraw) -> bool:
    return can_manage(user, draw.campaign) or user.pk in draw.drawn_inspectors


@transaction.atomic
def record_visit(
    draw: InspectionDraw,
    project: Project,
    user: User,
    *,
    visited_on: date,
    inspector_ids: list[int],
    checklist: list[dict],
    score: Decimal,
    findings: list[Finding],
) -> InspectionVisit:
    """One visit per drawn project; findings go to the ledger (source 督查) in the same step."""
    if not may_record(user, draw):
        raise WorkflowError("只有本次抽中的检查人员或专班可以录入检查结果。")
    if draw.is_superseded:
        raise WorkflowError("该次抽取已被取代，请在新的抽取中录入。")
    if project.pk not in draw.drawn_projects:
        raise WorkflowError("该项目不在本次抽中名单内。")
    if InspectionVisit.objects.filter(draw=draw, project=project).exists():
        raise WorkflowError("该项目本次抽查的检查结果已录入。")
    visit = InspectionVisit.objects.create(
        draw=draw,
        project=project,
        region_path=project.region_path,
        company_id=project.company_id,
        visited_on=visited_on,
        checklist=checklist,
        score=score,
        recorded_by=user,
    )
    visit.inspectors.set(User.objects.filter(pk__in=inspector_ids))
    visit.findings = [_log_finding(visit, user, n, f) for n, f in enumerate(findings, start=1)]
    visit.save(update_fields=["findings"])
    record_inspection_score(draw.campaign, project, Quarter.containing(visited_on), user)
    return visit


def _log_finding(visit: InspectionVisit, user: User, number: int, finding: Finding) -> dict:
    # Seed 001 §三(三): "查出的问题要限期整改" — every finding is a ledger item with a deadline.
    item = ledger_workflow.create_item(
        user=user,
        campaign=visit.draw.campaign,
        project=visit.project,
        problem=f"双随机督查发现：{finding.problem.strip()}",
        category=finding.category,
        source=LedgerItem.Source.SUPERVISION,
        deadline=finding.deadline,
        source_ref=f"inspection:{visit.pk}:{number}",
    )
    return {"problem": finding.problem.strip(), "item_id": item.pk}


def record_inspection_score(
    campaign: Campaign, project: Project, quarter: Quarter, user: User
) -> InspectionScore:
    """The quarter's 督查得分 is the average of that quarter's visits to the project (of draws not
    superseded), so a second visit neither erases nor doubles the first. The scoring app has no
    service function for this, so this is the one place this module writes InspectionScore."""
    visits = InspectionVisit.objects.filter(
        draw__campaign=campaign,
        project=project,
        visited_on__range=(quarter.start, quarter.end),
        draw__superseded_by__isnull=True,
    )
    average = visits.aggregate(avg=Avg("score"))["avg"]
    score, _created = InspectionScore.objects.update_or_create(
        campaign=campaign,
        project=project,
        quarter=str(quarter),
        defaults={
            "score": Decimal(average).quantize(Decimal("0.01")),
            "note": f"双随机督查 {visits.count()} 次平均",
            "entered_by": user,
        },
    )
    return score


@transaction.atomic
def publish(draw: InspectionDraw, user: User) -> InspectionDraw:
    if not can_manage(user, draw.campaign):
        raise WorkflowError("只有本级专班可以公开抽查结果。")
    if draw.published_at is not None:
        raise WorkflowError("该次抽查结果已公开。")
    draw.published_at = timezone.now()
    draw.published_by = user
    draw.save(update_fields=["published_at", "published_by"])
    return draw
