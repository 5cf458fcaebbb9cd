"""The ledger in Excel, both ways: the seed 001 附件2 template out, and the same template back in.

Seed 001 附件2: "注：1. 表格使用 Excel 类电子表格。2. 按照环境卫生、道路设施等四项攻坚行动分别建立台账。
3. 问题、整治措施等相对应，每条问题占一行。序号同项目名称等对应，一个项目一个序号。"

Export writes the title line, the 属地 and date line, the 12 columns in the template's order, one
serial per project with its problems on consecutive rows and the project cells merged over them.
A hidden 13th column carries each item's reference and version ("TZ-2024-000123@3") so an
edited workbook can come back: rows with a reference update their item, rows without one
create items, and a row whose item changed in the system since the export is a conflict.

Writing streams through xlsxwriter in constant_memory mode (rows go to disk as they are
finished), which keeps memory flat for 100,000 items; openpyxl's write-only mode cannot merge.
The problem rows themselves are appended as ready XML (xlsx_rows.py): xlsxwriter's per-cell
calls were two thirds of a 100,000-item export. Text is cleaned of control characters there.
"""

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import xlsxwriter
from django.db.models import Q, QuerySet
from django.utils import timezone

from campaigns.models import Campaign, Category
from orgs.models import Region

from .models import LedgerItem
from .xlsx_rows import StreamedSheet, date_cell, number_cell, text_cell

logger = logging.getLogger(__name__)

COLUMNS = [
    "序号",
    "项目名称",
    "物业服务企业",
    "服务标准",
    "存在问题",
    "整治措施",
    "完成时限",
    "责任人",
    "进展情况",
    "社区",
    "街道",
    "备注",
]
REF_HEADER = "台账编号@版本"
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


# --- import ----------------------------------------------------------------------------------


class WrongFile(Exception):
    """The whole file is refused (not xlsx, corrupt, not the template); the message is in Chinese."""


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"“{self.sheet}”第 {self.row} 行"
        return f"{where}【{self.column}】：{self.message}" if self.column else f"{where}：{self.message}"


@dataclass
class ImportRow:
    """One problem row read back, with the project cells carried down from the merged area."""

    sheet: str
    row: int
    cells: list[object]
    reference: str = ""
    version: int | None = None

    def text(self, col: int) -> str:
        value = self.cells[col]
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()


CREATE, CHANGE, UNCHANGED, CONFLICT, REFUSED = "create", "change", "unchanged", "conflict", "refused"
ACTION_LABELS = {CREATE: "新增", CHANGE: "修改", UNCHANGED: "无变化", CONFLICT: "冲突", REFUSED: "拒绝"}
EDITED_FIELDS = {  # template column → item field
    4: "problem",
    5: "measures",
    6: "deadline",
    7: "responsible_person",
    8: "progress_note",
    11: "remarks",
}


@dataclass
class PlannedRow:
    row: ImportRow
    action: str
    item: LedgerItem | None = None
    project_id: int | None = None
    category: Category | None = None
    values: dict = field(default_factory=dict)
    changes: dict = field(default_factory=dict)  # field → [before, after], for the preview
    message: str = ""

    def summary(self) -> dict:
        return {
            "sheet": self.row.sheet,
            "row": self.row.row,
            "action": self.action,
            "label": ACTION_LABELS[self.action],
            "reference": self.row.reference,
            "project": self.row.text(1),
            "problem": self.row.text(4)[:80],
            "changes": {_field_label(k): v for k, v in self.changes.items()},
            "message": self.message,
        }


@dataclass
class ImportPlan:
    """What an import would do. Unchanged rows are only counted: re-importing a whole exported
    ledger is mostly unchanged rows, and keeping them would make memory grow with the file."""

    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    unchanged: int = 0

    def add(self, planned: PlannedRow) -> None:
        if planned.action == UNCHANGED:
            self.unchanged += 1
        else:
            self.rows.append(planned)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(ACTION_LABELS, 0)
        counts[UNCHANGED] = self.unchanged
        for planned in self.rows:
            counts[planned.action] += 1
        return counts

    def summary(self, limit: int = 500) -> dict:
        shown = [p.summary() for p in self.rows][:limit]
        return {"counts": self.counts(), "rows": shown, "errors": [str(e) for e in self.errors[:limit]]}


def _field_label(name: str) -> str:
    return str(LedgerItem._meta.get_field(name).verbose_name)


