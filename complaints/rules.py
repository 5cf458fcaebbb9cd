"""The monthly complaint rules of seed 000 as pure functions: plain data in, plain data out.

monthly.py gathers the month's counts from the database, calls these, and writes the
results and the proposed actions in one transaction. The project ranking and its streaks
are the exception: they are computed where the ~90,000 rows of a province month are, in
SQL, and live in monthly.RANKING_SQL.
"""

import math
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


# --- months -------------------------------------------------------------------------------


def parse_month(text: str) -> date:
    """ "2024-07" → date(2024, 7, 1); raises ValueError with a Chinese message otherwise."""
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        return date(year, month, 1)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"月份格式应为 YYYY-MM，收到“{text}”") from exc


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def shift_month(month: str, delta: int) -> str:
    first = parse_month(month)
    index = first.year * 12 + first.month - 1 + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """[start, end) of a month in Asia/Shanghai: complaints count by 受理时间 in local time."""
    first = parse_month(month)
    nxt = parse_month(shift_month(month, 1))
    return (
        datetime(first.year, first.month, 1, tzinfo=SHANGHAI),
        datetime(nxt.year, nxt.month, 1, tzinfo=SHANGHAI),
    )


def last_day(month: str) -> date:
    start, end = month_bounds(shift_month(month, 1))
    return date.fromordinal(start.date().toordinal() - 1)


# --- projects: the actions a streak in the monthly top N proposes -----------------------


# Seed 000 §三(三): "连续 2 个月前 50 名的更换项目经理，连续 3 个月前 50 名的启动更换物业企业程序".
# One streak proposes each action once, in the month it reaches the threshold; a streak that
# breaks and starts again reaches it again and proposes again.
def streak_actions(streak: int, replace_manager_at: int, replace_company_at: int) -> list[str]:
    kinds = []
    if streak == replace_manager_at:
        kinds.append("replace_manager")
    if streak == replace_company_at:
        kinds.append("replace_company")
    return kinds


# --- townships: year on year ------------------------------------------------------------


@dataclass(frozen=True)
class TownshipFigures:
    township_id: int
    count: int
    last_year_count: int | None  # None: no data for the same month last year (无同比数据), not zero


@dataclass(frozen=True)
class TownshipResult:
    township_id: int
    count: int
    last_year_count: int | None
    rise: int | None
    rise_percent: float | None  # None when last year had no complaint: no percentage exists
    is_up: bool
    is_highest: bool
    up_streak: int
    highest_streak: int
    actions: tuple[str, ...]


# "同比" compares with the same month last year, which a county that imports its first year of
# 12345 data does not have: a month for which no complaint of the jurisdiction was imported has
# no figure, and zero would make every township "rise". When the campaign states from which month
# its complaint data starts, that decides; otherwise any complaint imported for the month does.
def has_complaint_data(month: str, jurisdiction_complaints: int, data_since: str | None) -> bool:
    if data_since:
        return month >= data_since
    return jurisdiction_complaints > 0


def _rise_key(figures: TownshipFigures, measure: str) -> float:
    """How a rise compares for "上升最高". By percentage, a rise from zero last year is larger
    than any finite percentage (it is infinite); by count, it is the count itself."""
    rise = figures.count - figures.last_year_count
    if measure != "percent":
        return rise
    if figures.last_year_count == 0:
        return math.inf
    return rise / figures.last_year_count


def _is_up(figures: TownshipFigures) -> bool:
    return figures.last_year_count is not None and figures.count > figures.last_year_count


# Seed 000 §三(六): "对每月投诉量同比上升的乡镇（街道），进行工作提醒；对连续 2 个月同比上升最高的乡镇（街道），
# 乡镇（街道）党（工）委书记在县电视台公开承诺；对连续 3 个月同比上升的镇街，由县专班组织集中谈话。"
# "上升" is strictly more than the same month last year (a township with none last year, in a month
# the jurisdiction has data for, has risen). Without last year's figure (无同比数据) there is no
# comparison: no rise, no reminder, and no streak runs through the month — the next rise starts a
# new one. "最高" is the largest rise among the townships that rose; townships tied on it are all
# highest. Streak actions are proposed once, in the month the streak reaches the number of
# months, like the project streaks.
def township_yoy(
    figures: list[TownshipFigures],
    previous: dict[int, tuple[int, int]],
    measure: str = "absolute",
    commitment_months: int = 2,
    talk_months: int = 3,
) -> list[TownshipResult]:
    """`previous` maps township → (up_streak, highest_streak) of the month before."""
    top = max((_rise_key(f, measure) for f in figures if _is_up(f)), default=None)
    results = []
    for f in sorted(figures, key=lambda f: f.township_id):
        is_up = _is_up(f)
        is_highest = is_up and _rise_key(f, measure) == top
        prev_up, prev_highest = previous.get(f.township_id, (0, 0))
        up_streak = prev_up + 1 if is_up else 0
        highest_streak = prev_highest + 1 if is_highest else 0
        actions = ["work_reminder"] if is_up else []
        if highest_streak == commitment_months:
            actions.append("public_commitment")
        if up_streak == talk_months:
            actions.append("concentrated_talk")
        last = f.last_year_count
        rise = None if last is None else f.count - last
        percent = None if not last else round(rise * 100 / last, 1)
        results.append(
            TownshipResult(
                f.township_id,
                f.count,
                last,
                rise,
                percent,
                is_up,
                is_highest,
                up_streak,
                highest_streak,
                tuple(actions),
            )  # fmt: skip
        )
    return results


# --- the campaign target ------------------------------------------------------------------


@dataclass(frozen=True)
class TargetProgress:
    ytd: int
    ytd_last_year: int
    change_percent: float | None
    target_percent: int
    on_track: bool | None  # None when last year had nothing to compare with


# Seed 000 (指导思想): "力争 2024 年“12345·沂水首发”物业领域群众诉求量下降 30%以上" — complaints so far
# this year against the same months last year; the year is on track while the fall is at least
# the target ("以上" includes the number itself).
def target_progress(ytd: int, ytd_last_year: int, target_percent: int) -> TargetProgress:
    if ytd_last_year == 0:
        return TargetProgress(ytd, 0, None, target_percent, None)
    change = round((ytd - ytd_last_year) * 100 / ytd_last_year, 1)
    return TargetProgress(ytd, ytd_last_year, change, target_percent, change <= -target_percent)
