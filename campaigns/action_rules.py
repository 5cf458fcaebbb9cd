"""The one registry of the rules that propose actions: which computation, which kind, what it says.

Every rule the product applies comes from seed 000 (沂水县《全县深化物业领域突出问题综合整治实施
方案》, 三、整治举措 (三) and (六)); a campaign loaded from another plan applies them with its own
parameters, so the text names the campaign's own plan (「枣庄方案」 for the 枣庄 campaign) and quotes the
section only for the plan it was taken from. A computation withdraws on a rerun exactly the kinds
it proposes here (kinds_of), so a new rule cannot be forgotten by the rerun.
"""

import json
from dataclasses import dataclass
from functools import cache

from .models import Action, Campaign
from .preset_loader import PRESET_DIR

MONTHLY, QUARTERLY, EVALUATION = "monthly", "quarterly", "evaluation"
# The preset whose plan these sections number (seed 000).
SOURCE_PRESET = "yishui-2024"
UNNAMED_PLAN = "本行动方案"
Kind = Action.Kind


@dataclass(frozen=True)
class Rule:
    computation: str
    kind: str
    section: str  # of seed 000
    text: str  # str.format fields: the figures the campaign's parameters give (n, size, share)
    quote: str = ""  # the seed's sentence, quoted in the 告知书
    # An evidence key only this rule writes: how a rerun of another computation of the same
    # period tells this rule's proposals from its own (a failed evaluation's 更换物业企业).
    marker: str = ""


def _rule(computation: str, kind: str, section: str, text: str, quote: str, marker: str = "") -> tuple:
    return (computation, kind), Rule(computation, kind, section, text, quote, marker)


# The seed's sentences (seed 000 三(三) and 三(六)), quoted in each 告知书.
MONTHLY_TOP = (
    "每月通报投诉量位居全市投诉量前 50 名的项目，连续 2 个月前 50 名的更换项目经理，"
    "连续 3 个月前 50 名的启动更换物业企业程序"
)
YOY = (
    "对每月投诉量同比上升的乡镇（街道），进行工作提醒；对连续 2 个月同比上升最高的乡镇（街道），"
    "乡镇（街道）党（工）委书记在县电视台公开承诺；对连续 3 个月同比上升的镇街，由县专班组织集中谈话。"
)
BLACK_LIST = "列入“黑榜项目”的更换项目经理，进行媒体曝光；2 次列入“黑榜项目”的，启动更换物业企业程序。"
FEE = "对黑榜项目或者业主投诉较多、反映质价不符强烈的小区，由相关部门（单位）对小区物业服务进行质量综合评价，根据评价结果对物业费进行降费管理"
COMPANY = (
    "企业服务项目三分之一以上被列入“黑榜项目”的，将该企业列入黑名单，对该企业服务项目开展服务质量评价，"
    "评价不合格的，启动更换物业企业程序。"
)
STATEMENTS = (
    "对 1 个季度考核成绩倒数的乡镇（街道）和部门，乡镇（街道）和部门主要负责人要在县政府常务会议上表态发言，"
    "2 个季度考核成绩倒数的乡镇（街道）和部门，乡镇（街道）和部门主要负责人在县委常委会议上表态发言。"
)


