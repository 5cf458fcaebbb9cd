"""The seed 000 rules as tables: streak actions, township year-on-year, the yearly target.

The ranking with its ties and the streaks it counts are SQL (monthly.RANKING_SQL), tested against
the database in test_monthly.py.
"""

import math

import pytest

from complaints import rules


@pytest.mark.parametrize(
    ("streaks", "expected_actions"),
    [
        ([1], [[]]),
        ([1, 2], [[], ["replace_manager"]]),
        ([1, 2, 3], [[], ["replace_manager"], ["replace_company"]]),
        # a streak of 4 proposes nothing new in month 4
        ([1, 2, 3, 4], [[], ["replace_manager"], ["replace_company"], []]),
        # broken, then restarted: the new streak reaches 2 again and proposes again
        ([1, 2, 0, 1, 2], [[], ["replace_manager"], [], [], ["replace_manager"]]),
        ([0, 0], [[], []]),
    ],
)
def test_streaks_propose_each_action_once_when_they_reach_the_threshold(streaks, expected_actions):
    assert [rules.streak_actions(streak, 2, 3) for streak in streaks] == expected_actions


def test_one_threshold_for_both_actions_proposes_both_in_the_same_month():
    assert rules.streak_actions(2, 2, 2) == ["replace_manager", "replace_company"]


def _yoy(figures, previous=None, measure="absolute"):
    result = rules.township_yoy(
        [rules.TownshipFigures(*f) for f in figures],
        previous or {},
        measure,
        commitment_months=2,
        talk_months=3,
    )
    return {r.township_id: r for r in result}


def test_a_township_above_last_year_gets_a_work_reminder_and_an_equal_one_does_not():
    result = _yoy([(1, 12, 10), (2, 10, 10), (3, 5, 9)])
    assert result[1].actions == ("work_reminder",) and result[1].is_up
    assert result[2].actions == () and not result[2].is_up
    assert result[3].actions == () and result[3].rise == -4


def test_a_township_with_no_complaints_last_year_has_risen_without_a_percentage():
    result = _yoy([(1, 3, 0), (2, 0, 0)])
    assert result[1].is_up and result[1].rise == 3 and result[1].rise_percent is None
    assert "work_reminder" in result[1].actions
    assert not result[2].is_up  # nothing then, nothing now: no rise


def test_by_percentage_a_rise_from_zero_outranks_any_finite_rise():
    result = _yoy([(1, 2, 0), (2, 100, 10)], measure="percent")
    assert result[1].is_highest and not result[2].is_highest
    by_count = _yoy([(1, 2, 0), (2, 100, 10)])
    assert by_count[2].is_highest and not by_count[1].is_highest


def test_townships_tied_on_the_highest_rise_are_all_highest():
    result = _yoy([(1, 15, 10), (2, 8, 3), (3, 4, 2)])
    assert result[1].is_highest and result[2].is_highest and not result[3].is_highest


def test_a_township_that_fell_is_never_highest_even_when_every_township_fell():
    result = _yoy([(1, 5, 10), (2, 1, 10)])
    assert not any(r.is_highest for r in result.values())


@pytest.mark.parametrize(
    ("previous", "expected_actions"),
    [
        ((0, 0), ("work_reminder",)),  # 1st month highest
        ((1, 1), ("work_reminder", "public_commitment")),  # 2nd consecutive month highest
        ((2, 2), ("work_reminder", "concentrated_talk")),  # 3rd: talk; commitment already proposed
        ((3, 3), ("work_reminder",)),  # 4th: nothing new
    ],
)
def test_consecutive_months_of_highest_rise_and_of_rise_propose_commitment_then_talk(
    previous, expected_actions
):
    result = _yoy([(1, 20, 10), (2, 11, 10)], previous={1: previous})
    assert result[1].actions == expected_actions
    assert result[1].up_streak == previous[0] + 1 and result[1].highest_streak == previous[1] + 1


def test_a_rise_that_is_not_the_highest_still_counts_toward_the_talk():
    result = _yoy([(1, 20, 10), (2, 11, 10)], previous={2: (2, 0)})
    assert result[2].up_streak == 3 and result[2].highest_streak == 0
    assert result[2].actions == ("work_reminder", "concentrated_talk")


@pytest.mark.parametrize(
    ("ytd", "last", "change", "on_track"),
    [(70, 100, -30.0, True), (71, 100, -29.0, False), (120, 100, 20.0, False), (5, 0, None, None)],
)
def test_the_yearly_target_is_met_at_exactly_minus_thirty_percent(ytd, last, change, on_track):
    progress = rules.target_progress(ytd, last, 30)
    assert progress.change_percent == change and progress.on_track is on_track


def test_month_bounds_are_in_shanghai_time_and_months_shift_across_years():
    start, end = rules.month_bounds("2024-12")
    assert (start.isoformat(), end.isoformat()) == ("2024-12-01T00:00:00+08:00", "2025-01-01T00:00:00+08:00")
    assert rules.shift_month("2024-01", -1) == "2023-12" and rules.shift_month("2024-03", -12) == "2023-03"
    assert rules.last_day("2024-02").day == 29
    with pytest.raises(ValueError, match="YYYY-MM"):
        rules.parse_month("2024/07")
    assert math.isinf(rules._rise_key(rules.TownshipFigures(1, 1, 0), "percent"))
