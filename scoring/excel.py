"""Every openpyxl line of scoring: the survey/inspection import and the quarter and action exports.

Import reads rows into small dataclasses, validates each and collects (row, column,
reason) in Chinese; the valid rows are kept. Exports write scoped querysets in
write-only mode; text beginning with = + - @ is written as text, never as a formula.
"""

import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO

from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook

from campaigns.models import Campaign
from config.uploads import (
    HEAD_ROWS,
    UnsafeFile,
    iter_rows_checked,
    load_workbook_checked,
    openpyxl_text_cell,
    sheet_head_rows,
)
from orgs.models import Project, ProjectAlias, Region

from .models import InspectionScore, SatisfactionSurvey
from .periods import Quarter

HEADERS = {
    "township": ("街道", "镇街", "乡镇/街道", "街道/乡镇", "所属镇街", "乡镇（街道）"),
    "project": ("项目名称", "小区名称", "小区", "项目"),
    "satisfaction": ("满意度", "满意度得分", "业主满意度"),
    "sample_size": ("样本量", "样本数", "有效样本"),
    "inspection": ("督查得分", "督查", "得分", "检查得分"),
}
KINDS = {
    "satisfaction": ("township", "project", "satisfaction", "sample_size"),
    "inspection": ("township", "project", "inspection"),
}
LABEL = {
    "township": "街道",
    "project": "项目名称",
    "satisfaction": "满意度",
    "sample_size": "样本量",
    "inspection": "督查得分",
}


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is for the user."""


@dataclass
class RowError:
    row: int
    column: str
    reason: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "reason": self.reason}


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def valid(self) -> int:
        return self.created + self.updated


def _header_map(row: tuple, kind: str) -> dict[str, int] | None:
    cells = [str(c).strip() if c is not None else "" for c in row]
    found = {}
    for key in KINDS[kind]:
        for i, text in enumerate(cells):
            if text in HEADERS[key]:
                found[key] = i
                break
    return found if len(found) == len(KINDS[kind]) else None


def _file(source: bytes | IO[bytes]) -> IO[bytes]:
    """Bytes (tests, small files) or the upload itself: a big upload is a temporary file, never read whole."""
    return io.BytesIO(source) if isinstance(source, bytes) else source


def check_header(source: bytes | IO[bytes], kind: str) -> None:
    """The web request's check, from the first sheet's first rows only (issue 18: a workbook holding a
    290 MB sheet took 20.7 s and +156 MB in the request before 找不到表头)."""
    try:
        rows = sheet_head_rows(_file(source), HEAD_ROWS) or []
    except UnsafeFile as exc:
        raise ImportFileError(str(exc)) from exc
    if not any(_header_map(tuple(row), kind) for row in rows):
        raise ImportFileError(_missing_header(kind))


def _missing_header(kind: str) -> str:
    return f"前10行中找不到表头，需要列：{'、'.join(LABEL[k] for k in KINDS[kind])}"


def read_rows(source: bytes | IO[bytes], kind: str) -> tuple[list[tuple[int, dict]], int]:
    """Rows of the first sheet as (Excel row number, {field: raw value}) after the header row."""
    try:
        sheet = load_workbook_checked(_file(source)).worksheets[0]
    except UnsafeFile as exc:
        raise ImportFileError(str(exc)) from exc
    rows, header, header_row = [], None, 0
    try:
        for number, row in enumerate(iter_rows_checked(sheet), start=1):
            if header is None:
                header = _header_map(row, kind)
                header_row = number
                if header is None and number >= 10:
                    break
                continue
            if all(c is None or str(c).strip() == "" for c in row):
                continue
            rows.append((number, {k: (row[i] if i < len(row) else None) for k, i in header.items()}))
    except UnsafeFile as exc:
        raise ImportFileError(str(exc)) from exc
    if header is None:
        raise ImportFileError(_missing_header(kind))
    return rows, header_row


def _number(value, column: str, row: int, errors: list[RowError], integer: bool = False) -> Decimal | None:
    text = "" if value is None else str(value).strip().rstrip("%")
    if text == "":
        errors.append(RowError(row, column, "不能为空"))
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        errors.append(RowError(row, column, f"“{value}”不是数字"))
        return None
    if integer and (number != number.to_integral_value() or number <= 0):
        errors.append(RowError(row, column, f"应为正整数，收到 {value}"))
        return None
    if not integer and not (0 <= number <= 100):
        errors.append(RowError(row, column, f"应在 0–100 之间，收到 {value}"))
        return None
    return number


class ProjectLookup:
    """Projects of a campaign's jurisdiction by (township name, project name or alias): two queries."""

    def __init__(self, campaign: Campaign):
        path = campaign.jurisdiction.path
        self.townships = {
            r.name: r.pk for r in Region.objects.filter(level=Region.Level.TOWNSHIP, path__startswith=path)
        }
        self.projects: dict[tuple[int, str], Project] = {}
        for p in Project.objects.filter(region_path__startswith=path).only(
            "id", "name", "township_id", "region_path"
        ):
            self.projects[(p.township_id, p.name)] = p
        by_id = {p.pk: p for p in self.projects.values()}
        for pid, name in ProjectAlias.objects.filter(project_id__in=by_id).values_list("project_id", "name"):
            self.projects.setdefault((by_id[pid].township_id, name), by_id[pid])

    def find(self, township: str, name: str, row: int, errors: list[RowError]) -> Project | None:
        if not township:
            errors.append(RowError(row, "街道", "不能为空"))
            return None
        if township not in self.townships:
            errors.append(RowError(row, "街道", f"“{township}”不是本次整治范围内的街道/乡镇"))
            return None
        project = self.projects.get((self.townships[township], name))
        if project is None:
            errors.append(
                RowError(row, "项目名称", f"{township}没有名为“{name}”的项目" if name else "不能为空")
            )
        return project


