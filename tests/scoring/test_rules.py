"""The assessment rules, table-driven: edges of every share, tie and threshold."""

from decimal import Decimal as D

import pytest

from scoring import rules

WEIGHTS = {"satisfaction": 50, "inspection": 20, "complaints": 15, "timeliness": 15}


@pytest.mark.parametrize(
    ("black", "served", "expected"),
    [
        (1, 3, True),  # exactly one third: 以上 includes the number itself
        (3, 10, False),  # just under one third
        (4, 12, True),  # exactly one third again
        (3, 9, True),
        (4, 13, False),
        (1, 1, True),  # a company with one project, black-listed
        (0, 1, False),  # a company with one project, not black-listed
    ],
)
def test_company_blacklist_at_one_third(black, served, expected):
    projects = list(range(served))
    result = rules.company_blacklist({7: projects}, projects[:black], 1, 3)
    assert bool(result) is expected
    if expected:
        assert result[0].black_projects == black and result[0].served_projects == served


def test_company_blacklist_uses_the_campaign_share():
    assert rules.company_blacklist({1: [1, 2]}, [1], 1, 2)
    assert not rules.company_blacklist({1: [1, 2, 3]}, [1], 1, 2)


@pytest.mark.parametrize(
    ("times", "expected"),
    [
        (1, ("replace_manager", "media_exposure")),
        (2, ("replace_manager", "media_exposure", "replace_company")),
        (3, ("replace_manager", "media_exposure", "replace_company")),
    ],
)
def test_second_black_listing_starts_replacing_the_company(times, expected):
    assert rules.blacklist_consequences(times, 2) == expected


@pytest.mark.parametrize(("companies", "quota"), [(19, 0), (20, 1), (28, 1), (39, 1), (40, 2), (0, 0)])
def test_excellent_quota_is_floor_of_five_percent(companies, quota):
    assert rules.excellent_quota(companies, 5) == quota


@pytest.mark.parametrize(("companies", "excellent"), [(19, 0), (20, 1), (28, 1)])
def test_at_most_five_percent_of_companies_are_excellent(companies, excellent):
    scores = {c: D(50 + c) for c in range(companies)}
    chosen = rules.excellent_companies(scores, 5)
    assert len(chosen) == excellent
    if excellent:
        assert chosen == {companies - 1}  # the best one


def test_companies_tied_at_the_excellent_edge_are_not_rated_excellent():
    scores = {c: D(60) for c in range(20)}
    scores[0] = D(90)
    scores[1] = D(90)
    assert rules.excellent_companies(scores, 5) == set()


def test_blacklisted_company_is_never_excellent():
    scores = {c: D(60) for c in range(20)}
    scores[5] = D(99)
    scores[6] = D(98)
    assert rules.excellent_companies(scores, 5, excluded={5}) == {6}


def test_project_missing_an_input_is_scored_on_the_others_and_marked():
    full = rules.score_project(
        rules.ProjectInputs(1, D(80), D(60), households=100, complaints=2, items_due=4, items_on_time=3),
        WEIGHTS,
    )
    # 80×50 + 60×20 + (100−10×2)×15 + 75×15 = 4000+1200+1200+1125 = 7525 / 100
    assert full.score == D("75.25") and full.missing == ()
    no_survey = rules.score_project(
        rules.ProjectInputs(2, None, D(60), households=100, complaints=2, items_due=4, items_on_time=3),
        WEIGHTS,
    )
    # (1200+1200+1125)/50 = 70.5: the remaining weights renormalised to 100
    assert no_survey.score == D("70.50")
    assert no_survey.missing == ("satisfaction",)


def test_project_with_no_items_due_and_no_households_misses_both():
    scored = rules.score_project(rules.ProjectInputs(1, D(90), D(70)), WEIGHTS)
    assert scored.missing == ("complaints", "timeliness")
    assert scored.score == D("84.29")  # (4500+1400)/70


def test_project_with_no_input_gets_no_score():
    assert rules.score_project(rules.ProjectInputs(1), WEIGHTS).score is None


def test_complaints_score_floors_at_zero():
    scored = rules.score_project(rules.ProjectInputs(1, households=10, complaints=5), {"complaints": 1})
    assert scored.complaints_per_100 == D("50.00") and scored.score == D("0.00")


SCORES = {1: D(90), 2: D(80), 3: D(80), 4: D(70), 5: D(60), 6: D(50), 7: D(50), 8: D(40)}


