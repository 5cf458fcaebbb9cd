"""The phases of a campaign laid out on one line with today marked (campaign page)."""

from dataclasses import dataclass
from datetime import date, timedelta

from .models import Phase

# An open-ended phase ("2025 年 1 月 1 日后", "长期坚持") is drawn this far past its start or today.
OPEN_END_DAYS = 60


@dataclass(frozen=True)
class Bar:
    phase: Phase
    left: float  # percent of the line
    width: float
    is_current: bool
    is_past: bool


@dataclass(frozen=True)
class Timeline:
    bars: list[Bar]
    start: date
    end: date
    today_at: float | None  # percent, None when today lies outside the line


def _percent(day: date, start: date, span: int) -> float:
    return round((day - start).days * 100 / span, 2)


def build(phases: list[Phase], today: date) -> Timeline | None:
    if not phases:
        return None
    start = min(p.start for p in phases)
    ends = [p.end or max(p.start, today) + timedelta(days=OPEN_END_DAYS) for p in phases]
    end = max(ends)
    span = max((end - start).days + 1, 1)
    bars = []
    for phase, phase_end in zip(phases, ends, strict=True):
        left = _percent(phase.start, start, span)
        width = max(_percent(phase_end + timedelta(days=1), start, span) - left, 1.5)
        bars.append(
            Bar(
                phase,
                left,
                min(width, 100 - left),
                is_current=phase.start <= today and (phase.end is None or today <= phase.end),
                is_past=phase.end is not None and phase.end < today,
            )
        )
    today_at = _percent(today, start, span) if start <= today <= end else None
    return Timeline(bars, start, end, today_at)
