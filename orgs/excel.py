"""Every openpyxl line of orgs/: reading the project roster (基础信息台账, seed 001 §三(二)).

Real rosters arrive with a title row above the header, full-width spaces and
brackets in the header names, extra columns, blank rows and numbers stored as
text. The reader finds the header leniently and hands out plain rows; what a
row means is decided in roster.py.
"""

import unicodedata
import zipfile
from dataclasses import dataclass
from itertools import islice
from typing import BinaryIO

from openpyxl import load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from config.uploads import UnsafeFile, check_spreadsheet_archive, sheet_head_rows

CORRUPT = "Excel 文件已损坏或格式不正确，无法读取。"


class RosterFileError(Exception):
    """The file as a whole cannot be read; the message is for the person who uploaded it."""


# field → header names seen in the wild, compared after normalise_header().
COLUMNS: dict[str, tuple[str, ...]] = {
    "township": ("街道", "镇街", "乡镇街道", "街道乡镇", "所属街道", "所属镇街", "乡镇", "街道办事处"),
    "community": ("社区", "社区村", "村社区", "所属社区", "村居"),
    "name": ("项目名称", "小区名称", "小区项目名称", "物业项目名称", "项目小区名称", "小区"),
    "aliases": ("别名", "小区别名", "项目别名", "曾用名", "又名"),
    "address": ("地址", "项目地址", "小区地址", "坐落", "详细地址"),
    "households": ("户数", "总户数", "住户数", "户数户"),
    "company": ("物业服务企业", "物业企业", "物业公司", "物业服务企业名称", "物业服务单位", "物业企业名称"),
    "credit_code": ("统一社会信用代码", "社会信用代码", "信用代码", "企业统一社会信用代码"),
    "manager": ("项目经理", "项目负责人", "项目经理姓名"),
    "manager_phone": ("项目经理电话", "项目经理联系电话", "联系电话", "电话", "项目经理手机", "手机号"),
    "service_standard": ("服务标准", "物业服务标准", "服务等级", "服务星级"),
}
LABELS = {
    "township": "街道",
    "community": "社区",
    "name": "项目名称",
    "aliases": "别名",
    "address": "地址",
    "households": "户数",
    "company": "物业服务企业",
    "credit_code": "统一社会信用代码",
    "manager": "项目经理",
    "manager_phone": "项目经理电话",
    "service_standard": "服务标准",
}
REQUIRED = ("township", "name")
HEADER_SEARCH_ROWS = 10
_HEADER_LOOKUP = {alias: field for field, aliases in COLUMNS.items() for alias in aliases}


def normalise_header(value: object) -> str:
    """Full-width to half-width, no spaces, no brackets, asterisks or colons: "（街 道）*" → "街道"."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    return "".join(ch for ch in text if not ch.isspace() and ch not in "()（）*：:[]【】")


def clean_cell(value: object) -> str:
    """A cell as text: full-width spaces and line breaks collapsed, integers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).replace("\u3000", " ").split())


@dataclass
class RosterRow:
    number: int  # the row number Excel shows
    values: dict[str, str]

    def get(self, field: str) -> str:
        return self.values.get(field, "")

    @property
    def is_blank(self) -> bool:
        return not any(self.values.values())


def _header_map(row: tuple) -> dict[int, str]:
    found: dict[int, str] = {}
    for index, cell in enumerate(row):
        field = _HEADER_LOOKUP.get(normalise_header(cell))
        if field and field not in found.values():
            found[index] = field
    return found


def _find_header(rows: list[tuple]) -> tuple[int, dict[int, str]]:
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        mapping = _header_map(row)
        if all(field in mapping.values() for field in REQUIRED):
            return index, mapping
    missing = "、".join(LABELS[f] for f in REQUIRED)
    raise RosterFileError(f"在前{HEADER_SEARCH_ROWS}行中没有找到表头：至少需要“{missing}”两列。")


def _open(file: BinaryIO):
    head = file.read(4)
    file.seek(0)
    if head[:4] == b"\xd0\xcf\x11\xe0":
        raise RosterFileError("这是旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 后再导入。")
    if head[:2] != b"PK":
        raise RosterFileError("文件不是 Excel（.xlsx）格式，无法读取。")
    try:
        # The zip is checked before openpyxl inflates it: a sheet zip bomb is refused, not unpacked.
        check_spreadsheet_archive(file)
        return load_workbook(file, read_only=True, data_only=True)
    except UnsafeFile as exc:
        raise RosterFileError(str(exc)) from exc
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise RosterFileError(CORRUPT) from exc