def import_scores(
    data: bytes | IO[bytes], campaign: Campaign, quarter: str, kind: str, user=None
) -> ImportResult:
    """Import survey results or inspection scores for one quarter; bad rows are reported, good rows kept."""
    period = str(Quarter.parse(quarter))
    rows, _ = read_rows(data, kind)
    lookup, result, valid = ProjectLookup(campaign), ImportResult(), {}
    for number, raw in rows:
        errors: list[RowError] = []
        project = lookup.find(_text(raw["township"]), _text(raw["project"]), number, errors)
        values = {}
        if kind == "satisfaction":
            values["satisfaction"] = _number(raw["satisfaction"], "满意度", number, errors)
            values["sample_size"] = _number(raw["sample_size"], "样本量", number, errors, integer=True)
        else:
            values["score"] = _number(raw["inspection"], "督查得分", number, errors)
        if project is not None and project.pk in valid:
            errors.append(RowError(number, "项目名称", f"与第 {valid[project.pk][0]} 行重复，本行未导入"))
        if errors:
            result.errors.extend(errors)
            continue
        valid[project.pk] = (number, project, values)
    _save(campaign, period, kind, valid, user, result)
    return result


def _text(value) -> str:
    return "" if value is None else str(value).strip()


@transaction.atomic
def _save(campaign: Campaign, period: str, kind: str, valid: dict, user, result: ImportResult) -> None:
    model = SatisfactionSurvey if kind == "satisfaction" else InspectionScore
    existing = {
        r.project_id: r for r in model.objects.filter(campaign=campaign, quarter=period, project_id__in=valid)
    }
    new, changed = [], []
    for pid, (_n, project, values) in valid.items():
        if values.get("sample_size") is not None:
            values["sample_size"] = int(values["sample_size"])
        row = existing.get(pid)
        if row is None:
            new.append(
                model(
                    campaign=campaign,
                    project=project,
                    quarter=period,
                    region_path=project.region_path,
                    entered_by=user,
                    **values,
                )
            )
        else:
            for name, value in values.items():
                setattr(row, name, value)
            row.entered_by, row.entered_at = user, timezone.now()
            changed.append(row)
    model.objects.bulk_create(new, batch_size=2000)
    fields = ["satisfaction", "sample_size"] if kind == "satisfaction" else ["score"]
    model.objects.bulk_update(changed, [*fields, "entered_by", "entered_at"], batch_size=2000)
    result.created, result.updated = len(new), len(changed)


def workbook_bytes(sheets: list[tuple[str, list[str], "iter"]]) -> bytes:
    """Write (title, header, rows) sheets in write-only mode and return the .xlsx bytes."""
    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.append([openpyxl_text_cell(sheet, h) for h in header])
        for row in rows:
            sheet.append([openpyxl_text_cell(sheet, v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def error_rows(errors: list[RowError]) -> bytes:
    return workbook_bytes([("错误", ["行号", "列", "原因"], ([e.row, e.column, e.reason] for e in errors))])
