"""The rows an action rests on (issue 16, "Every consequence explains itself").

Each computation that proposes actions registers, in its app's ready(), a function that
reads back the rows behind one of its actions: the complaints of each month that counted,
the ranking rows, the quarter's scores and list positions, the projects behind a company
blacklisting. The register shows them without knowing those apps' models, so campaigns
imports none of them. Every function reads through visible_to(user).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from . import action_rules
from .models import Action


@dataclass
class SourceTable:
    """One table of source rows, ready to show: a title, column headings, rows of words."""

    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    note: str = ""


Reader = Callable[[Action, object], list[SourceTable]]
READERS: dict[str, Reader] = {}


def register(computation: str, reader: Reader) -> None:
    READERS[computation] = reader


def sources(action: Action, user) -> list[SourceTable]:
    """The source rows of one action as the user may see them; no reader: no tables."""
    reader = READERS.get(action_rules.computation_of(action))
    return reader(action, user) if reader else []
