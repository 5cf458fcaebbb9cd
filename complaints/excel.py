"""Every file format of the complaints app: reading exports (.xlsx, .xls, WPS .et, .csv in UTF-8,
UTF-8-BOM or GB18030) and writing the row report and the monthly 通报 workbook.

Reading yields plain lists of cell values; importing.py turns them into complaints.
"""

import codecs
import csv
import io
import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO

from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from config.uploads import (
    HEAD_ROWS,
    OLE_MAGIC,
    WORKBOOK_REFUSAL,
    UnsafeFile,
    check_spreadsheet_archive,
    sheet_head_rows,
)

from .rules import SHANGHAI

logger = logging.getLogger(__name__)

# Field → the header names exports and people use for it, preferred first: when a file has two
# columns for one field (所属街道 and 承办单位), the one named earlier in the list is read.
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "ticket": ("工单编号", "工单号", "编号"),
    "received_at": ("受理时间", "来电时间", "来电日期", "登记时间", "受理日期", "登记日期"),
    "township": ("所属镇街", "所属街道", "镇街", "街道", "属地", "所属乡镇", "承办单位"),
    "project_name": ("小区名称", "项目名称", "小区", "反映小区", "小区项目名称"),
    "address": ("诉求地址", "地址", "反映地址", "事发地址"),
    "category": ("诉求类别", "类别", "问题类别", "诉求类型"),
    "content": ("诉求内容", "内容", "反映内容", "问题描述"),
    "status": ("办理状态", "状态"),
    "satisfaction": ("满意度", "回访满意度"),
    "channel": ("来源", "渠道"),
}
# Issue 17: "a file is refused as a whole only when a required column (ticket, time, name) is
# missing"; a row cannot be placed without its 镇街 either, so that column is required too.
REQUIRED = ("ticket", "received_at", "township", "project_name")
FIELD_LABELS = {field: names[0] for field, names in HEADER_SYNONYMS.items()}
_HEADER_LOOKUP = {
    name: (field, rank) for field, names in HEADER_SYNONYMS.items() for rank, name in enumerate(names)
}
HEADER_SCAN_ROWS = HEAD_ROWS  # exports often put a title and a date line above the header
CSV_HEAD_BYTES = 256 * 1024  # enough for the title and header rows of any export
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".csv")


class FileFormatError(ValueError):
    """The file cannot be read as a complaint export at all; the message is for the user."""


