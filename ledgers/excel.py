"""The ledger out to Excel in the seed 001 附件2 template (ledger_import.py reads it back).

Seed 001 附件2: "注：1. 表格使用 Excel 类电子表格。2. 按照环境卫生、道路设施等四项攻坚行动分别建立台账。
3. 问题、整治措施等相对应，每条问题占一行。序号同项目名称等对应，一个项目一个序号。"

Export writes the title line, the 属地 and date line, the 12 columns in the template's order, one
serial per project with its problems on consecutive rows and the project cells merged over them.
A hidden 13th column carries each item's reference and version ("TZ-2024-000123@3") so an
edited workbook can come back (see ledger_import.py).

Writing streams through xlsxwriter in constant_memory mode (rows go to disk as they are
finished), which keeps memory flat for 100,000 items; openpyxl's write-only mode cannot merge.
The problem rows themselves are appended as ready XML (xlsx_rows.py): xlsxwriter's per-cell
calls were two thirds of a 100,000-item export. Text is cleaned of control characters there.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import xlsxwriter
from django.db.models import Q, QuerySet
from django.utils import timezone

from campaigns.models import Campaign, Category
from orgs.models import Region

from .models import LedgerItem
from .sheet_reader import COLUMNS, REF_HEADER
from .xlsx_rows import StreamedSheet, date_cell, number_cell, text_cell

# Column widths (characters) chosen so the 12 columns fit one A4 landscape page width.
WIDTHS = [5, 14, 16, 7, 30, 26, 11, 8, 20, 10, 10, 10]
PROJECT_COLUMNS = (0, 1, 2, 3, 9, 10)  # 序号, 项目名称, 物业服务企业, 服务标准, 社区, 街道
REF_COLUMN = 12  # hidden: reference@version
HEADER_ROW = 2  # zero-based: title, 属地/date, header
FIRST_DATA_ROW = 3
PROGRESS_EVERY = 2000
FETCH_ROWS = 5000  # rows per fetch from the server-side cursor


@dataclass(frozen=True)
class ExportScope:
    """What to export: a campaign, optionally one township and one top-level category."""

    campaign: Campaign
    township: Region | None = None
    category: Category | None = None
    one_sheet: bool = False


# What a row of the export needs, read as plain tuples: building 100,000 model instances
# with four related objects each costs more than writing the workbook.
EXPORT_FIELDS = [
    "reference",
    "version",
    "status",
    "project_id",
    "company_id",
    "project__name",
    "project__service_standard",
    "project__community__name",
    "township__name",
    "company__name",
    "problem",
    "measures",
    "deadline",
    "responsible_person",
    "progress_note",
    "remarks",
]


def export_items(scope: ExportScope, items: QuerySet) -> QuerySet:
    """The items of an export, ordered so each project's problems are consecutive."""
    items = items.filter(campaign=scope.campaign).exclude(status=LedgerItem.Status.WITHDRAWN)
    if scope.township is not None:
        items = items.filter(region_path__startswith=scope.township.path)
    if scope.category is not None:
        items = items.filter(Q(category=scope.category) | Q(category__parent=scope.category))
    return items.order_by("township__name", "project__name", "project_id", "company_id", "id")


def sheets_for(scope: ExportScope) -> list[tuple[str, Category | None]]:
    """One sheet per top-level category (seed 001: "按照…四项攻坚行动分别建立台账"), or one for all."""
    if scope.one_sheet:
        return [("台账", None)]
    if scope.category is not None:
        return [(sheet_name(scope.category), scope.category)]
    tops = Category.objects.filter(campaign=scope.campaign, parent=None).order_by("order", "code")
    return [(sheet_name(c), c) for c in tops] or [("台账", None)]


def sheet_name(category: Category) -> str:
    return re.sub(r"[\[\]:*?/\\]", "", f"{category.code} {category.name}")[:31]


def _sheet_items(scope: ExportScope, items: QuerySet, category: Category | None, uncategorised: bool):
    if category is None:
        return items
    condition = Q(category=category) | Q(category__parent=category)
    return items.filter(condition | Q(category=None)) if uncategorised else items.filter(condition)