def read_rows(source) -> Iterator[ImportRow]:
    """Every problem row of every sheet that carries the template's header; WrongFile otherwise.

    Read with python-calamine: openpyxl spends most of an import parsing the inline strings a
    streamed export is made of (14 s against 0.1 s for 20,000 rows). Merged cells other than
    the top-left one read as empty, which is what the carry-down below expects.
    """
    from python_calamine import CalamineWorkbook

    from config.uploads import UnsafeFile, check_spreadsheet_archive

    handle = source if hasattr(source, "read") else open(source, "rb")
    try:
        # The zip is checked (entry count, inflated sizes, ratio) before anything parses it.
        check_spreadsheet_archive(handle)
        book = CalamineWorkbook.from_filelike(handle)
        sheets = [book.get_sheet_by_name(name) for name in book.sheet_names]
    except UnsafeFile as error:
        raise WrongFile(str(error)) from error
    except Exception as error:  # calamine raises its own error kinds for a damaged package
        # The library's error names (CalamineError …) mean nothing to a township officer: logged, not shown.
        logger.warning("ledger workbook unreadable: %r", error)
        raise WrongFile(
            "文件已损坏或不是有效的 xlsx 文件，无法读取。请在 Excel/WPS 中另存为 .xlsx 后再导入。"
        ) from error
    finally:
        if handle is not source:
            handle.close()
    found = False
    for sheet in sheets:
        rows = _numbered_rows(sheet)
        header_at = _find_header(rows)
        if header_at is None:
            continue
        found = True
        yield from _sheet_rows(sheet.name, rows)
    if not found:
        raise WrongFile("表头不符：未找到“" + "、".join(COLUMNS) + "”这一行。请使用导出的台账模板。")


def _numbered_rows(sheet) -> Iterator[tuple[int, list]]:
    """(1-based row number, cells from column A) — calamine starts at the first used cell."""
    top, left = sheet.start if sheet.height else (0, 0)
    pad = [None] * left
    for offset, values in enumerate(sheet.iter_rows()):
        yield top + offset + 1, pad + list(values)


def _find_header(rows) -> int | None:
    """Consume rows up to the header (within the first 10); return its 1-based row number."""
    for number, values in rows:
        cells = [str(v).strip() if v is not None else "" for v in values[:12]]
        if cells == COLUMNS:
            return number
        if number >= 10:
            return None
    return None


def _sheet_rows(title: str, rows) -> Iterator[ImportRow]:
    carried: list[object] = [None] * 13
    for number, values in rows:
        cells = list(values[:13])
        cells += [None] * (13 - len(cells))
        if all(v is None or str(v).strip() == "" for v in cells[:12]):
            continue
        starts_project = any(cells[c] not in (None, "") for c in (0, 1))
        for col in PROJECT_COLUMNS:
            if starts_project:
                carried[col] = cells[col]
            elif cells[col] in (None, ""):
                cells[col] = carried[col]
        reference, version = _split_reference(cells[12])
        yield ImportRow(title, number, cells, reference, version)


def _split_reference(value) -> tuple[str, int | None]:
    text = str(value or "").strip()
    if "@" not in text:
        return text, None
    reference, _, version = text.rpartition("@")
    return reference, int(version) if version.isdigit() else None


