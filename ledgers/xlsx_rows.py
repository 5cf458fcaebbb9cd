"""Worksheet rows written as finished XML into an xlsxwriter constant_memory sheet.

xlsxwriter's write_*() spends about 30 µs on a cell: the A1-notation decorator, bounds and
dimension checks, a named tuple per cell, then, when the row is flushed, an attribute list and
three regular expressions per string. The ledger export has 13 cells a row; at 100,000 items
that was 1.3 M cells and two thirds of the export's time. Its rows are plain (inline text, a
number, a date, blanks that carry the border of a merged area), so they are built here as text
and appended to the file constant_memory mode streams rows to. Everything else in the sheet —
column widths, print setup, title and header rows, merged ranges, styles, the package — stays
with xlsxwriter.

This relies on how xlsxwriter 3.3 streams a constant_memory sheet (`fh`, `previous_row`,
`_write_single_row`, `_check_dimensions`); the version is pinned, and the export tests read the
result back with openpyxl and python-calamine.
"""

import re
from datetime import date

from xlsxwriter.worksheet import Worksheet

# Excel's limit on the text of a cell, in UTF-16 code units.
MAX_CELL_UNITS = 32767
CUT_NOTICE = "…（超出 Excel 单元格 32767 字上限，全文见系统台账）"
# Excel's day 0 for dates from 1900-03-01 on (its serial numbers count the phantom 1900-02-29).
EXCEL_EPOCH = date(1899, 12, 30)

# Anything that needs more than copying: markup characters, control characters, Unicode
# non-characters, and text that Excel would read as its own _xHHHH_ escape.
_NEEDS_WORK = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")
# Control characters other than tab and line feed: XML 1.0 cannot carry them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EXCEL_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


def clean_text(value: str) -> str:
    """The text a cell shows: control characters dropped, line breaks as line feeds, within Excel's limit.

    A problem pasted from another system can carry a bell or an escape character; Excel would
    show xlsxwriter's `_x0007_` escape of it as a box, so it is dropped instead. Windows line
    breaks (a browser's textarea sends CR LF) become the single line feed Excel breaks lines on.
    """
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL.sub("", value)
    if not fits_in_cell(value):
        # Entry refuses such text (workflow.check_cell_limit); older text is cut with a notice, never silently.
        room = (MAX_CELL_UNITS - len(CUT_NOTICE)) * 2
        value = value.encode("utf-16-le")[:room].decode("utf-16-le", "ignore") + CUT_NOTICE
    return value


def fits_in_cell(text: str) -> bool:
    """Does the text fit one Excel cell (32,767 UTF-16 units, line breaks as single line feeds)?"""
    if len(text) <= MAX_CELL_UNITS // 2:
        return True
    return len(text.replace("\r\n", "\n").encode("utf-16-le")) // 2 <= MAX_CELL_UNITS


def _xml_text(value: str) -> str:
    """Cleaned text escaped for a <t> element; literal "_x0041_" is kept literal as Excel expects."""
    if _NEEDS_WORK.search(value) is None and len(value) <= MAX_CELL_UNITS // 2:
        return value
    value = _EXCEL_ESCAPE.sub(r"_x005F_\1", clean_text(value))
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def blank_cell(ref: str, style: int) -> str:
    """An empty cell that still carries its format (the border of a merged area, of an empty column)."""
    return f'<c r="{ref}" s="{style}"/>'


def text_cell(ref: str, style: int, value: str | None) -> str:
    """Text as an inline string: never a formula, a number or a link, whatever it looks like."""
    text = _xml_text(value) if value else ""
    if not text:
        return blank_cell(ref, style)
    space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
    return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t{space}>{text}</t></is></c>'


def number_cell(ref: str, style: int, value: int | None) -> str:
    return blank_cell(ref, style) if value is None else f'<c r="{ref}" s="{style}"><v>{value}</v></c>'


def date_cell(ref: str, style: int, day: date | None, blank_style: int) -> str:
    """A date as Excel's day number under a date format; no date is an empty cell in `blank_style`."""
    if day is None:
        return blank_cell(ref, blank_style)
    return f'<c r="{ref}" s="{style}"><v>{(day - EXCEL_EPOCH).days}</v></c>'


class StreamedSheet(Worksheet):
    """A constant_memory worksheet that also takes rows as finished <row> XML.

    Add it with `book.add_worksheet(name, worksheet_class=StreamedSheet)`. Rows written through
    xlsxwriter's own methods must lie above the appended ones and be written first.
    """

    def append_rows(self, first_row: int, last_row: int, last_col: int, xml: str) -> None:
        """Append rows first_row..last_row (zero-based), `xml` being their <row> elements in order."""
        if not self.constant_memory:
            raise ValueError("append_rows() needs the workbook's constant_memory option")
        if first_row < self.previous_row:
            raise ValueError(f"row {first_row + 1} is above rows already written")
        self._check_dimensions(last_row, last_col)  # the sheet's <dimension> covers the new rows
        # Flush the row xlsxwriter still holds (the header, the first time) and mark these as written.
        self._write_single_row(last_row + 1)
        self.fh.write(xml)