RULES: dict[tuple[str, str], Rule] = dict(
    [
        _rule(
            MONTHLY,
            Kind.REPLACE_MANAGER,
            "三(三)",
            "连续 {n} 个月投诉量前 {size} 名的更换项目经理",
            MONTHLY_TOP,
        ),
        _rule(
            MONTHLY,
            Kind.REPLACE_COMPANY,
            "三(三)",
            "连续 {n} 个月投诉量前 {size} 名的启动更换物业企业程序",
            MONTHLY_TOP,
        ),
        _rule(MONTHLY, Kind.WORK_REMINDER, "三(六)", "每月投诉量同比上升的乡镇（街道）进行工作提醒", YOY),
        _rule(
            MONTHLY,
            Kind.PUBLIC_COMMITMENT,
            "三(六)",
            "连续 {n} 个月同比上升最高的乡镇（街道）党（工）委书记公开承诺",
            YOY,
        ),
        _rule(
            MONTHLY, Kind.CONCENTRATED_TALK, "三(六)", "连续 {n} 个月同比上升的镇街由县专班组织集中谈话", YOY
        ),
        _rule(QUARTERLY, Kind.REPLACE_MANAGER, "三(三)", "列入季度“黑榜项目”的更换项目经理", BLACK_LIST),
        _rule(QUARTERLY, Kind.MEDIA_EXPOSURE, "三(三)", "列入季度“黑榜项目”的进行媒体曝光", BLACK_LIST),
        _rule(
            QUARTERLY,
            Kind.REPLACE_COMPANY,
            "三(三)",
            "{n} 次列入“黑榜项目”的启动更换物业企业程序",
            BLACK_LIST,
        ),
        _rule(QUARTERLY, Kind.FEE_REDUCTION, "三(三)", "黑榜项目或质价不符投诉较多的小区进行降费管理", FEE),
        _rule(
            QUARTERLY,
            Kind.COMPANY_BLACKLIST,
            "三(三)",
            "服务项目 {share} 以上列入“黑榜项目”的企业列入黑名单",
            COMPANY,
        ),
        _rule(QUARTERLY, Kind.QUALITY_EVALUATION, "三(三)", "黑名单企业的服务项目开展服务质量评价", COMPANY),
        _rule(
            EVALUATION,
            Kind.REPLACE_COMPANY,
            "三(三)",
            "服务质量评价不合格的启动更换物业企业程序",
            COMPANY,
            marker="evaluation_id",
        ),
        _rule(
            QUARTERLY,
            Kind.STATEMENT_GOVERNMENT,
            "三(六)",
            "季度考核成绩倒数的主要负责人在县政府常务会议上表态发言",
            STATEMENTS,
        ),
        _rule(
            QUARTERLY,
            Kind.STATEMENT_PARTY_COMMITTEE,
            "三(六)",
            "连续 2 个季度考核成绩倒数的主要负责人在县委常委会议上表态发言",
            STATEMENTS,
        ),
    ]
)


@cache
def _preset_short_names() -> dict[str, str]:
    names = {}
    for path in PRESET_DIR.glob("*.json"):
        preset = json.loads(path.read_text(encoding="utf-8"))
        if preset.get("short_name"):
            names[preset["slug"]] = preset["short_name"]
    return names


def plan_name(campaign: Campaign) -> str:
    """The short name of the plan the campaign came from (「沂水方案」), or 「本行动方案」."""
    return _preset_short_names().get(campaign.preset, UNNAMED_PLAN)


def rule_text(campaign: Campaign, computation: str, kind: str, **figures) -> str:
    """The rule as the action records it: 「枣庄方案：连续 2 个月投诉量前 50 名的更换项目经理」."""
    rule = RULES[(computation, kind)]
    source = f" {rule.section}" if campaign.preset == SOURCE_PRESET else ""
    return f"{plan_name(campaign)}{source}：{rule.text.format(**figures)}"


def kinds_of(computation: str) -> list[str]:
    """Every kind a computation proposes, the kinds its rerun may withdraw."""
    return [kind for (comp, kind) in RULES if comp == computation]


def markers_besides(computation: str) -> list[str]:
    """The evidence markers of the other computations' rules (see Rule.marker)."""
    return [r.marker for r in RULES.values() if r.computation != computation and r.marker]


def computation_of(action: Action) -> str:
    """Which computation proposed the action: a rule's evidence marker, else the period's shape."""
    for rule in RULES.values():
        if rule.marker and rule.marker in action.evidence:
            return rule.computation
    return QUARTERLY if "-Q" in action.period else MONTHLY


def rule_of(action: Action) -> Rule | None:
    """The registry's rule behind an action (None for one written by hand)."""
    return RULES.get((computation_of(action), action.kind))