DATE_PATTERN = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def parse_deadline(value) -> date | None:
    """完成时限 as a date cell, or text like 2024年6月30日 / 2024-6-30 / 2024/6/30; ValueError otherwise."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = DATE_PATTERN.match(str(value).strip())
    if not match:
        raise ValueError(f"无法识别的日期“{value}”，请写成 2024年6月30日 或 2024-06-30")
    return date(*(int(g) for g in match.groups()))


def parse_progress(text: str) -> str:
    """The progress note without the state the export put in front of it (the state is not imported)."""
    for label in LedgerItem.Status.labels:
        for sep in ("：", ":"):
            if text == label:
                return ""
            if text.startswith(label + sep):
                return text[len(label) + len(sep) :].strip()
    return text


class _Planner:
    """Decides, row by row, what an import would do; writes nothing."""

    def __init__(self, campaign: Campaign, user):
        from orgs.models import Project

        from . import workflow

        self.campaign, self.user = campaign, user
        self.role = workflow.role_of(user) if user is not None else "admin"
        self.may_create = user is None or self.role in workflow.CREATORS
        self.editable = workflow.EDITABLE_FIELDS.get(self.role, frozenset())
        items = LedgerItem.objects.all() if user is None else LedgerItem.objects.visible_to(user)
        self.items = items.filter(campaign=campaign).select_related("project")
        projects = Project.objects.all() if user is None else Project.objects.visible_to(user)
        self.projects = projects.filter(region_path__startswith=campaign.jurisdiction.path)
        self.project_index: dict[str, list[tuple[str, int]]] | None = None
        self.sheet_categories: dict[str, Category | None] = {}
        self.seen_references: set[str] = set()

    def plan(self, rows: Iterable[ImportRow], batch: int = 1000) -> ImportPlan:
        plan = ImportPlan()
        chunk: list[ImportRow] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= batch:
                self._plan_chunk(chunk, plan)
                chunk = []
        self._plan_chunk(chunk, plan)
        return plan

    def _plan_chunk(self, rows: list[ImportRow], plan: ImportPlan) -> None:
        references = {r.reference for r in rows if r.reference}
        known = {i.reference: i for i in self.items.filter(reference__in=references)} if references else {}
        for row in rows:
            values, errors = self._values(row)
            plan.errors.extend(errors)
            if errors:
                plan.add(PlannedRow(row, REFUSED, message="；".join(e.message for e in errors)))
            elif row.reference:
                plan.add(self._planned_change(row, known.get(row.reference), values, plan))
            else:
                plan.add(self._planned_create(row, values, plan))

    def _values(self, row: ImportRow) -> tuple[dict, list[RowError]]:
        values, errors = {}, []
        for col, name in EDITED_FIELDS.items():
            if name == "deadline":
                try:
                    values[name] = parse_deadline(row.cells[col])
                except ValueError as error:
                    errors.append(RowError(row.sheet, row.row, COLUMNS[col], str(error)))
            elif name == "progress_note":
                values[name] = parse_progress(row.text(col))
            else:
                values[name] = row.text(col)
        if not values["problem"]:
            errors.append(RowError(row.sheet, row.row, "存在问题", "存在问题不能为空"))
        return values, errors

    def _refuse(self, row: ImportRow, plan: ImportPlan, column: str, message: str, item=None) -> PlannedRow:
        plan.errors.append(RowError(row.sheet, row.row, column, message))
        return PlannedRow(row, REFUSED, item=item, message=message)

    def _planned_change(self, row: ImportRow, item: LedgerItem | None, values: dict, plan) -> PlannedRow:
        if item is None:
            return self._refuse(row, plan, REF_HEADER, f"台账编号 {row.reference} 不存在，或不在您的范围内")
        if row.reference in self.seen_references:
            return self._refuse(
                row, plan, REF_HEADER, f"台账编号 {row.reference} 在文件中出现了不止一次", item
            )
        self.seen_references.add(row.reference)
        if row.text(1) and row.text(1) != item.project.name:
            return self._refuse(row, plan, "项目名称", "不能通过导入更换问题所属的项目", item)
        changes = {
            name: [_shown(getattr(item, name)), _shown(value)]
            for name, value in values.items()
            if _comparable(getattr(item, name)) != _comparable(value)
        }
        if not changes:
            return PlannedRow(row, UNCHANGED, item=item)
        if row.version is not None and row.version != item.version:
            message = f"该问题在导出后已在系统中修改（导出时为第 {row.version} 版，现为第 {item.version} 版），未导入"
            plan.errors.append(RowError(row.sheet, row.row, "", message))
            return PlannedRow(row, CONFLICT, item=item, changes=changes, message=message)
        if not item.is_open:
            return self._refuse(row, plan, "", f"问题{item.get_status_display()}，不能再修改", item)
        refused = sorted(set(changes) - self.editable)
        if refused:
            names = "、".join(_field_label(f) for f in refused)
            return self._refuse(row, plan, _field_label(refused[0]), f"您的角色不能修改：{names}", item)
        new_values = {name: values[name] for name in changes}
        return PlannedRow(row, CHANGE, item=item, values=new_values, changes=changes)

    def _planned_create(self, row: ImportRow, values: dict, plan: ImportPlan) -> PlannedRow:
        if not self.may_create:
            return self._refuse(row, plan, "", "您的角色不能登记台账问题")
        project_id, message = self._project_for(row.text(1), row.text(10))
        if project_id is None:
            return self._refuse(row, plan, "项目名称", message)
        category = self._category_for(row.sheet)
        return PlannedRow(row, CREATE, project_id=project_id, category=category, values=values)

    def _project_for(self, name: str, township: str) -> tuple[int | None, str]:
        if not name:
            return None, "项目名称不能为空"
        if self.project_index is None:
            self.project_index = {}
            for pk, pname, tname in self.projects.values_list("pk", "name", "township__name"):
                self.project_index.setdefault(pname, []).append((tname, pk))
        candidates = [(t, pk) for t, pk in self.project_index.get(name, []) if not township or t == township]
        if len(candidates) == 1:
            return candidates[0][1], ""
        where = f"（街道：{township}）" if township else ""
        if not candidates:
            return None, f"找不到项目“{name}”{where}，或该项目不在您的范围内"
        return None, f"有多个名为“{name}”的项目，请在“街道”列写明所属街道"

    def _category_for(self, sheet: str) -> Category | None:
        """Rows on a category's sheet belong to that category (the sheet name starts with its code)."""
        if sheet not in self.sheet_categories:
            code = sheet.split(" ", 1)[0]
            self.sheet_categories[sheet] = Category.objects.filter(
                campaign=self.campaign, code=code, parent=None
            ).first()
        return self.sheet_categories[sheet]


