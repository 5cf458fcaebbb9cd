"""Which project a complaint is about, from the caller's words (SPEC.md: "Each complaint is matched
to a project by name and address (aliases, full-width/half-width forms, "小区/花园/苑" suffixes,
building numbers). What cannot be matched with confidence waits for a person").

Pure functions plus a `Matcher` built once per import from plain tuples, so a million
rows cost dictionary look-ups, and repeated spellings (the usual case) are matched once.
"""

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

# Generic words callers add or drop around a project's proper name.
NAME_SUFFIXES = ("住宅小区", "小区", "花园", "家园", "公寓", "社区", "新村", "苑", "园", "府")
_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_NON_WORD = re.compile(r"[\W_]+")
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十]+(?=[期区座栋幢号楼单元室层])")
_PHASE = re.compile(r"(?:第)?([0-9]+|[a-z])(期|区)$")
# From the first building/unit/room marker to the end: "3号楼2单元301", "3栋", "5幢" (a bare 号 is
# a street number and stays), and the "2-1-301" short form.
_BUILDING = re.compile(r"[0-9a-z]+(?:号楼|号院|栋|幢|座|单元|室|层)[0-9a-z号楼栋幢座单元室层]*$")
_ROOM_SHORT = re.compile(r"[0-9]+\s*[-－—]\s*[0-9]+(?:\s*[-－—]\s*[0-9]+)?\s*(?:室|号)?\s*$")

FUZZY_REVIEW = 0.6  # a difflib ratio at or above this is worth a person's look, never applied alone
MIN_NAME = 2  # shorter normalised names (e.g. "花园" alone) would contain half the county


