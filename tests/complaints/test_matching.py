"""Matching the caller's words to projects: messy spellings, addresses, aliases and the review queue."""

import pytest

from complaints.matching import Matcher, normalise_address, normalise_name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("阳光花园", "阳光"),
        ("阳光花园小区", "阳光"),
        ("ＡＢＣ　花园", "abc"),  # full-width letters and space
        ("锦绣苑 小区", "锦绣"),
        ("东湖家园（二期）", "东湖2期"),
        ("东湖家园2期", "东湖2期"),
        ("翠湖Ｂ区", "翠湖b区"),
        ("花园", "花园"),  # never stripped to nothing
    ],
)
def test_names_normalise_to_what_callers_agree_on(raw, expected):
    assert normalise_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("建设路18号3号楼2单元301室", "建设路18号"),
        ("建设路１８号　５幢", "建设路18号"),
        ("建设路18号 三号楼", "建设路18号"),
        ("建设路18号2-1-301", "建设路18号"),
        ("阳光花园3栋", "阳光花园"),
    ],
)
def test_addresses_lose_building_unit_and_room(raw, expected):
    assert normalise_address(raw) == expected


@pytest.fixture
def matcher() -> Matcher:
    return Matcher(
        [
            (1, 10, "阳光花园", "建设路18号", []),
            (2, 10, "东湖家园", "", ["东湖小区", "湖畔人家"]),
            (3, 10, "翠湖一期", "", []),
            (4, 10, "翠湖二期", "", []),
            (5, 20, "锦绣苑", "", []),
            (6, 10, "金色港湾", "", []),
        ]
    )


@pytest.mark.parametrize(
    ("name", "address", "state", "project", "method"),
    [
        ("阳光花园小区", "", "matched", 1, "exact"),
        ("ＹＡＮＧ", "", "unmatched", None, ""),
        ("湖畔人家", "", "matched", 2, "exact"),  # an alias
        ("翠湖2期", "", "matched", 4, "exact"),  # 二期 == 2期
        ("", "建设路18号3号楼2单元301", "matched", 1, "address"),  # building number stripped
        ("阳光花园3号楼", "", "matched", 1, "contains"),
        ("金色港湾东门", "", "matched", 6, "contains"),
    ],
)
def test_confident_matches_are_applied(matcher, name, address, state, project, method):
    result = matcher.match(10, name, address)
    assert (result.state, result.project_id, result.method) == (state, project, method)


def test_two_candidates_go_to_review_with_both(matcher):
    result = matcher.match(10, "翠湖")
    assert result.state == "review" and result.project_id is None
    assert [c[0] for c in result.candidates] == [3, 4]


def test_a_similar_spelling_only_goes_to_review(matcher):
    result = matcher.match(10, "金色巷湾")
    assert result.state == "review" and result.candidates[0][0] == 6 and result.candidates[0][2] == "fuzzy"


def test_a_name_known_only_in_another_township_is_never_applied(matcher):
    result = matcher.match(10, "锦绣苑")
    assert result.state == "review" and result.candidates == ((5, 0.5, "other_township"),)


def test_repeated_spellings_are_matched_once(matcher, monkeypatch):
    calls = []
    original = matcher._match
    monkeypatch.setattr(matcher, "_match", lambda *key: calls.append(key) or original(*key))
    first = matcher.match(10, "金色巷湾", "人民路1号1号楼")
    assert matcher.match(10, " 金色巷湾 ", "人民路1号2号楼301") is first
    assert len(calls) == 1
