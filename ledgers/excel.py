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
from itertools import pairwise
from pathlib import Path

import xlsxwriter
from django.db.models import Q, QuerySet
from django.utils import timezone

from campaigns.models import Campaign, Category
from orgs.models import Region

from . import print_layout
from .models import LedgerItem
from .sheet_reader import COLUMNS, REF_HEADER
from .xlsx_rows import StreamedSheet, date_cell, number_cell, text_cell

# Column widths in Excel's character units, printed at the scale that fits one A4 landscape width.
# 完成时限 holds "2026年12月28日" (8 digits and 3 Chinese characters: 14 units) on one line.
WIDTHS = [5, 14, 16, 7, 30, 26, 16, 8, 20, 10, 10, 10]
PROJECT_COLUMNS = (0, 1, 2, 3, 9, 10)  # 序号, 项目名称, 物业服务企业, 服务标准, 社区, 街道
REF_COLUMN = 12  # hidden: reference@version
# Zero-based rows as in 附件2: the title, "属地：", the date on its own line, then the header.
TITLE_ROW, PLACE_ROW, DATE_ROW, HEADER_ROW = 0, 1, 2, 3
FIRST_DATA_ROW = 4
TITLE_POINTS, LINE_ROW_POINTS, HEADER_POINTS = 30.0, 20.0, 24.0
FOOTER = "&C第 &P 页 共 &N 页"
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


def home_township(user) -> Region | None:
    """The township a township officer works for: their export is of it, and says so as 属地."""
    region = getattr(user, "region", None)
    if user is None or user.role != user.Role.TOWNSHIP or region is None:
        return None
    while region is not None and region.level != Region.Level.TOWNSHIP:
        region = region.parent
    return region


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
        self.date_line = book.add_format({"font_name": "宋体", "font_size": 11, "align": "center"})
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
    pages = _layout(sheet, formats, scope, heading)
    labels = {value: str(label) for value, label in LedgerItem.Status.choices}
    rows = items.values_list(*EXPORT_FIELDS, named=True).iterator(chunk_size=FETCH_ROWS)
    row, serial, count = FIRST_DATA_ROW, 0, 0
    for group in _project_groups(rows):
        serial += 1
        _write_group(sheet, formats, pages, row, serial, [_PrintedRow(item, labels) for item in group])
        row += len(group)
        count += len(group)
        if on_progress and (done + count) // PROGRESS_EVERY != (done + count - len(group)) // PROGRESS_EVERY:
            on_progress(done + count)
    sheet.set_h_pagebreaks(pages.breaks)
    return count


def _layout(sheet, formats: _Formats, scope: ExportScope, heading: str) -> print_layout.PagePlan:
    """Columns, print setup and the rows above the data, as in 附件2: title, 属地, date, header."""
    for col, width in enumerate(WIDTHS):
        sheet.set_column(col, col, width)
    sheet.set_column(REF_COLUMN, REF_COLUMN, 18, None, {"hidden": True})
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.set_footer(FOOTER, {"margin": 0.3})
    sheet.repeat_rows(HEADER_ROW)
    # Fit to the page width: the program computes the scale (LibreOffice ignores a fixed one); the
    # export plans its pages at the scale it expects, from the column widths.
    sheet.fit_to_pages(1, 0)
    scale = print_layout.print_scale(WIDTHS)
    sheet.freeze_panes(FIRST_DATA_ROW, 0)
    sheet.set_row(TITLE_ROW, TITLE_POINTS)
    sheet.merge_range(TITLE_ROW, 0, TITLE_ROW, 11, heading, formats.title)
    region = scope.township or scope.campaign.jurisdiction
    sheet.set_row(PLACE_ROW, LINE_ROW_POINTS)
    sheet.merge_range(PLACE_ROW, 0, PLACE_ROW, 11, f"属地：{region.name}", formats.subtitle)
    sheet.set_row(DATE_ROW, LINE_ROW_POINTS)
    sheet.merge_range(DATE_ROW, 0, DATE_ROW, 11, deadline_text(timezone.localdate()), formats.date_line)
    sheet.set_row(HEADER_ROW, HEADER_POINTS)
    for col, title in enumerate(COLUMNS):
        sheet.write_string(HEADER_ROW, col, title, formats.header)
    sheet.write_string(HEADER_ROW, REF_COLUMN, REF_HEADER, formats.ref)
    return print_layout.PagePlan.for_scale(scale, HEADER_POINTS, TITLE_POINTS + 2 * LINE_ROW_POINTS)


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