def deadline_text(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def progress_text(status_label: str, note: str) -> str:
    """进展情况: the state, then the progress note ("整改中：已联系施工队")."""
    return f"{status_label}：{note}" if note else status_label


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook):
        base = {"font_name": "宋体", "font_size": 10, "border": 1, "valign": "vcenter", "text_wrap": True}
        self.title = book.add_format({"font_name": "宋体", "bold": True, "font_size": 16, "align": "center"})
        self.subtitle = book.add_format({"font_name": "宋体", "font_size": 11})
        self.subtitle_right = book.add_format({"font_name": "宋体", "font_size": 11, "align": "right"})
        self.header = book.add_format({**base, "bold": True, "align": "center", "bg_color": "#D9E1F2"})
        self.ref = book.add_format({"font_size": 8, "font_color": "#808080"})
        text = book.add_format(base)
        center = book.add_format({**base, "align": "center"})
        day = book.add_format({**base, "align": "center", "num_format": 'yyyy"年"m"月"d"日"'})
        # The problem rows are streamed as XML (xlsx_rows), which names a format by its style
        # index; asking xlsxwriter for the index also puts the format into the workbook's styles.
        self.s_text, self.s_center, self.s_date, self.s_ref = (
            f._get_xf_index() for f in (text, center, day, self.ref)
        )


