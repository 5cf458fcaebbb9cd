"""The rows behind a monthly action (see campaigns.action_sources): the project's ranking in each
month of the streak and the complaints that counted, or the township's year-on-year months."""

from django.utils import timezone

from campaigns.action_sources import SourceTable
from campaigns.models import Action

from . import rules
from .models import Complaint, MonthlyRanking, TownshipMonth

MAX_COMPLAINTS = 500


def monthly_sources(action: Action, user) -> list[SourceTable]:
    months = [m for m in action.evidence.get("months", []) if _is_month(m)]
    if action.target_type == Action.TargetType.TOWNSHIP:
        return [_township_months(action, user, months)]
    if action.project_id is None:
        return []
    return [_rankings(action, user, months), _complaints(action, user, months)]


def _is_month(text: str) -> bool:
    try:
        rules.parse_month(text)
    except (TypeError, ValueError):
        return False
    return True


def _words(month: str) -> str:
    return f"{month[:4]}年{int(month[5:7])}月"


def _rankings(action: Action, user, months: list[str]) -> SourceTable:
    rows = MonthlyRanking.objects.visible_to(user).filter(
        campaign=action.campaign_id, project=action.project_id, month__in=months
    )
    found = {r.month: r for r in rows}
    size = action.evidence.get("ranking_size", "")
    table = SourceTable("月度投诉量排名", ["月份", "诉求量", "名次", f"前{size}名", "连续上榜月数"])
    for month in months:
        r = found.get(month)
        table.rows.append(
            [_words(month), str(r.count), f"第{r.rank}名", "是" if r.in_top else "否", str(r.streak)]
            if r
            else [_words(month), "0", "未上榜", "否", "0"]
        )
    return table


def _complaints(action: Action, user, months: list[str]) -> SourceTable:
    """The complaints matched to the project in the months: the ones the ranking counted."""
    table = SourceTable("计入排名的诉求", ["月份", "工单编号", "受理时间", "诉求类别", "诉求内容"])
    for month in months:
        start, end = rules.month_bounds(month)
        rows = (
            Complaint.objects.visible_to(user)
            .filter(project=action.project_id, received_at__gte=start, received_at__lt=end)
            .order_by("received_at", "pk")
            .only("ticket", "received_at", "category", "content")
        )
        for c in rows[:MAX_COMPLAINTS]:
            when = timezone.localtime(c.received_at, rules.SHANGHAI).strftime("%Y-%m-%d %H:%M")
            table.rows.append([_words(month), c.ticket, when, c.category or "—", c.content[:60]])
    table.note = "按受理时间（北京时间）计入当月；诉求此后改派到其他项目的，下次计算时才改变排名。"
    return table


def _township_months(action: Action, user, months: list[str]) -> SourceTable:
    rows = TownshipMonth.objects.visible_to(user).filter(
        campaign=action.campaign_id, township=action.township_id, month__in=months
    )
    found = {r.month: r for r in rows}
    table = SourceTable("镇街诉求量同比", ["月份", "诉求量", "去年同月", "同比增加", "同比上升"])
    for month in months:
        r = found.get(month)
        if r is None:
            table.rows.append([_words(month), "—", "—", "—", "未计算"])
        elif r.last_year_count is None:
            table.rows.append([_words(month), str(r.count), "无同比数据", "—", "—"])
        else:
            up = "是（最高）" if r.is_highest else "是" if r.is_up else "否"
            table.rows.append([_words(month), str(r.count), str(r.last_year_count), str(r.rise), up])
    return table
