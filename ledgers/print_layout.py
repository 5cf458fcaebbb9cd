"""How the exported ledger falls on A4 landscape paper: row heights from the text, page breaks.

Seed 001 附件2 is a table people print and send up. Neither Excel nor LibreOffice grows a row for
wrapped text in a merged cell, and Excel keeps a written row's height as written, so the export
sets every row's height from its text and the column widths (wrapped text never runs into the next
row). It also decides where pages break, so a project whose rows do not fit on what is left of a
page starts on the next one, and a project longer than a page repeats its serial and name at the
top of the continued page ("序号同项目名称等对应，一个项目一个序号").

The model of a glyph: a Chinese character is two of Excel's width units (the width of "0" in the
workbook's default 11-point Calibri, 7 px) and a Latin one one unit; at 10 points a Chinese glyph is
13.3 px, so two units (14 px) is a slight overestimate, which is the safe side. A line of 10-point
宋体 takes 13.5 points in Excel; 14 are planned (LibreOffice's Noto CJK substitute takes less).
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

LINE_POINTS = 14.0
PADDING_POINTS = 5.0
MIN_ROW_POINTS = 20.0
# A4 landscape in points, and the export's margins (inches → points).
PAGE_WIDTH, PAGE_HEIGHT = 841.9, 595.3
SIDE_MARGIN, TOP_MARGIN, BOTTOM_MARGIN = 0.4 * 72, 0.6 * 72, 0.6 * 72
SAFETY = 0.95  # a page is planned this full: font metrics differ a little between programs
MAX_BREAKS = 1023  # Excel keeps at most 1,023 manual page breaks per sheet


def text_units(text: str) -> int:
    """Width in Excel's character units: a character of three UTF-8 bytes or more (Chinese,
    full-width forms, most symbols) counts two, others one.

    Counted from the UTF-8 length, in C: a 100,000-item export measures tens of millions of
    characters, and unicodedata.east_asian_width per character cost seconds. The few narrow
    three-byte symbols ("…", "—") are counted wide, which errs toward a taller row.
    """
    extra = len(text.encode("utf-8")) - len(text)
    return len(text) + extra // 2


def lines_in(text: str, width: float) -> int:
    """Lines the text wraps to in a column `width` units wide (one unit is kept for the cell's padding)."""
    room = max(width - 1, 2)
    if "\n" not in text:  # most cells: one paragraph (the export is measured row by row)
        return max(1, math.ceil(text_units(text) / room))
    return sum(max(1, math.ceil(text_units(line) / room)) for line in text.split("\n"))


def height_for(cells: Iterable[tuple[str, float]]) -> float:
    """Row height in points for (text, column width) cells: the tallest wrapped cell, padded."""
    lines = 1
    for text, width in cells:
        if text:
            lines = max(lines, lines_in(text, width))
    return max(MIN_ROW_POINTS, lines * LINE_POINTS + PADDING_POINTS)


def column_points(width: float) -> float:
    """A column `width` units wide in points: Excel draws it as 7 px a unit plus 5 px of padding."""
    return (width * 7 + 5) * 0.75


def print_scale(widths: list[float]) -> int:
    """The scale (percent) at which fit-to-width prints the columns, rounded up: a larger scale
    means fewer rows to a page, so a page planned at it never holds more than the printed one."""
    table = sum(column_points(w) for w in widths)
    return min(100, math.ceil(100 * (PAGE_WIDTH - 2 * SIDE_MARGIN) / table))


@dataclass
class PagePlan:
    """Fills pages row by row. `capacity` is a page's height in the sheet's points at the print
    scale; `header` the column-header row repeated on every page; `used` starts with the title rows."""

    capacity: float
    header: float
    used: float
    breaks: list[int] = field(default_factory=list)

    @classmethod
    def for_scale(cls, scale: int, header: float, title: float) -> "PagePlan":
        body = (PAGE_HEIGHT - TOP_MARGIN - BOTTOM_MARGIN) * 100 / scale * SAFETY
        return cls(capacity=body, header=header, used=title + header)

    def place(self, first_row: int, heights: list[float]) -> list[int]:
        """Lay a project's rows (zero-based sheet rows from `first_row`) onto the pages.

        A project that fits on one page but not on what is left of this one starts a new page.
        Returns the offsets in the project at which a continued page begins, where the project's
        serial and name are written again.
        """
        if len(self.breaks) >= MAX_BREAKS:
            return []  # Excel's limit: the program breaks the rest of the pages itself
        fresh = self.used <= self.header
        if not fresh and self.used + sum(heights) > self.capacity >= self.header + sum(heights):
            self._break(first_row)
        continued = []
        for offset, height in enumerate(heights):
            if self.used + height > self.capacity and self.used > self.header:
                self._break(first_row + offset)
                if offset:
                    continued.append(offset)
            self.used += height
        return continued

    def _break(self, row: int) -> None:
        """A new page begins at `row` (zero-based), under the repeated header."""
        if len(self.breaks) < MAX_BREAKS:
            self.breaks.append(row)
        self.used = self.header
