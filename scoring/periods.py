"""Quarters and half-years as the campaign speaks of them ("2024-Q3", "2024-H2")."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

QUARTER_RE = re.compile(r"^(\d{4})-Q([1-4])$")
LOCAL = ZoneInfo("Asia/Shanghai")


class PeriodError(ValueError):
    """A period string that is not YYYY-Qn; the message is for the user."""


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        match = QUARTER_RE.match((text or "").strip().upper())
        if not match:
            raise PeriodError(f"季度格式应为 YYYY-Qn（如 2024-Q3），收到“{text}”")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def containing(cls, day: date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def label(self) -> str:
        return f"{self.year}年第{self.number}季度"

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        """Last day of the quarter (inclusive)."""
        return self.next().start - timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def next(self) -> "Quarter":
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def previous(self) -> "Quarter":
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def year_before(self) -> "Quarter":
        return Quarter(self.year - 1, self.number)

    @property
    def half(self) -> str:
        return f"{self.year}-H{1 if self.number <= 2 else 2}"

    @property
    def ends_half(self) -> bool:
        return self.number in (2, 4)

    def aware_bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as aware datetimes in Asia/Shanghai, for filtering timestamps."""
        return (
            datetime.combine(self.start, time.min, LOCAL),
            datetime.combine(self.next().start, time.min, LOCAL),
        )


def previous_half(half: str) -> str:
    year, number = half.split("-H")
    return f"{year}-H1" if number == "2" else f"{int(year) - 1}-H2"