@pytest.mark.parametrize(
    ("rule", "red", "black"),
    [
        ({"mode": "size", "red": 1, "black": 1}, (1,), (8,)),
        # ties at the edge are all in
        ({"mode": "size", "red": 2, "black": 2}, (1, 2, 3), (6, 7, 8)),
        ({"mode": "size", "red": 3, "black": 3}, (1, 2, 3), (6, 7, 8)),
        ({"mode": "share", "red": 25, "black": 25}, (1, 2, 3), (6, 7, 8)),  # 25% of 8 = 2
        ({"mode": "share", "red": 10, "black": 10}, (), ()),  # 10% of 8 rounds down to 0
        ({"mode": "threshold", "red_min": 80, "black_max": 50}, (1, 2, 3), (6, 7, 8)),
        ({"mode": "threshold", "red_min": 85, "black_max": 45}, (1,), (8,)),
    ],
)
def test_red_and_black_lists(rule, red, black):
    lists = rules.red_black_lists(SCORES, rule)
    assert lists.red == red
    assert lists.black == black


def test_a_project_is_never_on_both_lists():
    lists = rules.red_black_lists({1: D(90), 2: D(50)}, {"mode": "size", "red": 2, "black": 2})
    assert lists.black == (1, 2) and lists.red == ()


def test_ranks_share_places_on_ties():
    assert rules.competition_ranks({1: D(9), 2: D(8), 3: D(8), 4: D(7)}) == {1: 1, 2: 2, 3: 2, 4: 4}


THRESHOLDS = {"AAA": 90, "AA": 80, "A": 70, "B": 60}


@pytest.mark.parametrize(
    ("score", "level"),
    [
        ("90.00", "AAA"),
        ("89.99", "AA"),
        ("80.00", "AA"),
        ("79.99", "A"),
        ("70.00", "A"),
        ("60.00", "B"),
        ("59.99", "C"),
        ("100", "AAA"),
    ],
)
def test_credit_levels_at_the_thresholds(score, level):
    assert rules.credit_level(D(score), THRESHOLDS, blacklisted=False, excellent=False) == level


def test_blacklisted_company_is_rated_c_whatever_its_score():
    assert rules.credit_level(D(95), THRESHOLDS, blacklisted=True, excellent=True) == "C"


@pytest.mark.parametrize(("score", "level"), [("85", "AAA"), ("95", "AAA"), ("50", "B")])
def test_excellent_assessment_lifts_the_next_rating_one_level(score, level):
    assert rules.credit_level(D(score), THRESHOLDS, blacklisted=False, excellent=True) == level


@pytest.mark.parametrize(
    ("last_now", "last_before", "kind"),
    [
        (True, False, "statement_government"),
        (True, True, "statement_party_committee"),
        (False, True, None),
        (False, False, None),
    ],
)
def test_township_last_in_one_quarter_or_two(last_now, last_before, kind):
    assert rules.statement_kind(last_now, last_before) == kind


def test_every_unit_tied_at_the_bottom_is_last():
    units = [
        rules.UnitResult(("township", 1), D(80), None, None),
        rules.UnitResult(("township", 2), D(60), None, None),
        rules.UnitResult(("township", 3), D(60), None, None),
    ]
    ranked = {u.key[1]: u for u in rules.rank_units(units)}
    assert [ranked[i].is_last for i in (1, 2, 3)] == [False, True, True]
    assert ranked[2].rank == ranked[3].rank == 2


def test_a_single_unit_is_not_last():
    assert not rules.rank_units([rules.UnitResult(("township", 1), D(10), None, None)])[0].is_last


@pytest.mark.parametrize(
    ("now", "before", "score"),
    [(10, 10, "50.00"), (0, 10, "100.00"), (20, 10, "0.00"), (5, 10, "75.00"), (3, 0, "0.00")],
)
def test_complaint_trend_against_the_same_quarter_last_year(now, before, score):
    assert rules.complaint_trend_score(now, before) == D(score)


@pytest.mark.parametrize(
    ("black", "pq", "threshold", "expected"),
    [(True, 0, 3, True), (False, 3, 3, True), (False, 2, 3, False), (False, 5, 0, False)],
)
def test_fee_reduction(black, pq, threshold, expected):
    assert rules.needs_fee_reduction(black, pq, threshold) is expected


def test_a_project_counts_for_the_company_serving_it_most_days():
    assert rules.attribute_projects([(1, 10, 30), (1, 20, 62)]) == {1: 20}
    assert rules.attribute_projects([(1, 10, 46), (1, 20, 46)]) == {1: 20}


def test_lists_on_hundredths_match_lists_on_points():
    rule = {"mode": "threshold", "red_min": 80, "black_max": 50}
    cents = {pid: int(score * 100) for pid, score in SCORES.items()}
    on_cents, on_points = rules.red_black_lists(cents, rule, unit=100), rules.red_black_lists(SCORES, rule)
    assert (on_cents.red, on_cents.black) == (on_points.red, on_points.black)


@pytest.mark.parametrize(("cents", "text"), [(9250, "92.50"), (5, "0.05"), (10000, "100.00"), (None, None)])
def test_cents_text(cents, text):
    assert rules.cents_text(cents) == text
