"""The rows behind a quarterly action (see campaigns.action_sources): the project's scores and list
positions, the projects behind a company blacklisting by name, a unit's quarters at the bottom,
and the failed evaluation behind a 更换物业企业."""

from campaigns.action_evidence import period_words as _quarter_words
from campaigns.action_sources import SourceTable
from campaigns.models import Action

from .models import ListEntry, ProjectScore, QualityEvaluation, UnitScore


def _value(number) -> str:
    return "—" if number is None else str(number)


def quarterly_sources(action: Action, user) -> list[SourceTable]:
    if action.target_type in (Action.TargetType.TOWNSHIP, Action.TargetType.DEPARTMENT):
        return [_unit_scores(action, user)]
    if action.target_type == Action.TargetType.COMPANY:
        return [_company_projects(action, user)]
    if action.project_id is None:
        return []
    return [_project_scores(action, user), _list_entries(action, user)]


def _project_scores(action: Action, user) -> SourceTable:
    rows = ProjectScore.objects.visible_to(user).filter(
        run__campaign=action.campaign_id, run__quarter=action.period, project=action.project_id
    )
    table = SourceTable(
        "季度考核得分",
        ["季度", "满意度", "督查得分", "诉求数", "质价不符诉求", "整改及时率", "得分", "排名"],
    )
    for s in rows:
        table.rows.append(
            [
                _quarter_words(action.period),
                *(_value(v) for v in (s.satisfaction, s.inspection, s.complaints)),
                *(_value(v) for v in (s.price_quality_complaints, s.timeliness, s.score)),
                f"第{s.rank}名" if s.rank else "—",
            ]
        )
    return table


def _list_entries(action: Action, user) -> SourceTable:
    rows = (
        ListEntry.objects.visible_to(user)
        .filter(run__campaign=action.campaign_id, project=action.project_id, run__quarter__lte=action.period)
        .select_related("run")
        .order_by("run__quarter")
    )
    table = SourceTable("红黑榜记录", ["季度", "榜单", "名次", "得分", "累计上黑榜次数"])
    for e in rows:
        table.rows.append(
            [_quarter_words(e.run.quarter), e.get_list_display(), f"第{e.rank}名", str(e.score), str(e.times)]
        )
    return table


def _company_projects(action: Action, user) -> SourceTable:
    """Every project the company served that quarter, by name, and which of them were on the black list."""
    scores = (
        ProjectScore.objects.visible_to(user)
        .filter(run__campaign=action.campaign_id, run__quarter=action.period, company=action.company_id)
        .select_related("project", "township")
        .order_by("rank", "project__name")
    )
    black = set(action.evidence.get("black_project_ids", ()))
    table = SourceTable("企业服务项目", ["项目", "镇街", "得分", "排名", "列入黑榜"])
    for s in scores:
        place = f"第{s.rank}名" if s.rank else "—"
        listed = "是" if s.project_id in black else "否"
        table.rows.append(
            [s.project.name, s.township.name if s.township else "—", _value(s.score), place, listed]
        )
    return table


def _unit_scores(action: Action, user) -> SourceTable:
    quarters = action.evidence.get("last_quarters") or [action.period]
    unit = {"township": action.township_id} if action.township_id else {"department": action.department_id}
    rows = (
        UnitScore.objects.visible_to(user)
        .filter(run__campaign=action.campaign_id, run__quarter__in=quarters, **unit)
        .select_related("run")
        .order_by("run__quarter")
    )
    table = SourceTable(
        "单位考核得分", ["季度", "单位", "项目平均分", "按期销号率", "得分", "排名", "倒数第一"]
    )
    for u in rows:
        table.rows.append(
            [
                _quarter_words(u.run.quarter),
                u.name,
                *(_value(v) for v in (u.project_score, u.timeliness, u.score)),
                f"第{u.rank}名" if u.rank else "—",
                "是" if u.is_last else "否",
            ]
        )
    return table


def evaluation_sources(action: Action, user) -> list[SourceTable]:
    rows = QualityEvaluation.objects.visible_to(user).filter(pk=action.evidence.get("evaluation_id"))
    table = SourceTable("服务质量评价", ["项目", "评价日期", "评价单位", "结果", "评价意见"])
    for e in rows.select_related("project"):
        result = "合格" if e.passed else "不合格"
        table.rows.append([e.project.name, e.evaluated_on.strftime("%Y-%m-%d"), e.evaluator, result, e.note])
    return [table]