_PROBLEM_WIDTHS = (WIDTHS[4], WIDTHS[5], WIDTHS[7], WIDTHS[8], WIDTHS[11])  # the row's own text cells


class _PrintedRow:
    """A problem row's texts as printed, and the height they need (project cells apart)."""

    def __init__(self, item, labels: dict):
        self.item = item
        self.progress = progress_text(labels[item.status], item.progress_note)
        texts = (item.problem, item.measures, item.responsible_person, self.progress, item.remarks)
        self.height = print_layout.height_for(zip(texts, _PROBLEM_WIDTHS, strict=True))

    def project_height(self) -> float:
        """Height the project cells (merged over the project's rows) need."""
        item = self.item
        texts = (
            item.project__name,
            item.company__name,
            item.project__service_standard,
            item.project__community__name,
            item.township__name,
        )
        widths = [WIDTHS[c] for c in PROJECT_COLUMNS[1:]]
        return print_layout.height_for(zip(texts, widths, strict=True))


def _write_group(
    sheet, formats: _Formats, pages, first_row: int, serial: int, rows: list[_PrintedRow]
) -> None:
    """Write a project's rows: its project cells merged over them, once per printed page.

    Row heights come from the text; `pages` decides where pages break, and a project continued
    on a new page starts a new merged block there with its serial and name written again. The
    rows go to the sheet as XML (xlsx_rows: xlsxwriter's per-cell writes were most of the
    export's time); merged areas are registered for the <mergeCells> written after the data.
    """
    heights = [r.height for r in rows]
    needed = rows[0].project_height()
    _grow_last(heights, 0, len(rows), needed)
    starts = [0, *pages.place(first_row, heights), len(rows)]
    for start, end in pairwise(starts):
        _grow_last(heights, start, end, needed)
    xml = "".join(
        _row_xml(
            first_row + offset + 1,
            row.item,
            row.progress,
            heights[offset],
            serial if offset in starts else None,
            formats,
        )
        for offset, row in enumerate(rows)
    )
    sheet.append_rows(first_row, first_row + len(rows) - 1, REF_COLUMN, xml)
    for start, end in pairwise(starts):
        if end - start > 1:
            for col in PROJECT_COLUMNS:
                sheet.merge.append([first_row + start, col, first_row + end - 1, col])


def _grow_last(heights: list[float], start: int, end: int, needed: float) -> None:
    """Grow a block's last row when the merged project cells need more than its rows give."""
    missing = needed - sum(heights[start:end])
    if missing > 0:
        heights[end - 1] += missing


def _row_xml(number: int, item, progress: str, height: float, serial: int | None, f: _Formats) -> str:
    """One problem row (`number` is 1-based), in the order of COLUMNS plus the hidden reference.

    The project cells are filled on the first row of a project's block (`serial` given); below
    it they are blanks inside the merged area, carrying its border.
    """
    project = serial is not None
    return "".join(
        (
            f'<row r="{number}" ht="{height:g}" customHeight="1">',
            number_cell(f"A{number}", f.s_center, serial),
            text_cell(f"B{number}", f.s_center, item.project__name if project else None),
            text_cell(f"C{number}", f.s_center, item.company__name if project else None),
            text_cell(f"D{number}", f.s_center, item.project__service_standard if project else None),
            text_cell(f"E{number}", f.s_text, item.problem),
            text_cell(f"F{number}", f.s_text, item.measures),
            date_cell(f"G{number}", f.s_date, item.deadline, blank_style=f.s_text),
            text_cell(f"H{number}", f.s_text, item.responsible_person),
            text_cell(f"I{number}", f.s_text, progress),
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
