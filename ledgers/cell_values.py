"""Cells of a hand-filled 整治工作台账 read the way the officer meant them.

Seed 001 附件2 gives the columns (完成时限, 进展情况 …) but not how to write them, so people write
"长期坚持", "立行立改", "2026年12月底前", "12月底", "2026.12.31", and start 进展情况 with the state
("已销号：已整改完毕，经现场复查合格"). These pure functions read such cells; nothing typed is dropped.
"""

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .models import LedgerItem
from .xlsx_rows import EXCEL_EPOCH

# Phrases that stand for a deadline. "长期坚持" has none; "立行立改" means now (the import date).
NO_DEADLINE = ("长期坚持", "长期", "持续整改", "常态化")
IMMEDIATE = ("立行立改", "立即整改", "即知即改", "马上整改")

_FULL_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_MONTH_END = re.compile(r"^(?:(\d{4})年?[-/.]?)?(\d{1,2})月(?:底|末|份)?$")
_DAY_OF_MONTH = re.compile(r"^(\d{1,2})月(\d{1,2})日$")
_YEAR_END = re.compile(r"^(?:(\d{4})年)?(?:年底|年末|底)$")
_BEFORE = re.compile(r"(?:之前|以前|前)$")
# Excel counts days from 1900 with its phantom 1900-02-29; serials below 61 are never a deadline.
_SERIAL_RANGE = (61, 2958465)


@dataclass(frozen=True)
class Deadline:
    """A 完成时限 as read: the day (None: no fixed deadline) and the phrase when one was written."""

    day: date | None
    phrase: str = ""


def parse_deadline(value: object, today: date) -> Deadline:
    """完成时限 as people write it; ValueError with a Chinese message when it cannot be read.

    "2026年12月底前" and "12月底" are the month's last day, "年底前" the year's; a month without a
    year is of the import year; an Excel day number (a date cell saved as General) is that day.
    """
    if value is None or value == "":
        return Deadline(None)
    if isinstance(value, datetime):
        return Deadline(value.date())
    if isinstance(value, date):
        return Deadline(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Deadline(_from_serial(value))
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))
    if text in NO_DEADLINE:
        return Deadline(None, text)
    if text in IMMEDIATE:
        return Deadline(today, text)
    day = _from_text(_BEFORE.sub("", text), today) or (_from_serial(float(text)) if text.isdigit() else None)
    if day is None:
        raise ValueError(
            f"无法识别的完成时限“{value}”，请写成 2026年12月31日、2026.12.31、12月底、年底前、长期坚持 或 立行立改"
        )
    return Deadline(day)


def _from_serial(number: float) -> date | None:
    if not _SERIAL_RANGE[0] <= number <= _SERIAL_RANGE[1]:
        raise ValueError(f"完成时限“{number:g}”不是日期，请写成 2026年12月31日")
    return EXCEL_EPOCH + timedelta(days=int(number))


def _from_text(text: str, today: date) -> date | None:
    try:
        if match := _FULL_DATE.match(text):
            return date(*(int(g) for g in match.groups()))
        if match := _MONTH_END.match(text):
            year, month = int(match.group(1) or today.year), int(match.group(2))
            return date(year, month, calendar.monthrange(year, month)[1])
        if match := _DAY_OF_MONTH.match(text):
            return date(today.year, int(match.group(1)), int(match.group(2)))
        if match := _YEAR_END.match(text):
            return date(int(match.group(1) or today.year), 12, 31)
    except ValueError as error:  # 2026年13月, 2月30日
        raise ValueError(f"完成时限“{text}”不是有效的日期") from error
    return None


_STATUS_WORDS = {str(label): value for value, label in LedgerItem.Status.choices}
_LEADING_STATUS = re.compile(
    "^(" + "|".join(map(re.escape, _STATUS_WORDS)) + r")(?:[\s：:，,。；;、—\-]+|$|(?=\S))(.*)$", re.S
)


def split_progress(text: str) -> tuple[str | None, str]:
    """进展情况 → (the state its leading status word names, the rest of the text).

    "已销号：已整改完毕，经现场复查合格" → (closed, "已整改完毕，经现场复查合格"); "整改中" → (in_progress, "");
    text without a leading status word → (None, text). The export writes "状态：说明" the same way.
    """
    match = _LEADING_STATUS.match(text.strip())
    if match is None:
        return None, text.strip()
    return _STATUS_WORDS[match.group(1)], match.group(2).strip()


def same_lines(value: object) -> object:
    """Text compared as a person reads it: CR LF and LF are one line break, outer spaces do not count."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def problem_key(text: str) -> str:
    """存在问题 reduced to its words: width folded (NFKC), every space and line break removed.

    Recognises a row of a hand-filled ledger as an item already logged, without its reference.
    """
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))
