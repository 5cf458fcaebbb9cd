"""Which project and which 街道 a ledger row names, written the way people write them.

The same normalisation as complaint matching (complaints/matching.py): width folded, spaces and
punctuation dropped, Chinese numerals as digits, so "东方嘉园Ａ区" is 东方嘉园A区 and "华府佳苑　三期" is
华府佳苑3期; a 街道 goes by its short name too ("城关" for 城关街道). Unlike a complaint, a ledger row
is never matched on a shortened name: 阳光花园 and 阳光家园 are often two projects of one township
(SPEC.md: "The name as written wins over any shortened form"), so a name found only in shortened
form, or found in two townships, is refused with the candidates named for the officer to correct.
"""

import difflib
from dataclasses import dataclass

from complaints.matching import basic, normalise_name, township_keys


@dataclass(frozen=True)
class _Project:
    pk: int
    name: str
    township_id: int
    township: str


class ProjectNames:
    """Built once per import from the projects and townships the importer may see."""

    def __init__(self, projects: list[tuple], townships: list[tuple[int, str]]):
        """`projects`: (pk, name, township id, township name, [aliases]); `townships`: (pk, name)."""
        self.exact: dict[str, list[_Project]] = {}
        self.short: dict[str, list[_Project]] = {}
        for pk, name, township_id, township, aliases in projects:
            project = _Project(pk, name, township_id, township)
            for spelling in {name, *aliases}:
                self.exact.setdefault(basic(spelling), []).append(project)
                self.short.setdefault(normalise_name(spelling), []).append(project)
        self.townships: dict[str, set[int]] = {}
        self.township_names = dict(townships)
        for pk, name in townships:
            for key in township_keys(name):
                self.townships.setdefault(key, set()).add(pk)
        self._cache: dict[tuple[str, str], tuple[int | None, str]] = {}

    def find(self, name: str, township: str) -> tuple[int | None, str]:
        """(project id, "") or (None, a Chinese message naming the candidates)."""
        key = (name, township)
        if key not in self._cache:
            self._cache[key] = self._find(name, township)
        return self._cache[key]

    def _find(self, name: str, township: str) -> tuple[int | None, str]:
        if not name:
            return None, "项目名称不能为空"
        where = f"（街道：{township}）" if township else ""
        township_ids = self._townships(township)
        if township and not township_ids:
            known = "、".join(sorted(self.township_names.values())[:20])
            return None, f"找不到街道“{township}”，或不在您的范围内；可选：{known}"
        found = _unique(self.exact.get(basic(name), []), township_ids)
        if len(found) == 1:
            return found[0].pk, ""
        if len(found) > 1:
            return None, f"有多个名为“{name}”的项目：{_listed(found)}，请在“街道”列写明所属街道"
        near = _unique(self.short.get(normalise_name(name), []), township_ids) or self._similar(
            name, township_ids
        )
        hint = f"；相近的项目：{_listed(near)}，请按系统中的名称填写" if near else ""
        return None, f"找不到项目“{name}”{where}，或该项目不在您的范围内{hint}"

    def _townships(self, text: str) -> set[int] | None:
        if not text:
            return None
        return set().union(*(self.townships.get(k, set()) for k in township_keys(text)))

    def _similar(self, name: str, township_ids: set[int] | None) -> list[_Project]:
        spelling = basic(name)
        close = difflib.get_close_matches(spelling, list(self.exact), n=3, cutoff=0.6)
        return _unique([p for c in close for p in self.exact[c]], township_ids)


def _unique(projects: list[_Project], township_ids: set[int] | None) -> list[_Project]:
    """The projects (once each) inside the named townships, when a township was named."""
    seen: dict[int, _Project] = {}
    for project in projects:
        if township_ids is None or project.township_id in township_ids:
            seen.setdefault(project.pk, project)
    return list(seen.values())


def _listed(projects: list[_Project]) -> str:
    return "、".join(f"{p.name}（{p.township}）" for p in projects[:5])
