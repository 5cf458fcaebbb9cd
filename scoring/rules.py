"""The quarterly assessment rules as pure functions: plain data in, plain data out.

Each function quotes the seed sentence it implements. Scores are Decimals rounded to
two places before any comparison, so ties are ties as the published table shows them.
Shares (三分之一以上, 不超过 5%) are decided in integer arithmetic, never with floats.
"""

import heapq
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from operator import itemgetter

INPUTS = ("satisfaction", "inspection", "complaints", "timeliness")
INPUT_LABELS = {
    "satisfaction": "满意度",
    "inspection": "督查",
    "complaints": "诉求",
    "timeliness": "整改及时率",
}
# 100 points minus this many per complaint per 100 households: 10 complaints per 100 households score 0.
COMPLAINT_PENALTY = Decimal(10)
LEVELS = ("AAA", "AA", "A", "B")
TWO = Decimal("0.01")
HUNDRED = Decimal(100)


def q2(value: Decimal | int | float) -> Decimal:
    return Decimal(value).quantize(TWO, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ProjectInputs:
    project_id: int
    satisfaction: Decimal | None = None
    inspection: Decimal | None = None
    households: int = 0
    complaints: int = 0
    price_quality_complaints: int = 0
    items_due: int = 0
    items_on_time: int = 0


@dataclass(frozen=True)
class ScoredProject:
    """A project's score; values are kept in hundredths (ints) and read as Decimals."""

    project_id: int
    cents: int | None
    missing: tuple[str, ...]
    per_100_cents: int | None
    timeliness_cents: int | None

    @property
    def score(self) -> Decimal | None:
        return None if self.cents is None else from_cents(self.cents)

    @property
    def complaints_per_100(self) -> Decimal | None:
        return None if self.per_100_cents is None else from_cents(self.per_100_cents)

    @property
    def timeliness(self) -> Decimal | None:
        return None if self.timeliness_cents is None else from_cents(self.timeliness_cents)


def cents_text(cents: int | None) -> str | None:
    """92.50 from 9250 without building a Decimal, for bulk writes."""
    return None if cents is None else f"{cents // 100}.{cents % 100:02d}"


# Scores are computed in integer hundredths ("cents") and rounded half up once, exactly as
# Decimal quantize would: a 100,000-project quarter spends its time here, and ints are ~10× faster.
def half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, for non-negative integers."""
    return (2 * numerator + denominator) // (2 * denominator)


def from_cents(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def normalise(inputs: ProjectInputs) -> dict[str, int]:
    """Each input on a 0–100 scale (in hundredths) where higher is better; what cannot be measured is absent.

    Complaints: 100 − 10 × complaints per 100 households (floor 0); unknown when the
    project has no household count. Timeliness: share of the items due in the quarter
    closed on or before their deadline; unknown when no item fell due.
    """
    parts: dict[str, int] = {}
    if inputs.satisfaction is not None:
        parts["satisfaction"] = int(inputs.satisfaction * 100)
    if inputs.inspection is not None:
        parts["inspection"] = int(inputs.inspection * 100)
    if inputs.households > 0:
        per_100 = half_up(inputs.complaints * 10000, inputs.households)
        parts["complaints"] = max(0, 10000 - int(COMPLAINT_PENALTY) * per_100)
        parts["per_100"] = per_100
    if inputs.items_due > 0:
        parts["timeliness"] = half_up(inputs.items_on_time * 10000, inputs.items_due)
    return parts


# Seed 000 §三(四): "将业主满意度作为重要评价依据，每季度开展量化考核评选“红黑榜”"
def score_project(inputs: ProjectInputs, weights: Mapping[str, int | float]) -> ScoredProject:
    """Weighted sum of the normalised inputs.

    A project missing an input is scored on the others, their weights scaled up to the
    full 100 (renormalised), and the missing inputs are listed so the page marks them.
    With no input at all the project gets no score and is left out of the lists.
    """
    parts = normalise(inputs)
    int_weights = _int_weights(tuple(sorted(weights.items())))
    missing = tuple(name for name in INPUTS if name not in parts and name in int_weights)
    used = [(parts[name], w) for name, w in int_weights.items() if name in parts]
    total = sum(w for _part, w in used)
    cents = half_up(sum(part * w for part, w in used), total) if total else None
    return ScoredProject(inputs.project_id, cents, missing, parts.get("per_100"), parts.get("timeliness"))


@lru_cache(maxsize=16)
def _int_weights(items: tuple) -> dict[str, int]:
    """Weights as integers (×100 keeps weights like 12.5 exact); only the ratios matter."""
    return {name: int(Decimal(str(value)) * 100) for name, value in items if value and name in INPUTS}


def competition_ranks(scores: Mapping[int, Decimal]) -> dict[int, int]:
    """Rank by score, highest first; equal scores share a rank (1, 2, 2, 4)."""
    ranks, previous, rank = {}, None, 0
    for position, (key, score) in enumerate(sorted(scores.items(), key=itemgetter(1), reverse=True), start=1):
        if score != previous:
            rank, previous = position, score
        ranks[key] = rank
    return ranks


@dataclass(frozen=True)
class Lists:
    red: tuple[int, ...]
    black: tuple[int, ...]
    rule_text: str


def _bottom_with_ties(scores: Mapping[int, Decimal], size: int, best_first: bool) -> list[int]:
    """The `size` best (or worst) projects, plus every project tied with the one at the edge."""
    if size <= 0 or not scores:
        return []
    if size >= len(scores):
        return list(scores)
    if best_first:
        edge = heapq.nlargest(size, scores.values())[-1]
        return [pid for pid, score in scores.items() if score >= edge]
    edge = heapq.nsmallest(size, scores.values())[-1]
    return [pid for pid, score in scores.items() if score <= edge]


TIE_RULE = "并列处于榜单边界的项目全部列入；同时满足红榜与黑榜条件的项目只列黑榜"


# Seed 000 §三(四): "每季度开展量化考核评选“红黑榜”" — seed 003 §13: "对考核排名靠前及排名落后的
# 物业服务企业分别以“红榜”“灰榜”方式定期公示". No seed fixes the size, so the campaign sets it:
# {"mode": "size", "red": N, "black": N}, {"mode": "share", "red": pct, "black": pct} (of the
# scored projects, rounded down) or {"mode": "threshold", "red_min": x, "black_max": y} (inclusive).
def red_black_lists(scores: Mapping[int, Decimal | int], rule: Mapping, unit: int = 1) -> Lists:
    """Red and black lists of the scored projects (scores in points, or in hundredths with unit=100).

    Ties: every project tied with the one at the edge of a list is included (as the
    monthly top-50: "ties at the edge are all in"). The black list is drawn first; a
    project that would be on both (a tiny quarter) is only on the black list.
    """
    mode = rule.get("mode", "size")
    if mode == "threshold":
        black_max, red_min = Decimal(str(rule["black_max"])) * unit, Decimal(str(rule["red_min"])) * unit
        black = [pid for pid, s in scores.items() if s <= black_max]
        red = [pid for pid, s in scores.items() if s >= red_min]
        text = f"得分≥{rule['red_min']}列红榜，得分≤{rule['black_max']}列黑榜"
    else:
        if mode == "share":
            red_n = len(scores) * int(rule.get("red", 0)) // 100
            black_n = len(scores) * int(rule.get("black", 0)) // 100
            text = f"得分前{rule.get('red', 0)}%列红榜、后{rule.get('black', 0)}%列黑榜"
        else:
            red_n, black_n = int(rule.get("red", 0)), int(rule.get("black", 0))
            text = f"得分前{red_n}名列红榜、后{black_n}名列黑榜"
        black = _bottom_with_ties(scores, black_n, best_first=False)
        red = _bottom_with_ties(scores, red_n, best_first=True)
    black_set = set(black)
    red = [pid for pid in red if pid not in black_set]
    by_score = lambda pid: (-scores[pid], pid)  # noqa: E731
    return Lists(tuple(sorted(red, key=by_score)), tuple(sorted(black, key=by_score)), f"{text}；{TIE_RULE}")


def at_least_share(part: int, whole: int, num: int, den: int) -> bool:
    """part/whole ≥ num/den in integers: "以上" includes the number itself (民法典第1259条)."""
    return whole > 0 and part * den >= num * whole


@dataclass(frozen=True)
class CompanyBlacklisting:
    company_id: int
    black_projects: int
    served_projects: int


# Seed 000 §三(四): "企业服务项目三分之一以上被列入“黑榜项目”的，将该企业列入黑名单，
# 对该企业服务项目开展服务质量评价，评价不合格的，启动更换物业企业程序。"
def company_blacklist(
    served: Mapping[int, Iterable[int]], black: Iterable[int], num: int = 1, den: int = 3
) -> list[CompanyBlacklisting]:
    """Companies with at least num/den of the projects they served in the quarter on the black list."""
    black_set = set(black)
    result = []
    for company_id, projects in sorted(served.items()):
        projects = set(projects)
        hits = len(projects & black_set)
        if hits and at_least_share(hits, len(projects), num, den):
            result.append(CompanyBlacklisting(company_id, hits, len(projects)))
    return result


# Seed 000 §三(四): "列入“黑榜项目”的更换项目经理，进行媒体曝光；2 次列入“黑榜项目”的，启动更换物业企业程序。"
def blacklist_consequences(times_on_black_list: int, replace_company_after: int = 2) -> tuple[str, ...]:
    """Kinds of action for a project on this quarter's black list, counting this quarter."""
    kinds = ["replace_manager", "media_exposure"]
    if times_on_black_list >= replace_company_after:
        kinds.append("replace_company")
    return tuple(kinds)


# Seed 000 §三(四): "对黑榜项目或者业主投诉较多、反映质价不符强烈的小区，由相关部门（单位）对小区
# 物业服务进行质量综合评价，根据评价结果对物业费进行降费管理".
def needs_fee_reduction(on_black_list: bool, price_quality_complaints: int, threshold: int) -> bool:
    return on_black_list or (threshold > 0 and price_quality_complaints >= threshold)


# Seed 001 §(三): "定期发布物业企业信用等级，对评价等级 AA 级以上的信用良好企业…；对评价等级为 C 级的
# 严重失信企业，列入信用管理“黑名单”". Seed 000: "每季度对物业企业信用等级进行评价并公示".
def credit_level(
    score: Decimal, thresholds: Mapping[str, int | float], blacklisted: bool, excellent: bool
) -> str:
    """AAA/AA/A/B at or above each threshold, C below B's; a blacklisted company is C.

    A company rated 优秀 in the last half-year assessment rises one level (AA → AAA),
    which is how "考核结果纳入物业企业信用等级评价体系" feeds the rating.
    """
    if blacklisted:
        return "C"
    level = "C"
    for name in LEVELS:
        if score >= Decimal(str(thresholds.get(name, 101))):
            level = name
            break
    if excellent:
        order = ("C", *reversed(LEVELS))
        level = order[min(order.index(level) + 1, len(order) - 1)]
    return level


def excellent_quota(companies_assessed: int, percent: int = 5) -> int:
    """How many may be rated 优秀: floor(percent% × companies), in integers (19 → 0, 20 → 1, 28 → 1)."""
    return companies_assessed * percent // 100


# Seed 000 §三(四): "每半年对物业企业进行考核，考核优秀的，比例不超过 5%，考核结果纳入物业企业信用等级评价体系。"
def excellent_companies(
    scores: Mapping[int, Decimal], percent: int = 5, excluded: Iterable[int] = ()
) -> set[int]:
    """The best companies, at most floor(percent% × companies assessed) of them.

    "不超过" is a hard cap: when companies tied at the edge would exceed it, none of
    the tied ones is rated 优秀. A company blacklisted in the half-year is never 优秀.
    """
    quota = excellent_quota(len(scores), percent)
    excluded = set(excluded)
    eligible = sorted((c for c in scores if c not in excluded), key=lambda c: -scores[c])
    if quota == 0 or not eligible:
        return set()
    chosen = eligible[:quota]
    if len(eligible) > quota and scores[eligible[quota]] == scores[chosen[-1]]:
        edge = scores[chosen[-1]]
        chosen = [c for c in chosen if scores[c] > edge]
    return set(chosen)


UNIT_WEIGHTS = {"projects": 60, "timeliness": 25, "trend": 15}


@dataclass(frozen=True)
class UnitInputs:
    key: tuple[str, int]  # ("township", id) or ("department", id)
    project_score: Decimal | None = None
    items_due: int = 0
    items_on_time: int = 0
    complaints: int = 0
    complaints_year_before: int = 0
    has_projects: bool = True


@dataclass(frozen=True)
class UnitResult:
    key: tuple[str, int]
    score: Decimal | None
    timeliness: Decimal | None
    trend: Decimal | None
    rank: int | None = None
    is_last: bool = False
    extra: dict = field(default_factory=dict)


def complaint_trend_score(this_quarter: int, year_before: int) -> Decimal:
    """50 when complaints are level with the same quarter last year, 100 when they vanish, 0 when doubled."""
    base = max(year_before, 1)
    return q2(min(HUNDRED, max(Decimal(0), 50 - Decimal(50) * (this_quarter - year_before) / base)))


def score_unit(inputs: UnitInputs) -> UnitResult:
    """Weighted mean of the unit's projects' average score, on-time closure and complaint trend.

    A department serves no projects: it is scored on on-time closure of the items it
    is responsible for. Missing parts are renormalised as for projects.
    """
    parts: dict[str, Decimal] = {}
    if inputs.project_score is not None:
        parts["projects"] = Decimal(inputs.project_score)
    timeliness = q2(Decimal(inputs.items_on_time) * HUNDRED / inputs.items_due) if inputs.items_due else None
    if timeliness is not None:
        parts["timeliness"] = timeliness
    trend = (
        complaint_trend_score(inputs.complaints, inputs.complaints_year_before)
        if inputs.has_projects
        else None
    )
    if trend is not None:
        parts["trend"] = trend
    total = sum(Decimal(UNIT_WEIGHTS[k]) for k in parts)
    score = q2(sum(parts[k] * UNIT_WEIGHTS[k] for k in parts) / total) if total else None
    return UnitResult(inputs.key, score, timeliness, trend, extra={"project_score": inputs.project_score})


# Seed 000 §五: "对 1 个季度考核成绩倒数的乡镇（街道）和部门，乡镇（街道）和部门主要负责人要在县政府常务会议上
# 表态发言，2 个季度考核成绩倒数的乡镇（街道）和部门，乡镇（街道）和部门主要负责人在县委常委会议上表态发言。"
def rank_units(results: Iterable[UnitResult]) -> list[UnitResult]:
    """Rank units of one kind; every unit tied at the lowest score is "倒数" (last)."""
    scored = {r.key: r.score for r in results if r.score is not None}
    ranks = competition_ranks(scored)
    lowest = min(scored.values()) if len(scored) > 1 else None
    out = []
    for r in results:
        is_last = lowest is not None and r.score == lowest
        out.append(UnitResult(r.key, r.score, r.timeliness, r.trend, ranks.get(r.key), is_last, r.extra))
    return sorted(out, key=lambda r: (r.rank is None, r.rank or 0, r.key))


def statement_kind(last_this_quarter: bool, last_previous_quarter: bool) -> str | None:
    """表态发言: county government meeting after one last place, party committee after two in a row."""
    if not last_this_quarter:
        return None
    return "statement_party_committee" if last_previous_quarter else "statement_government"


def attribute_projects(spells: Iterable[tuple[int, int, int]]) -> dict[int, int]:
    """Which company a project counts for in the quarter: the one serving it the most days.

    `spells` are (project_id, company_id, days served inside the quarter). On equal days
    the later-listed spell wins (callers pass spells in start order), i.e. the newer company.
    """
    days: dict[int, dict[int, int]] = defaultdict(dict)
    for project_id, company_id, served in spells:
        days[project_id][company_id] = days[project_id].get(company_id, 0) + served
    result = {}
    for project_id, by_company in days.items():
        best = max(by_company.values())
        result[project_id] = [c for c, d in by_company.items() if d == best][-1]
    return result
