"""Reading a 整治工作台账 back from a workbook, however the office filled it in.

Seed 001 附件2: "序号 | 项目名称 | 物业服务企业 | 服务标准 | 存在问题 | 整治措施 | 完成时限 | 责任人 | 进展情况 |
社区 | 街道 | 备注" and "问题、整治措施等相对应，每条问题占一行。序号同项目名称等对应，一个项目一个序号。"

Real files differ from the template: headers typed "序  号" or "完成\\n时限", a phone column added,
the project cells merged over its problems, a 合计 row and a 填表说明 row at the bottom, blank
rows between projects, saved as .xls or WPS .et. Columns are found by name (an unknown one is
ignored, so an extra 13th column is never taken for the hidden reference), project cells are
carried down over merged rows, and noise rows are skipped and listed, never refused.
"""

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from config.spreadsheets import open_sheets
from config.uploads import UnsafeFile

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
CATEGORY_HEADER = "整治内容"
# Each column as people title it (after spaces, line breaks and bracketed notes are removed).
SYNONYMS = {
    "序号": ("序号", "序"),
    "项目名称": ("项目名称", "小区名称", "小区", "项目", "物业项目", "物业服务项目"),
    "物业服务企业": ("物业服务企业", "物业企业", "物业公司", "物业服务公司", "服务企业"),
    "服务标准": ("服务标准", "服务等级", "星级", "服务星级"),
    "存在问题": ("存在问题", "存在的问题", "问题", "问题描述", "问题内容"),
    "整治措施": ("整治措施", "整改措施", "措施"),
    "完成时限": ("完成时限", "整改时限", "完成时间", "时限", "整改期限"),
    "责任人": ("责任人", "负责人"),
    "进展情况": ("进展情况", "整改进展", "进展", "整改情况", "完成情况"),
    "社区": ("社区", "所属社区", "社区村", "村社区"),
    "街道": ("街道", "所属街道", "镇街", "所属镇街", "乡镇街道", "乡镇", "属地"),
    "备注": ("备注",),
    REF_HEADER: (REF_HEADER, "台账编号"),
    CATEGORY_HEADER: (CATEGORY_HEADER, "整治类别", "问题类别", "类别", "攻坚行动"),
}
_BY_SPELLING = {spelling: name for name, spellings in SYNONYMS.items() for spelling in spellings}
REQUIRED = ("项目名称", "存在问题")
# Carried down from a project's first row over the rows below it (merged cells read as empty).
PROJECT_FIELDS = ("序号", "项目名称", "物业服务企业", "服务标准", "社区", "街道", CATEGORY_HEADER)
HEADER_SEARCH_ROWS = 15
_TOTAL = re.compile(r"^(合计|总计|小计|共计)")
_NOTES = re.compile(r"^(填表说明|填报说明|说明[:：]|注[:：0-9.、]|备注[:：]|制表|填表人|审核人)")


class WrongFile(Exception):
    """The whole file is refused (not a spreadsheet, corrupt, no header); the message is in Chinese."""


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
    """One problem row read back: its cells by column title, project cells carried down."""

    sheet: str
    row: int
    values: dict[str, object]
    reference: str = ""
    version: int | None = None

    def text(self, name: str) -> str:
        value = self.values.get(name)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()


@dataclass(frozen=True)
class Skipped:
    sheet: str
    first: int
    last: int
    reason: str

    @property
    def rows(self) -> int:
        return self.last - self.first + 1

    def __str__(self) -> str:
        where = f"第 {self.first} 行" if self.first == self.last else f"第 {self.first}–{self.last} 行"
        return f"“{self.sheet}”{where}：{self.reason}"