def _header_key(value: object) -> str:
    """ "工单\n编号", "工 单 编 号", full-width "（受理时间）*" all read as the same name."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    return re.sub(r"[\s()（）\[\]【】]+", "", text).strip("*：:")


@dataclass(frozen=True)
class Header:
    """Where the header is and what it holds: field → column, its width, the names nobody reads."""

    columns: dict[str, int]
    row: int
    width: int  # cells in the header row: a CSV data row must have as many
    used: int  # up to the last named header cell: a shorter row has lost real columns
    unknown: tuple[str, ...]


def read_header(cells: list) -> Header | None:
    """The header a row would be: None when it names none of the fields."""
    best: dict[str, tuple[int, int]] = {}
    unknown: list[str] = []
    for index, cell in enumerate(cells):
        key = _header_key(cell)
        if not key:
            continue
        found = _HEADER_LOOKUP.get(key)
        if found is None:
            unknown.append(str(cell).strip())
        elif found[0] not in best or found[1] < best[found[0]][1]:
            best[found[0]] = (index, found[1])
    if not best:
        return None
    used = max(i for i, c in enumerate(cells) if _header_key(c)) + 1
    columns = {field: index for field, (index, _rank) in best.items()}
    return Header(columns, 0, len(cells), used, tuple(dict.fromkeys(unknown)))


def find_header(rows: Iterator[list]) -> Header:
    """Scan the first rows for the header; refuse the file naming what is missing and what was found."""
    nearest: Header | None = None
    for number, row in enumerate(rows, start=1):
        header = read_header(row)
        if header is not None:
            header = replace(header, row=number)
            if all(field in header.columns for field in REQUIRED):
                return header
            if nearest is None or len(header.columns) > len(nearest.columns):
                nearest = header
        if number >= HEADER_SCAN_ROWS:
            break
    raise FileFormatError(_missing_header_message(nearest))


def _missing_header_message(nearest: Header | None) -> str:
    if nearest is None:
        wanted = "、".join(f"“{FIELD_LABELS[f]}”（{'/'.join(HEADER_SYNONYMS[f])}）" for f in REQUIRED)
        return f"前 {HEADER_SCAN_ROWS} 行中找不到表头，必需列为：{wanted}"
    missing = [f for f in REQUIRED if f not in nearest.columns]
    wanted = "、".join(f"“{FIELD_LABELS[f]}”（也可写作 {'/'.join(HEADER_SYNONYMS[f][1:])}）" for f in missing)
    found = "、".join([*(FIELD_LABELS[f] for f in nearest.columns), *nearest.unknown])
    return f"表头（第 {nearest.row} 行）缺少必需列：{wanted}；该行找到的列为：{found}"


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


def check_header(fileobj: IO[bytes], name: str) -> Header:
    """The header of an upload, read from its first rows only (the web request's check).

    Issue 18: a wrong or hostile file is refused here in well under a second; the whole file is
    read later, in the worker."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise FileFormatError("只支持 .xlsx、.xls、.et（WPS）和 .csv 文件")
    try:
        rows = _csv_head_rows(fileobj) if suffix == ".csv" else sheet_head_rows(fileobj) or []
    except UnsafeFile as exc:
        raise FileFormatError(str(exc)) from exc
    finally:
        fileobj.seek(0)
    return find_header(iter(rows))


def _csv_head_rows(fileobj: IO[bytes]) -> list[list]:
    fileobj.seek(0)
    head = fileobj.read(CSV_HEAD_BYTES)
    if b"\x00" in head:
        raise FileFormatError("文件不是文本格式的 CSV，请确认文件类型。")
    encoding = detect_encoding(head)
    try:
        text = codecs.getincrementaldecoder(encoding)().decode(head, final=False)
    except UnicodeDecodeError as exc:
        raise FileFormatError(
            f"文件编码无法识别（按 {encoding} 读取失败），请另存为 UTF-8 或 GBK 编码的 CSV。"
        ) from exc
    lines = text.splitlines(keepends=True)[:HEADER_SCAN_ROWS]
    return list(csv.reader(lines))


@dataclass
class Table:
    """The rows of an export, and how many there are about (header and title rows included).

    A CSV row's cell count is checked against the header's (`strict_width`): a comma inside an
    unquoted 诉求内容 shifts every later column, and a sheet's rows cannot be shifted that way."""

    total: int
    rows: Iterator[list]
    strict_width: bool = False


def open_table(path: Path) -> Table:
    """The first sheet (xlsx/xls/et, read once by calamine) or the CSV, as lists of cell values."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open("rb") as raw:
            encoding = detect_encoding(raw.read(1 << 16))
            raw.seek(0)
            total = sum(chunk.count(b"\n") for chunk in iter(lambda: raw.read(1 << 20), b""))
        return Table(total, _csv_rows(path, encoding), strict_width=True)
    if suffix not in SUFFIXES:
        raise FileFormatError("只支持 .xlsx、.xls、.et（WPS）和 .csv 文件")
    with path.open("rb") as raw:
        magic = raw.read(4)
        if magic not in (b"PK\x03\x04", OLE_MAGIC):
            raise FileFormatError(WORKBOOK_REFUSAL)
        if magic == b"PK\x03\x04":
            # A wrong file is refused from its first rows, before the whole sheet is inflated and loaded;
            # then the zip is checked before calamine inflates it: a sheet zip bomb is refused, not unpacked.
            check_header(raw, path.name)
            try:
                check_spreadsheet_archive(raw)
            except UnsafeFile as exc:
                raise FileFormatError(str(exc)) from exc
        raw.seek(0)
        try:
            # From the file object, so calamine judges the format by content: a WPS .et is an .xls inside.
            sheet = CalamineWorkbook.from_filelike(raw).get_sheet_by_index(0)
        except Exception as exc:  # calamine raises its own error types for corrupt files
            # Its messages name the library ("CalamineError: …"): logged for us, a plain sentence for the user.
            logger.warning("complaint workbook unreadable: %r", exc)
            raise FileFormatError(
                "无法读取 Excel 文件（文件损坏或不是 Excel/WPS 表格），请在 Excel/WPS 中另存为 .xlsx 后再导入。"
            ) from exc
    return Table(sheet.height, iter(sheet.iter_rows()))


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