def _cn_to_int(text: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20: enough for 期/区/栋 numbers."""
    if "十" not in text:
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    tens, _, units = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def basic(text: str) -> str:
    """NFKC (full-width → half-width), lower case, no spaces or punctuation, Chinese numerals as digits."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = _NON_WORD.sub("", text)
    return _CN_NUMBER.sub(lambda m: str(_cn_to_int(m.group())), text)


def name_forms(name: str) -> tuple[str, ...]:
    """The name as written, then each shorter form callers also use, the most specific first:
    「阳光花园小区（二期）」 → (阳光花园小区2期, 阳光花园2期, 阳光2期).

    The first is the name after width, space, punctuation and numeral normalisation only; each
    next one drops one generic word (花园, 小区 …). The phase (2期, a区) is kept, because 一期 and
    二期 are often different projects.
    """
    text = basic(name)
    forms, phase = [text], ""
    m = _PHASE.search(text)
    if m and len(text) - len(m.group()) >= MIN_NAME:
        phase, text = f"{m.group(1)}{m.group(2)}", text[: m.start()]
        forms.append(text + phase)
    stripped = True
    while stripped:
        stripped = False
        for suffix in NAME_SUFFIXES:
            if text.endswith(suffix) and len(text) - len(suffix) >= MIN_NAME:
                text, stripped = text[: -len(suffix)], True
                forms.append(text + phase)
                break
    return tuple(dict.fromkeys(forms))


def normalise_name(name: str) -> str:
    """A project name reduced to what callers agree on: 「阳光花园 二期」 → 阳光2期, 「锦绣苑小区」 → 锦绣."""
    return name_forms(name)[-1]


TOWNSHIP_SUFFIXES = ("街道办事处", "办事处", "街道", "镇", "乡")


def township_keys(name: str) -> set[str]:
    """The spellings a 乡镇/街道 goes by: 「城关街道」 → {城关街道, 城关}, so a cell saying 「城关」 finds it."""
    key = basic(name)
    keys = {key}
    for suffix in TOWNSHIP_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            keys.add(key[: -len(suffix)])
    return keys


def normalise_address(address: str) -> str:
    """An address without building, unit and room: 「建设路18号 3号楼2单元301室」 → 建设路18号."""
    text = basic(_ROOM_SHORT.sub("", unicodedata.normalize("NFKC", address or "")))
    previous = None
    while previous != text:
        previous, text = text, _BUILDING.sub("", text)
    return text


@dataclass(frozen=True)
class MatchResult:
    state: str  # "matched", "review" or "unmatched"
    project_id: int | None = None
    method: str = ""
    score: float | None = None
    candidates: tuple[tuple[int, float, str], ...] = field(default=())


UNMATCHED = MatchResult("unmatched")


@dataclass
class _TownshipIndex:
    written: dict[str, set[int]] = field(default_factory=dict)  # each name and alias as written
    forms: dict[str, set[int]] = field(default_factory=dict)  # … and every shorter form of it
    stems: dict[str, set[int]] = field(default_factory=dict)  # … and its shortest form
    addresses: dict[str, set[int]] = field(default_factory=dict)

    def add(self, project_id: int, forms: tuple[str, ...]) -> None:
        self.written.setdefault(forms[0], set()).add(project_id)
        self.stems.setdefault(forms[-1], set()).add(project_id)
        for form in forms:
            self.forms.setdefault(form, set()).add(project_id)


_EMPTY = _TownshipIndex()
Forms = tuple[str, ...]


class Matcher:
    """Built once per import from (project id, township id, name, address, aliases) tuples."""

    def __init__(self, projects: list[tuple[int, int, str, str, list[str]]]):
        self._townships: dict[int, _TownshipIndex] = {}
        self._anywhere: dict[str, set[int]] = {}
        self._names: dict[str, Forms] = {}  # raw spelling → name_forms of it
        for project_id, township_id, name, address, aliases in projects:
            index = self._townships.setdefault(township_id, _TownshipIndex())
            for forms in {self._forms(n) for n in (name, *aliases)} - {("",)}:
                index.add(project_id, forms)
                self._anywhere.setdefault(forms[-1], set()).add(project_id)
            if (addr := normalise_address(address)) and len(addr) >= 4:
                index.addresses.setdefault(addr, set()).add(project_id)
        self._cache: dict[tuple[int, Forms, str], MatchResult] = {}
        self._spellings: dict[tuple[int, str], tuple[Forms, MatchResult | None]] = {}
        self._by_name: dict[tuple[int, Forms, str], MatchResult | None] = {}

    def match(self, township_id: int, name: str, address: str = "") -> MatchResult:
        """Most rows name their project exactly, so the address (unique per caller) is only
        normalised when the name alone does not settle it. Every result is remembered per
        spelling: real exports repeat the same few thousand names a million times."""
        known = self._spellings.get((township_id, name))
        if known is None:
            forms = self._forms(name)
            known = (forms, _by_name(self._townships.get(township_id, _EMPTY), forms))
            self._spellings[township_id, name] = known
        forms, by_name = known
        if by_name is not None:
            return by_name
        key = (township_id, forms, normalise_address(address))
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._match(*key)
        return found

    def _forms(self, name: str) -> Forms:
        """name_forms once per distinct spelling, whatever the township: a province's 100,000
        projects share a few thousand names, and its million-row files ~80,000 spellings spread over
        ~350,000 (township, name) pairs."""
        forms = self._names.get(name)
        if forms is None:
            forms = self._names[name] = name_forms(name)
        return forms

    def _match(self, township_id: int, forms: Forms, address: str) -> MatchResult:
        index = self._townships.get(township_id, _EMPTY)
        return (
            _by_address(index, address)
            or self._name_only(township_id, index, forms, _by_name_containment)
            or _by_address_containment(index, address)
            or self._name_only(township_id, index, forms, self._by_similar)
            or UNMATCHED
        )

    def _name_only(self, township_id: int, index: "_TownshipIndex", forms: Forms, find) -> MatchResult | None:
        """What the name alone says, worked out once per (township, name) however many
        addresses it comes with."""
        key = (township_id, forms, find.__name__)
        if key not in self._by_name:
            self._by_name[key] = find(index, forms)
        return self._by_name[key]

    def _by_similar(self, index: "_TownshipIndex", forms: Forms) -> MatchResult | None:
        """Fuzzy spelling, then the same name elsewhere: a person's decision either way."""
        return _by_fuzzy(index, forms[-1]) or self._elsewhere(forms[-1])

    def _elsewhere(self, name: str) -> MatchResult | None:
        """The same name in another township: possible (callers misname the township), never sure."""
        found = self._anywhere.get(name) if len(name) >= MIN_NAME else None
        if not found:
            return None
        return MatchResult("review", candidates=tuple((pid, 0.5, "other_township") for pid in sorted(found)))


def _decide(found: set[int], method: str, score: float) -> MatchResult:
    """One project → confident; several → a person chooses among them."""
    if len(found) == 1:
        return MatchResult("matched", next(iter(found)), method, score)
    return MatchResult("review", candidates=tuple((pid, score, method) for pid in sorted(found)))


# SPEC.md: "The name as written wins over any shortened form: 阳光花园 and 阳光家园 are often two
# projects of one township, and each complaint naming one exactly belongs to it."
def _by_name(index: _TownshipIndex, forms: Forms) -> MatchResult | None:
    """The name (or an alias) as written first; then the caller's forms from the most specific
    down, each against every form of the township's names. The first form any project answers to
    decides: one project settles it, several (a shortened form that merges 阳光花园 and 阳光家园
    into 阳光) go to a person."""
    found = index.written.get(forms[0])
    if found:
        return _decide(found, "exact", 1.0)
    for form in forms:
        if found := index.forms.get(form):
            return _decide(found, "stem", 0.95)
    return None


def _by_address(index: _TownshipIndex, address: str) -> MatchResult | None:
    found = index.addresses.get(address)
    return _decide(found, "address", 0.95) if found else None


def _by_name_containment(index: _TownshipIndex, forms: Forms) -> MatchResult | None:
    """A name that holds, or sits inside, a project name (阳光花园3号楼 ⊃ 阳光花园, 阳光 ⊂ 阳光2期).
    Names as written are tried before the shortened ones, so 阳光花园3号楼 is 阳光花园's even when
    阳光家园 (also 阳光 when shortened) is next door."""
    written, name = forms[0], forms[-1]
    found = {
        pid: written.startswith(s) or len(s) >= 3
        for s, pids in index.written.items()
        if s in written
        for pid in pids
    }
    if not found and len(name) >= MIN_NAME:
        for spelling, pids in index.stems.items():
            if spelling in name or name in spelling:
                short = min(spelling, name, key=len)
                strong = name.startswith(spelling) or spelling.startswith(name) or len(short) >= 3
                for pid in pids:
                    found[pid] = found.get(pid, False) or strong
    return _contained(found)


def _by_address_containment(index: _TownshipIndex, address: str) -> MatchResult | None:
    """An address that holds a project name, as written before shortened."""
    found: dict[int, bool] = {}
    if len(address) >= MIN_NAME:
        for names in (index.written, index.stems):
            found = {pid: True for s, pids in names.items() if len(s) >= 3 and s in address for pid in pids}
            if found:
                break
    return _contained(found)


def _contained(found: dict[int, bool]) -> MatchResult | None:
    """found: project → is the overlap strong enough to apply without a person."""
    if not found:
        return None
    if len(found) == 1 and all(found.values()):
        return _decide(set(found), "contains", 0.9)
    return MatchResult("review", candidates=tuple((pid, 0.8, "contains") for pid in sorted(found)))


def _by_fuzzy(index: _TownshipIndex, name: str, limit: int = 5) -> MatchResult | None:
    """Only a similar spelling: always a person's decision, best candidates first."""
    if len(name) < MIN_NAME:
        return None
    best: dict[int, float] = {}
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(name)
    for spelling, pids in index.stems.items():
        matcher.set_seq1(spelling)
        if matcher.real_quick_ratio() < FUZZY_REVIEW or matcher.quick_ratio() < FUZZY_REVIEW:
            continue
        ratio = matcher.ratio()
        for pid in pids:
            if ratio >= FUZZY_REVIEW and ratio > best.get(pid, 0):
                best[pid] = ratio
    if not best:
        return None
    ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return MatchResult("review", candidates=tuple((pid, round(score, 3), "fuzzy") for pid, score in ranked))