def write_workbook(
    target: str | Path,
    scope: ExportScope,
    items: QuerySet,
    on_progress=None,
) -> int:
    """Write the export to a file path; returns the number of items written."""
    book = xlsxwriter.Workbook(
        str(target),
        # Text that looks like a formula, a number or a link stays text: "=1+1" is a problem description.
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    formats = _Formats(book)
    written = 0
    sheets = sheets_for(scope)
    for index, (name, category) in enumerate(sheets):
        sheet_items = _sheet_items(scope, items, category, uncategorised=index == 0 and len(sheets) > 1)
        sheet = book.add_worksheet(name, worksheet_class=StreamedSheet)
        heading = scope.campaign.ledger_heading(category)
        written += _write_sheet(sheet, formats, scope, heading, sheet_items, written, on_progress)
    book.close()
    return written


def _write_sheet(sheet, formats: _Formats, scope: ExportScope, heading, items, done, on_progress) -> int:
    _layout(sheet, formats, scope, heading)
    labels = {value: str(label) for value, label in LedgerItem.Status.choices}
    rows = items.values_list(*EXPORT_FIELDS, named=True).iterator(chunk_size=FETCH_ROWS)
    row, serial, count = FIRST_DATA_ROW, 0, 0
    for group in _project_groups(rows):
        serial += 1
        _write_group(sheet, formats, row, serial, group, labels)
        row += len(group)
        count += len(group)
        if on_progress and (done + count) // PROGRESS_EVERY != (done + count - len(group)) // PROGRESS_EVERY:
            on_progress(done + count)
    return count


def _layout(sheet, formats: _Formats, scope: ExportScope, heading: str) -> None:
    for col, width in enumerate(WIDTHS):
        sheet.set_column(col, col, width)
    sheet.set_column(REF_COLUMN, REF_COLUMN, 18, None, {"hidden": True})
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.repeat_rows(0, HEADER_ROW)
    sheet.fit_to_pages(1, 0)
    sheet.freeze_panes(FIRST_DATA_ROW, 0)
    sheet.set_row(0, 30)
    sheet.merge_range(0, 0, 0, 11, heading, formats.title)
    region = scope.township or scope.campaign.jurisdiction
    sheet.merge_range(1, 0, 1, 5, f"属地：{region.name}", formats.subtitle)
    sheet.merge_range(1, 6, 1, 11, deadline_text(timezone.localdate()), formats.subtitle_right)
    for col, title in enumerate(COLUMNS):
        sheet.write_string(HEADER_ROW, col, title, formats.header)
    sheet.write_string(HEADER_ROW, REF_COLUMN, REF_HEADER, formats.ref)


def _project_groups(items: Iterable) -> Iterator[list]:
    """Consecutive items of one project (and the company that served it) form one serial number."""
    group: list = []
    for item in items:
        if group and (item.project_id, item.company_id) != (group[0].project_id, group[0].company_id):
            yield group
            group = []
        group.append(item)
    if group:
        yield group


def _write_group(sheet, formats: _Formats, first_row: int, serial: int, group: list, labels: dict) -> None:
    """Write a project's rows in order; its project cells are merged over them.

    The rows go to the sheet as XML (xlsx_rows: xlsxwriter's per-cell writes were most of the
    export's time); the merged areas are registered for the <mergeCells> xlsxwriter writes
    after the cell data.
    """
    last_row = first_row + len(group) - 1
    xml = "".join(
        _row_xml(first_row + offset + 1, item, serial if offset == 0 else None, labels, formats)
        for offset, item in enumerate(group)
    )
    sheet.append_rows(first_row, last_row, REF_COLUMN, xml)
    if last_row > first_row:
        for col in PROJECT_COLUMNS:
            sheet.merge.append([first_row, col, last_row, col])


def _row_xml(number: int, item, serial: int | None, labels: dict, f: _Formats) -> str:
    """One problem row (`number` is 1-based), in the order of COLUMNS plus the hidden reference.

    The project cells are filled on the project's first row (`serial` given); below it they are
    blanks inside the merged area, carrying its border.
    """
    project = serial is not None
    return "".join(
        (
            f'<row r="{number}">',
            number_cell(f"A{number}", f.s_center, serial),
            text_cell(f"B{number}", f.s_center, item.project__name if project else None),
            text_cell(f"C{number}", f.s_center, item.company__name if project else None),
            text_cell(f"D{number}", f.s_center, item.project__service_standard if project else None),
            text_cell(f"E{number}", f.s_text, item.problem),
            text_cell(f"F{number}", f.s_text, item.measures),
            date_cell(f"G{number}", f.s_date, item.deadline, blank_style=f.s_text),
            text_cell(f"H{number}", f.s_text, item.responsible_person),
            text_cell(f"I{number}", f.s_text, progress_text(labels[item.status], item.progress_note)),
            text_cell(f"J{number}", f.s_center, item.project__community__name if project else None),
            text_cell(f"K{number}", f.s_center, item.township__name if project else None),
            text_cell(f"L{number}", f.s_text, item.remarks),
            text_cell(f"M{number}", f.s_ref, f"{item.reference}@{item.version}"),
            "</row>",
        )
    )


# --- jobs ------------------------------------------------------------------------------------


def export_scope_from(params: dict) -> ExportScope:
    campaign = Campaign.objects.get(pk=params["campaign"])
    township = Region.objects.get(pk=params["township"]) if params.get("township") else None
    category = Category.objects.get(pk=params["category"]) if params.get("category") else None
    return ExportScope(campaign, township, category, bool(params.get("one_sheet")))


def export_file_name(scope: ExportScope) -> str:
    region = scope.township or scope.campaign.jurisdiction
    part = f"-{scope.category.name}" if scope.category else ""
    return f"{region.name}{part}-整治工作台账-{timezone.localdate():%Y%m%d}.xlsx"


def run_export_job(job) -> None:
    """Write the export of a Job (params from the export page) and attach the file to it."""
    import tempfile

    from orgs import jobs

    scope = export_scope_from(job.params)
    items = export_items(scope, LedgerItem.objects.visible_to(job.created_by))
    jobs.start(job, total=items.count(), message="正在生成台账")
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        written = write_workbook(handle.name, scope, items, on_progress=lambda n: jobs.advance(job, n))
        data = Path(handle.name).read_bytes()
    jobs.finish(
        job,
        result={"items": written},
        file_name=export_file_name(scope),
        file_bytes=data,
        message=f"已导出 {written} 条问题",
    )
