"""Every file format of the complaints app: reading exports (.xlsx, .csv in UTF-8, UTF-8-BOM or
GB18030) and writing the row report and the monthly 通报 workbook.

Reading yields plain lists of cell values; importing.py turns them into complaints.
"""

import codecs
import csv
import io
import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from config.uploads import UnsafeFile, check_spreadsheet_archive

from .rules import SHANGHAI

logger = logging.getLogger(__name__)

# Field → the header names exports use for it, most common first.
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "ticket": ("工单编号", "工单号", "编号"),
    "received_at": ("受理时间", "来电时间", "登记时间"),
    "township": ("所属镇街", "镇街", "属地"),
    "project_name": ("小区名称", "小区"),
    "address": ("诉求地址", "地址"),
    "category": ("诉求类别", "类别"),
    "content": ("诉求内容", "内容"),
    "status": ("办理状态", "状态"),
    "satisfaction": ("满意度", "回访满意度"),
    "channel": ("来源", "渠道"),
}
REQUIRED = ("ticket", "received_at", "township")
FIELD_LABELS = {field: names[0] for field, names in HEADER_SYNONYMS.items()}
_HEADER_LOOKUP = {name: field for field, names in HEADER_SYNONYMS.items() for name in names}
HEADER_SCAN_ROWS = 10  # exports often put a title and a date line above the header


class FileFormatError(ValueError):
    """The file cannot be read as a complaint export at all; the message is for the user."""


def _header_key(value: object) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value or ""))).strip("*：:")


def find_header(rows: Iterator[list]) -> tuple[dict[str, int], int]:
    """Scan the first rows for the header; return (field → column index, header row number)."""
    for number, row in enumerate(rows, start=1):
        columns: dict[str, int] = {}
        for index, cell in enumerate(row):
            field = _HEADER_LOOKUP.get(_header_key(cell))
            if field and field not in columns:
                columns[field] = index
        if all(field in columns for field in REQUIRED):
            return columns, number
        if number >= HEADER_SCAN_ROWS:
            break
    missing = "、".join(f"“{FIELD_LABELS[f]}”（{'/'.join(HEADER_SYNONYMS[f])}）" for f in REQUIRED)
    raise FileFormatError(f"前 {HEADER_SCAN_ROWS} 行中找不到表头，必需列为：{missing}")


# --- reading ------------------------------------------------------------------------------


def detect_encoding(head: bytes) -> str:
    """UTF-8 with BOM, UTF-8, else GB18030 (what 12345 exports often use)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


@dataclass
class Table:
    """The rows of an export, and how many there are about (header and title rows included)."""

    total: int
    rows: Iterator[list]


def open_table(path: Path) -> Table:
    """The first sheet (xlsx/xls, read once by calamine) or the CSV, as lists of cell values."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open("rb") as raw:
            encoding = detect_encoding(raw.read(1 << 16))
            raw.seek(0)
            total = sum(chunk.count(b"\n") for chunk in iter(lambda: raw.read(1 << 20), b""))
        return Table(total, _csv_rows(path, encoding))
    if suffix in (".xlsx", ".xlsm"):
        # The zip is checked before calamine inflates it: a sheet zip bomb is refused, not unpacked.
        with path.open("rb") as raw:
            try:
                check_spreadsheet_archive(raw)
            except UnsafeFile as exc:
                raise FileFormatError(str(exc)) from exc
    if suffix in (".xlsx", ".xlsm", ".xls"):
        try:
            sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        except Exception as exc:  # calamine raises its own error types for corrupt files
            # Its messages name the library ("CalamineError: …"): logged for us, a plain sentence for the user.
            logger.warning("complaint workbook unreadable: %r", exc)
            raise FileFormatError(
                "无法读取 Excel 文件（文件损坏或格式不受支持），请在 Excel/WPS 中另存为 .xlsx 后再导入。"
            ) from exc
        return Table(sheet.height, iter(sheet.iter_rows()))
    raise FileFormatError("只支持 .xlsx、.xls 和 .csv 文件")


def _csv_rows(path: Path, encoding: str) -> Iterator[list]:
    try:
        with path.open(encoding=encoding, newline="", errors="strict") as fh:
            yield from csv.reader(fh)
    except UnicodeDecodeError as exc:
        raise FileFormatError(
            f"文件编码无法识别（按 {encoding} 读取到第 {exc.start} 字节时失败），请另存为 UTF-8 或 GBK 编码的 CSV。"
        ) from exc


# --- cell values --------------------------------------------------------------------------

_EXCEL_EPOCH = datetime(1899, 12, 30)
_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]*(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?\s*秒?)?"
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:\s*(\d{2}):?(\d{2})(?::?(\d{2}))?)?$")


def cell_text(value: object) -> str:
    """A cell as text: 12345 ticket numbers often arrive as numbers (20240703001.0).

    Width and spacing variants are left to matching, which normalises what it compares."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_received_at(value: object) -> datetime | None:
    """受理时间 in the forms exports use → an aware datetime in Asia/Shanghai, or None."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=SHANGHAI) if value.tzinfo is None else value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=SHANGHAI)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_serial(float(value))
    text = cell_text(value)
    if not text:
        return None
    match = _DATE.match(text) or _COMPACT.match(text)
    if match:
        parts = [int(p) if p else 0 for p in match.groups()]
        try:
            return datetime(*parts, tzinfo=SHANGHAI)
        except ValueError:
            return None
    try:
        return _from_serial(float(text))
    except ValueError:
        return None


def _from_serial(serial: float) -> datetime | None:
    """An Excel serial day number (45476.38 = 2024-07-03 09:07) in local time."""
    if not 20000 <= serial <= 80000:  # 1954 … 2119: anything else is not a date
        return None
    moment = _EXCEL_EPOCH + timedelta(days=serial)
    return moment.replace(microsecond=0, tzinfo=SHANGHAI)


# --- writing ------------------------------------------------------------------------------


def _safe(value: object) -> object:
    """Cells beginning with = + - @ are written as text, never formulas."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


@dataclass(frozen=True)
class ReportLine:
    row: int
    ticket: str
    outcome: str
    column: str
    message: str


def row_report_csv(summary: list[tuple[str, object]], lines: list[ReportLine]) -> bytes:
    """The batch's row report as a CSV Excel opens directly (UTF-8 with BOM)."""
    out = io.StringIO()
    writer = csv.writer(out)
    for label, value in summary:
        writer.writerow([label, _safe(value)])
    writer.writerow([])
    writer.writerow(["行号", "工单编号", "结果", "列", "说明"])
    for line in lines:
        writer.writerow([line.row, _safe(line.ticket), line.outcome, line.column, _safe(line.message)])
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


def bulletin_workbook(title: str, subtitle: str, header: list[str], rows: list[list]) -> bytes:
    """The 通报 workbook: a title row, the data source line, then the ranking table."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("通报")
    ws.column_dimensions["B"].width = 28
    ws.column_dimensions["D"].width = 28
    ws.append([title])
    ws.append([subtitle])
    ws.append(header)
    for row in rows:
        ws.append([_safe(value) for value in row])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