def _comparable(value) -> object:
    return (value or "").strip() if isinstance(value, str) or value is None else value


def _shown(value) -> str:
    return deadline_text(value) if isinstance(value, date) else (value or "")


def plan_import(path: str | Path, campaign: Campaign, user) -> ImportPlan:
    """Read a workbook and decide what it would create, change and refuse (the preview)."""
    return _Planner(campaign, user).plan(read_rows(path))


def check_file(source) -> int:
    """Refuse a wrong file at upload time (reading is fast; planning is what takes long).

    Returns the number of problem rows found."""
    return sum(1 for _ in read_rows(source))


@dataclass
class ImportResult:
    counts: dict[str, int]
    errors: list[str]


def apply_import(path: str | Path, campaign: Campaign, user, on_progress=None) -> ImportResult:
    """Plan again (the system may have moved on since the preview), then write through the workflow.

    Each row is its own transaction: a refused row never blocks the others, and a row whose
    item changed between the preview and now is caught by the version check as a conflict.
    """
    from orgs.models import Project

    from . import workflow

    plan = plan_import(path, campaign, user)
    errors = [str(e) for e in plan.errors]
    counts = plan.counts()
    for done, planned in enumerate(plan.rows, 1):
        try:
            if planned.action == CREATE:
                project = Project.objects.get(pk=planned.project_id)
                values = dict(planned.values)
                workflow.create_item(
                    user=user,
                    campaign=campaign,
                    project=project,
                    problem=values.pop("problem"),
                    category=planned.category,
                    deadline=values.pop("deadline"),
                    note="Excel 导入",
                    **values,
                )
            elif planned.action == CHANGE:
                workflow.edit(
                    planned.item, user, planned.values, version=planned.row.version, note="Excel 导入"
                )
        except workflow.StaleVersion as error:
            counts[planned.action] -= 1
            counts[CONFLICT] += 1
            errors.append(str(RowError(planned.row.sheet, planned.row.row, "", str(error))))
        except workflow.WorkflowError as error:
            counts[planned.action] -= 1
            counts[REFUSED] += 1
            errors.append(str(RowError(planned.row.sheet, planned.row.row, "", str(error))))
        if on_progress and done % PROGRESS_EVERY == 0:
            on_progress(done)
    return ImportResult(counts, errors)


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


def run_preview_job(job) -> None:
    """Plan an uploaded workbook for the preview page; the job waits at stage "previewed" for a confirm."""
    from orgs import jobs

    campaign = Campaign.objects.get(pk=job.params["campaign"])
    with job.result_file.open("rb") as handle:
        try:
            plan = plan_import(handle, campaign, job.created_by)
        except WrongFile as error:
            jobs.fail(job, str(error))
            return
    job.params |= {"rows": len(plan.rows), "stage": "previewed"}
    job.result = {"preview": plan.summary()}
    job.save(update_fields=["params", "result"])


def run_import_job(job) -> None:
    """Apply an uploaded workbook that the user previewed and confirmed."""
    from orgs import jobs

    campaign = Campaign.objects.get(pk=job.params["campaign"])
    jobs.start(job, total=job.params.get("rows", 0), message="正在导入")
    with job.result_file.open("rb") as handle:
        result = apply_import(handle, campaign, job.created_by, lambda n: jobs.advance(job, n))
    counts = result.counts
    jobs.finish(
        job,
        result={**job.result, "counts": counts, "applied": True},
        row_errors=result.errors,
        message=(
            f"新增 {counts[CREATE]} 条，修改 {counts[CHANGE]} 条，冲突 {counts[CONFLICT]} 条，"
            f"拒绝 {counts[REFUSED]} 条"
        ),
    )