def fill_merged_places(rows: list[RosterRow]) -> list[RosterRow]:
    """Townships and communities are usually merged cells spanning their projects' rows.

    A read-only workbook gives the value only on the first row of a merge, so a row that
    names a project but leaves 街道 blank takes the 街道 (and, when also blank, the 社区)
    of the row above. A first data row without a 街道 is still refused.

    A 社区 merged over rows whose 街道 is written on each row is filled down the same way: a
    blank 社区 under a row of the same 街道 takes that row's 社区 (two communities were dropped).
    """
    above: RosterRow | None = None
    for row in rows:
        if row.get("name") and above and above.get("township"):
            if not row.get("township"):
                row.values["township"] = above.get("township")
            if not row.get("community") and row.get("township") == above.get("township"):
                row.values["community"] = above.get("community")
        above = row
    return rows


@dataclass
class RosterSheet:
    rows: list[RosterRow]
    letters: dict[str, str]  # field → column letter in the sheet

    def where(self, field: str) -> str:
        """“统一社会信用代码（H列）” for row messages."""
        letter = self.letters.get(field)
        return f"{LABELS[field]}（{letter}列）" if letter else LABELS[field]


MAX_SHEETS_SEARCHED = 10


def check_roster_header(file: BinaryIO) -> None:
    """The web request's check: some sheet's first rows hold the header. Only those rows are read
    (issue 18: a roster holding a 290 MB sheet took 77 s and +553 MB in the request)."""
    first: RosterFileError | None = None
    for position in range(MAX_SHEETS_SEARCHED):
        try:
            rows = sheet_head_rows(file, HEADER_SEARCH_ROWS, sheet=position)
        except UnsafeFile as exc:
            raise RosterFileError(str(exc)) from exc
        if rows is None:
            break
        try:
            _find_header([tuple(r) for r in rows])
            return
        except RosterFileError as exc:
            first = first or exc
    raise first or RosterFileError("Excel 文件中没有工作表。")


def read_roster(file: BinaryIO) -> RosterSheet:
    """The data rows of the first sheet that has a roster header; blank rows are dropped.

    Each sheet's first rows are searched for the header before the rest is read, so a sheet
    that is not the roster is never read whole."""
    workbook = _open(file)
    try:
        sheets = workbook.worksheets
        for position, sheet in enumerate(sheets):
            try:
                rows = iter(sheet.iter_rows(values_only=True))
                head = [tuple(r) for r in islice(rows, HEADER_SEARCH_ROWS)]
                try:
                    header_index, mapping = _find_header(head)
                except RosterFileError:
                    if position == len(sheets) - 1:
                        raise
                    continue
                body = [*head[header_index + 1 :], *(tuple(r) for r in rows)]
            except RosterFileError:
                raise
            except Exception as exc:  # a damaged sheet inside a valid zip: lxml, zipfile, ValueError …
                raise RosterFileError(CORRUPT) from exc
            data = [
                RosterRow(
                    header_index + 2 + offset,
                    {f: clean_cell(row[i]) for i, f in mapping.items() if i < len(row)},
                )
                for offset, row in enumerate(body)
            ]
            letters = {f: get_column_letter(i + 1) for i, f in mapping.items()}
            return RosterSheet(fill_merged_places([r for r in data if not r.is_blank]), letters)
    finally:
        workbook.close()
    raise RosterFileError("Excel 文件中没有工作表。")


# --- writing -------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@")
EXPORT_FIELDS = ["township", "community", "name", "aliases", "address", "households", "company",
                 "credit_code", "manager", "manager_phone", "service_standard"]  # fmt: skip


def safe_cell(sheet, value: object) -> object:
    """Text starting with = + - @ is stored as a string cell, so Excel never runs it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell = WriteOnlyCell(sheet, value)
        cell.data_type = "s"
        return cell
    return value


def write_roster(projects, title: str) -> bytes:
    """The roster in the import's own columns, so an exported file can be edited and imported back."""
    from io import BytesIO

    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("基础信息台账")
    sheet.append([title])
    sheet.append(["序号", *(LABELS[f] for f in EXPORT_FIELDS)])
    for number, p in enumerate(projects, start=1):
        manager = p.manager
        values = [
            p.township.name,
            p.community.name if p.community else "",
            p.name,
            "、".join(a.name for a in p.aliases.all()),
            p.address,
            p.households,
            p.company.name if p.company else "",
            (p.company.credit_code or "") if p.company else "",
            manager.name if manager else "",
            manager.phone if manager else "",
            p.service_standard,
        ]
        sheet.append([number, *(safe_cell(sheet, v) for v in values)])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
