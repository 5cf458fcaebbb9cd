"""An action's evidence in words: 「2026年10月 第3名（12件）、2026年11月 第7名（9件）（前50名）」.

The rules store their figures as JSON under short keys (months, ranks, ranking_size,
black_project_ids …) so a rerun can compare them; people read them here, never as keys.
Each line is (label, text). Project ids become project names, loaded for a whole page at
once (project_names), so a list of fifty actions costs one query, not fifty.
"""

from collections.abc import Iterable

from orgs.models import Project

from .models import Action

LIST_NAMES = {"red": "红榜", "black": "黑榜"}
MEASURES = {"absolute": "按增加件数", "percent": "按增幅百分比"}
NUMERALS = "一二三四"


def period_words(period: str) -> str:
    """2026-10 → 2026年10月; 2026-Q3 → 2026年第三季度; anything else as written."""
    year, _, rest = period.partition("-")
    if rest.startswith("Q") and rest[1:].isdigit() and 1 <= int(rest[1:]) <= 4:
        return f"{year}年第{NUMERALS[int(rest[1:]) - 1]}季度"
    if rest.isdigit():
        return f"{year}年{int(rest)}月"
    if rest.startswith("H") and rest[1:] in ("1", "2"):
        return f"{year}年{'上' if rest[1:] == '1' else '下'}半年"
    return period


def _periods(values: Iterable[str]) -> str:
    return "、".join(period_words(str(v)) for v in values)


def _streak(e: dict) -> list[tuple[str, str]]:
    """Monthly top-N streak: each month's place and count, and the size of the list."""
    places = [
        f"{period_words(m)} {'第' + str(r) + '名' if r else '未上榜'}（{c}件）"
        for m, r, c in zip(e["months"], e["ranks"], e.get("counts", []), strict=False)
    ]
    lines = [("投诉量排名", f"{'、'.join(places)}（前{e['ranking_size']}名）")]
    if e.get("streak"):
        lines.append(("连续上榜", f"连续 {e['streak']} 个月"))
    return lines


def _rises(e: dict) -> list[tuple[str, str]]:
    """Township year on year: each month's complaints against the same month last year."""
    months = [
        f"{period_words(m)} {c}件（去年同期{ly}件，{'上升' if r > 0 else '持平' if r == 0 else '下降'}{abs(r)}件）"
        for m, c, ly, r in zip(e["months"], e["counts"], e["last_year_counts"], e["rises"], strict=False)
    ]
    return [("同比", "；".join(months)), ("口径", MEASURES.get(e.get("measure"), "按增加件数"))]


def _quarter(e: dict, names: dict[int, str]) -> list[tuple[str, str]]:
    lines = [("季度", period_words(e["quarter"]))] if "quarter" in e else []
    if "list" in e:
        lines.append(("榜单", LIST_NAMES.get(e["list"], e["list"])))
    if "score" in e:
        place = f"，第{e['rank']}名（共{e['of']}个）" if e.get("rank") else ""
        lines.append(("考核得分", f"{e['score']}分{place}"))
    if e.get("black_quarters"):
        lines.append(("上黑榜季度", f"{_periods(e['black_quarters'])}（共{len(e['black_quarters'])}次）"))
    if e.get("list_rule"):
        lines.append(("榜单规则", e["list_rule"]))
    if "black_projects" in e:
        lines.append(
            (
                "黑榜项目占比",
                f"服务项目 {e['served_projects']} 个，其中 {e['black_projects']} 个列入黑榜（比例线 {e['share']}）",
            )
        )
    if e.get("company"):
        lines.append(("物业企业", e["company"]))
    if e.get("black_project_ids"):
        shown = [names[pid] for pid in e["black_project_ids"] if pid in names]
        hidden = len(e["black_project_ids"]) - len(shown)
        lines.append(("黑榜项目", "、".join([*shown, *([f"其他 {hidden} 个项目"] if hidden else [])])))
    if "on_black_list" in e:
        lines.append(("列入黑榜", "是" if e["on_black_list"] else "否"))
    if "price_quality_complaints" in e:
        lines.append(
            ("质价不符投诉", f"{e['price_quality_complaints']} 件（降费评估线 {e['threshold']} 件）")
        )
    if e.get("last_quarters"):
        lines.append(("考核倒数季度", _periods(e["last_quarters"])))
    return lines


def _evaluation(e: dict) -> list[tuple[str, str]]:
    lines = [("服务质量评价", f"{e.get('evaluated_on', '')} {e.get('evaluator', '')} 评价不合格".strip())]
    if e.get("note"):
        lines.append(("评价意见", e["note"]))
    return lines


def describe(evidence: dict, names: dict[int, str] | None = None) -> list[tuple[str, str]]:
    """The evidence of one action as (label, words) lines."""
    names = names or {}
    if "ranks" in evidence and "months" in evidence:
        return _streak(evidence)
    if "rises" in evidence and "months" in evidence:
        return _rises(evidence)
    if "evaluation_id" in evidence:
        return _evaluation(evidence)
    return _quarter(evidence, names)


def summary(evidence: dict, names: dict[int, str] | None = None) -> str:
    """One line for the register's table."""
    return "；".join(text for _label, text in describe(evidence, names)[:2])


def project_names(actions: Iterable[Action], user) -> dict[int, str]:
    """The names of the projects the actions' evidence lists by id, in one query: only those the
    viewer may see (a township reading its project's 服务质量评价 does not learn which projects of
    other townships put the company on the black list; they are counted, not named)."""
    ids = {pid for a in actions for pid in a.evidence.get("black_project_ids", ())}
    if not ids:
        return {}
    return dict(Project.objects.visible_to(user).filter(pk__in=ids).values_list("pk", "name"))


def text(evidence: dict, names: dict[int, str] | None = None) -> str:
    """The evidence as one cell of the register's spreadsheet."""
    return "；".join(f"{label}：{words}" for label, words in describe(evidence, names))
