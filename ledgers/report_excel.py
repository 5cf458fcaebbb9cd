"""Excel workbooks of the reporting pages (openpyxl): every text cell stays text, never a formula."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from .models import Bulletin

FORMULA_START = ("=", "+", "-", "@")


def _append(sheet, values: list) -> None:
    """Append a row; a string that looks like a formula is stored as a plain string."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
            cell.data_type = "s"


def _header(sheet, values: list) -> None:
    _append(sheet, values)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def bulletin_workbook(bulletin: Bulletin, figures: dict) -> bytes:
    """镇街 sheet (ranking and complaints), 责任单位 sheet, 投诉前列项目 sheet, 措施 sheet."""
    book = Workbook()
    towns = book.active
    towns.title = "镇（街道）"
    _append(towns, [f"{bulletin.heading} {figures['period']['label']}"])
    _header(
        towns,
        [
            "排名",
            "镇（街道）",
            "本期发现",
            "本期销号",
            "按期销号",
            "逾期未整改",
            "挂牌督办",
            "累计发现",
            "累计销号",
            "销号率（%）",
            "本期诉求",
            "上期诉求",
            "诉求增减",
            "月报报送",
        ],
    )
    for t in figures["townships"]:
        c = t["complaints"]
        _append(
            towns,
            [
                t["rank"],
                t["name"],
                t["found"],
                t["closed"],
                t["closed_on_time"],
                t["overdue"],
                t["escalated"],
                t["total"],
                t["closed_total"],
                t["rate"],
                c["now"],
                c["before"],
                c["change"],
                t.get("report") or "",
            ],
        )
    _append(towns, [figures["ranking_rule"]])
    units = book.create_sheet("责任单位")
    _header(
        units,
        ["责任单位", "本期发现", "本期销号", "按期销号", "逾期未整改", "挂牌督办", "累计发现", "累计销号"],
    )
    for u in figures["units"]:
        _append(
            units,
            [
                u["name"],
                u["found"],
                u["closed"],
                u["closed_on_time"],
                u["overdue"],
                u["escalated"],
                u["total"],
                u["closed_total"],
            ],
        )
    top = book.create_sheet("投诉前列项目")
    _header(top, ["名次", "项目", "镇（街道）", "物业企业", "诉求量", "上月诉求量", "连续上榜月数"])
    for p in figures["top_projects"]:
        _append(
            top,
            [
                p["rank"],
                p["project_name"],
                p["township_name"],
                p["company_name"] or "",
                p["count"],
                p["previous_count"],
                p["streak"],
            ],
        )
    actions = book.create_sheet("整改措施")
    _header(actions, ["措施", "本期确认", "本期办结"])
    for a in figures["actions"]:
        _append(actions, [a["kind"], a["confirmed"], a["done"]])
    text = book.create_sheet("工作情况")
    for line in (bulletin.commentary + "\n" + bulletin.next_steps).splitlines():
        _append(text, [line])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def report_workbook(report, indicators: list[tuple[str, object]]) -> bytes:
    """A township's monthly report as submitted: 成果指标, then the 台账 frozen at submission."""
    book = Workbook()
    sheet = book.active
    sheet.title = "成果指标"
    _append(sheet, [f"{report.township.name} {report.month} 月报"])
    _header(sheet, ["指标", "数值"])
    for label, value in indicators:
        _append(sheet, [label, value])
    _append(sheet, ["工作进展", report.summary])
    ledger = book.create_sheet("整治工作台账")
    _header(
        ledger,
        ["序号", "台账编号", "项目名称", "存在问题", "整治措施", "完成时限", "责任人", "状态", "挂牌督办"],
    )
    for number, row in enumerate(report.ledger_rows, start=1):
        _append(
            ledger,
            [
                number,
                row["reference"],
                row["project"],
                row["problem"],
                row["measures"],
                row["deadline"],
                row["responsible_person"],
                row["status"],
                "是" if row["escalated"] else "",
            ],
        )
    out = BytesIO()
    book.save(out)
    return out.getvalue()
