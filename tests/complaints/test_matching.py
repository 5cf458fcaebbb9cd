"""Matching the caller's words to projects: messy spellings, addresses, aliases and the review queue."""

import pytest

from complaints.matching import Matcher, name_forms, normalise_address, normalise_name


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
        ("阳光花园小区", "", "matched", 1, "stem"),  # 小区 dropped; no other 阳光花园
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


# SPEC.md: "The name as written wins over any shortened form: 阳光花园 and 阳光家园 are often two
# projects of one township, and each complaint naming one exactly belongs to it." Issue 16: "a stripped
# form may settle a complaint only when it does not merge two projects of the township."
@pytest.fixture
def twins() -> Matcher:
    return Matcher(
        [
            (11, 10, "阳光花园", "", []),
            (12, 10, "阳光家园", "", []),
            (13, 10, "幸福小区", "", []),
            (14, 10, "幸福苑", "", ["幸福苑东区"]),
            (15, 10, "锦绣华庭一期", "", []),
            (16, 10, "锦绣华府二期", "", []),
            (17, 10, "东湖花园", "", ["湖畔人家"]),
            (18, 10, "东湖家园", "", ["湖畔人家小区"]),
            (19, 10, "金色港湾", "", []),
            (20, 10, "紫荆园小区", "", []),
        ]
    )


@pytest.mark.parametrize(
    ("name", "state", "project", "method"),
    [
        ("阳光花园", "matched", 11, "exact"),
        ("阳光家园", "matched", 12, "exact"),
        ("阳光花园 ", "matched", 11, "exact"),  # spaces
        ("县城阳光花园", "matched", 11, "contains"),  # a place before the name as written
        ("阳光花园小区", "matched", 11, "stem"),  # one generic word dropped: still only 阳光花园
        ("阳光家园（小区）", "matched", 12, "stem"),
        ("幸福小区", "matched", 13, "exact"),
        ("幸福苑", "matched", 14, "exact"),
        ("幸福苑小区", "matched", 14, "stem"),
        ("幸福苑东区", "matched", 14, "exact"),  # an alias as written
        ("锦绣华庭1期", "matched", 15, "exact"),  # 一期 == 1期
        ("锦绣华府（二期）", "matched", 16, "exact"),
        ("湖畔人家", "matched", 17, "exact"),  # aliases are twins too
        ("湖畔人家小区", "matched", 18, "exact"),
        ("阳光花园3号楼", "matched", 11, "contains"),  # as written, plus a building
        ("阳光家园东门", "matched", 12, "contains"),
        ("紫荆园", "matched", 20, "stem"),  # a unique shortened form still matches
        ("紫荆", "matched", 20, "stem"),
        ("金色港湾小区", "matched", 19, "stem"),
        # Shortened forms that merge two projects of the township: a person decides.
        ("阳光", "review", None, ""),
        ("阳光小区", "review", None, ""),
        ("幸福", "review", None, ""),
        ("幸福家园", "review", None, ""),
        ("东湖", "review", None, ""),
    ],
)
def test_suffix_twins_and_phases_are_each_matched_to_themselves(twins, name, state, project, method):
    result = twins.match(10, name)
    assert (result.state, result.project_id, result.method) == (state, project, method)
    if state == "review":
        assert len(result.candidates) >= 2


@pytest.mark.parametrize(
    ("name", "candidates"),
    [("阳光", [11, 12]), ("阳光小区", [11, 12]), ("幸福", [13, 14]), ("东湖", [17, 18])],
)
def test_an_ambiguous_shortened_form_offers_both_twins(twins, name, candidates):
    assert [c[0] for c in twins.match(10, name).candidates] == candidates


def test_twins_in_different_townships_do_not_disturb_each_other():
    matcher = Matcher([(1, 10, "阳光花园", "", []), (2, 20, "阳光家园", "", [])])
    assert matcher.match(10, "阳光小区").project_id == 1
    assert matcher.match(20, "阳光小区").project_id == 2


def test_the_name_as_written_beats_another_projects_shortened_form():
    matcher = Matcher([(1, 10, "幸福苑", "", []), (2, 10, "幸福苑小区", "", [])])
    assert matcher.match(10, "幸福苑").project_id == 1
    assert matcher.match(10, "幸福苑小区").project_id == 2
    assert matcher.match(10, "幸福").state == "review"


def test_a_shortened_form_is_not_settled_by_a_third_name():
    # 阳光花园 drops to 阳光, a project of that name — but 阳光家园 drops to 阳光 too.
    matcher = Matcher([(1, 10, "阳光", "", []), (2, 10, "阳光家园", "", [])])
    result = matcher.match(10, "阳光花园")
    assert result.state == "review" and [c[0] for c in result.candidates] == [1, 2]


def test_each_spelling_is_normalised_once_whatever_the_township(monkeypatch):
    import complaints.matching as matching

    calls = []
    original = matching.name_forms
    monkeypatch.setattr(matching, "name_forms", lambda name: calls.append(name) or original(name))
    matcher = Matcher([(1, 10, "阳光花园", "", []), (2, 20, "阳光花园", "", [])])
    for township in (10, 20, 30, 10):
        matcher.match(township, "阳光花园小区")
    assert calls == ["阳光花园", "阳光花园小区"]


@pytest.mark.parametrize(
    ("raw", "forms"),
    [
        ("阳光花园小区（二期）", ("阳光花园小区2期", "阳光花园2期", "阳光2期")),
        ("阳光花园第2期", ("阳光花园第2期", "阳光花园2期", "阳光2期")),
        ("幸福苑", ("幸福苑", "幸福")),
        ("花园", ("花园",)),
    ],
)
def test_forms_run_from_as_written_to_shortest(raw, forms):
    assert name_forms(raw) == forms
