"""Small services shared by pages, API, commands and tasks: campaign choice, publication, evaluations."""

from django.db import transaction
from django.utils import timezone

from campaigns.action_rules import EVALUATION, rule_text
from campaigns.actions import Target, announce_proposals, complete, propose
from campaigns.models import Action, Campaign
from orgs.models import Project

from .models import Publication, QualityEvaluation, ScoreRun
from .periods import Quarter
from .quarterly import ScoringError
from .rules import INPUT_LABELS


def pick_campaign(slug: str | None) -> Campaign:
    """The campaign named by slug, or the only active one."""
    if slug:
        campaign = Campaign.objects.filter(slug=slug).first()
        if campaign is None:
            raise ScoringError(f"没有标识为“{slug}”的整治行动")
        return campaign
    active = list(Campaign.objects.filter(is_active=True)[:2])
    if len(active) != 1:
        raise ScoringError("请用 --campaign 指定整治行动" if active else "没有进行中的整治行动")
    return active[0]


def require_task_force(user) -> None:
    if not (user.is_admin or user.role == user.Role.TASK_FORCE):
        raise ScoringError("只有专班可以执行此操作")


@transaction.atomic
def publish_quarter(run: ScoreRun, user) -> Publication:
    """Make a quarter's red/black lists and credit ratings public, stating the data and rules they rest on."""
    require_task_force(user)
    summary, params = run.summary, run.params
    weights = "、".join(f"{INPUT_LABELS.get(k, k)} {v}" for k, v in params.get("score_weights", {}).items())
    thresholds = "、".join(f"{k}≥{v}" for k, v in params.get("credit_thresholds", {}).items())
    num, den = params.get("company_blacklist_share", [1, 3])
    basis = {
        "computed_at": timezone.localtime(run.computed_at).strftime("%Y-%m-%d %H:%M"),
        "data": {
            "物业项目": summary.get("projects"),
            "计分项目": summary.get("scored"),
            "满意度测评": summary.get("surveys"),
            "督查得分": summary.get("inspections"),
            "12345等诉求": summary.get("complaints"),
            "到期台账问题": summary.get("items_due"),
        },
        "rules": {
            "考核权重": f"{weights}（缺项按其余各项折算）",
            "红黑榜": summary.get("list_rule"),
            "信用等级": f"{thresholds}，其余为C；列入企业黑名单的为C",
            "企业黑名单": f"服务项目{num}/{den}以上（含本数）列入黑榜",
        },
    }
    publication, created = Publication.objects.get_or_create(
        campaign=run.campaign,
        kind=Publication.Kind.QUARTER,
        period=run.quarter,
        defaults={"run": run, "basis": basis, "published_by": user},
    )
    if not created:
        raise ScoringError(f"{Quarter.parse(run.quarter).label}已公示")
    return publication


@transaction.atomic
def publish_month(campaign: Campaign, month: str, user) -> Publication:
    """Publish a month's top-N 通报 computed by complaints/ (its MonthlyRun holds the data and parameters)."""
    from complaints.models import MonthlyRun

    require_task_force(user)
    run = MonthlyRun.objects.filter(campaign=campaign, month=month).first()
    if run is None:
        raise ScoringError(f"{month} 尚未计算月度排名，不能公示")
    size = run.params.get("ranking_size", campaign.ranking_size)
    basis = {
        "computed_at": timezone.localtime(run.computed_at).strftime("%Y-%m-%d %H:%M"),
        "data": {
            "诉求总数": run.total_complaints,
            "已匹配到项目": run.matched_complaints,
            "排名项目": run.ranked_projects,
        },
        "rules": {
            "通报范围": f"按当月诉求量排名前{size}名（并列名次均列入，无诉求的项目不排名）",
            "受理时间": "按北京时间计入当月",
        },
    }
    publication, created = Publication.objects.get_or_create(
        campaign=campaign,
        kind=Publication.Kind.MONTH,
        period=month,
        defaults={"basis": basis, "published_by": user},
    )
    if not created:
        raise ScoringError(f"{month} 的通报已公示")
    return publication


@transaction.atomic
def record_evaluation(campaign: Campaign, project: Project, user, **fields) -> QualityEvaluation:
    """Record a 服务质量评价; a failed one proposes replacing the company.

    Seed 000 §三(四): "对该企业服务项目开展服务质量评价，评价不合格的，启动更换物业企业程序。"
    """
    require_task_force(user)
    started = timezone.now()
    evaluation = QualityEvaluation.objects.create(
        campaign=campaign, project=project, company=project.company, recorded_by=user, **fields
    )
    if not evaluation.passed:
        period = str(Quarter.containing(evaluation.evaluated_on))
        propose(
            campaign,
            Action.Kind.REPLACE_COMPANY,
            Target.project(project, project.company),
            period,
            rule_text(campaign, EVALUATION, Action.Kind.REPLACE_COMPANY),
            {
                "evaluation_id": evaluation.pk,
                "evaluated_on": evaluation.evaluated_on.isoformat(),
                "evaluator": evaluation.evaluator,
                "note": evaluation.note,
            },
        )
        announce_proposals(campaign, period, started, "服务质量评价")
    return evaluation


def complete_manager_replacements(project: Project, new_manager) -> list[Action]:
    """A confirmed 更换项目经理 is done once the project has a different manager.

    Called explicitly when a project's manager changes (see signals.py), so the
    register records who replaced whom and when, without anyone ticking it off.
    """
    done = []
    pending = Action.objects.filter(
        project=project, kind=Action.Kind.REPLACE_MANAGER, status=Action.Status.CONFIRMED
    ).exclude(manager=new_manager)
    for action in pending:
        today = timezone.localdate()
        note = f"项目经理已更换为{new_manager.name}（{today.year}年{today.month}月{today.day}日，系统根据项目经理变更自动办结）"
        done.append(complete(action, None, note))
    return done