def header_key(value: object) -> str:
    """A header cell as compared: width folded, spaces/line breaks and bracketed notes removed."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    text = re.sub(r"[(（\[【].*?[)）\]】]", "", text)
    return re.sub(r"[\s*＊:：]+", "", text)


def _column_map(cells: list) -> tuple[dict[str, int], list[str]]:
    """Which column holds which field; the titles of columns not recognised."""
    found: dict[str, int] = {}
    unknown = []
    for index, cell in enumerate(cells):
        key = header_key(cell)
        name = _BY_SPELLING.get(key)
        if name is not None and name not in found:
            found[name] = index
        elif key:
            unknown.append(str(cell).strip())
    return found, unknown


@dataclass
class LedgerReader:
    """Reads every sheet of a workbook that carries the ledger's header.

    `rows()` streams the problem rows; meanwhile `skipped` collects the noise rows (blank, 合计,
    填表说明, a repeated header) and `notes` what was ignored (unknown columns, sheets without the
    header). `rows_in` counts every row below a header: rows in = problem rows + skipped.
    """

    source: object
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rows_in: int = 0

    def rows(self) -> Iterator[ImportRow]:
        sheets = self._open()
        best: tuple[int, str, list] | None = None  # the closest thing to a header, for the message
        found = False
        for sheet in sheets:
            rows = sheet.rows()
            header, candidate = self._find_header(sheet.name, rows)
            if header is None:
                if candidate and (best is None or candidate[0] > best[0]):
                    best = candidate
                continue
            found = True
            yield from self._sheet_rows(sheet.name, header, rows)
        if not found:
            raise WrongFile(_no_header_message(best))

    def _open(self):
        handle = self.source if hasattr(self.source, "read") else open(self.source, "rb")  # noqa: SIM115
        try:
            return open_sheets(handle)
        except UnsafeFile as error:
            raise WrongFile(str(error)) from error
        finally:
            if handle is not self.source:
                handle.close()

    def _find_header(self, sheet: str, rows) -> tuple[dict[str, int] | None, tuple | None]:
        """Consume rows up to the header (within the first rows); the closest candidate otherwise."""
        best = None
        for number, values in rows:
            columns, unknown = _column_map(values)
            if all(name in columns for name in REQUIRED):
                if unknown:
                    self.notes.append(f"“{sheet}”第 {number} 行：未识别的列已忽略：{'、'.join(unknown)}")
                return columns, None
            if columns and (best is None or len(columns) > best[0]):
                best = (len(columns), f"“{sheet}”第 {number} 行", [str(v).strip() for v in values if v])
            if number >= HEADER_SEARCH_ROWS:
                break
        self.notes.append(f"工作表“{sheet}”中没有台账表头，未读取")
        return None, best

    def _sheet_rows(self, sheet: str, columns: dict[str, int], rows) -> Iterator[ImportRow]:
        carried: dict[str, object] = {}
        header_cells = set(columns)
        for number, cells in rows:
            self.rows_in += 1
            values = {name: _cell(cells, index) for name, index in columns.items()}
            reason = _noise(cells, values, header_cells)
            if reason:
                self._skip(sheet, number, reason)
                continue
            starts_project = any(values.get(name) not in (None, "") for name in ("序号", "项目名称"))
            for name in PROJECT_FIELDS:
                if starts_project:
                    carried[name] = values.get(name)
                elif values.get(name) in (None, ""):
                    values[name] = carried.get(name)
            reference, version = _split_reference(values.pop(REF_HEADER, None))
            yield ImportRow(sheet, number, values, reference, version)

    def _skip(self, sheet: str, number: int, reason: str) -> None:
        """Record a skipped row; consecutive rows skipped for one reason are listed as one range."""
        last = self.skipped[-1] if self.skipped else None
        if last and last.sheet == sheet and last.reason == reason and last.last == number - 1:
            self.skipped[-1] = Skipped(sheet, last.first, number, reason)
        else:
            self.skipped.append(Skipped(sheet, number, number, reason))

    @property
    def skipped_rows(self) -> int:
        return sum(s.rows for s in self.skipped)


def _cell(cells: list, index: int) -> object:
    value = cells[index] if index < len(cells) else None
    return value.strip() if isinstance(value, str) else value


def _noise(cells: list, values: dict, header: set[str]) -> str:
    """Why a row is not a problem row ("" when it is one)."""
    texts = [header_key(c) for c in cells if c not in (None, "")]
    if not texts:
        return "空行"
    if _TOTAL.match(header_key(values.get("序号"))) or _TOTAL.match(header_key(values.get("项目名称"))):
        return "合计行"
    if _NOTES.match(texts[0]):
        return "填表说明行"
    if {_BY_SPELLING.get(t) for t in texts} >= header - {None} and len(texts) >= len(REQUIRED):
        return "重复的表头行"
    if all(values.get(name) in (None, "") for name in values if name != REF_HEADER):
        return "空行（只有未识别的列有内容）"
    return ""


def _split_reference(value) -> tuple[str, int | None]:
    text = str(value or "").strip()
    if "@" not in text:
        return text, None
    reference, _, version = text.rpartition("@")
    return reference, int(version) if version.isdigit() else None


def _no_header_message(best: tuple | None) -> str:
    expected = "、".join(COLUMNS)
    if best is None:
        return f"未找到台账表头：前 {HEADER_SEARCH_ROWS} 行中没有“项目名称”“存在问题”等列。应有的列：{expected}。"
    _, where, cells = best
    columns, _ = _column_map(cells)
    missing = "、".join(f"“{name}”" for name in REQUIRED if name not in columns)
    return f"未找到台账表头：缺少{missing}列；最接近的是{where}：{'、'.join(cells)[:200]}。应有的列：{expected}。"
