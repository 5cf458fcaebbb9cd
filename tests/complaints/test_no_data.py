"""No data is not zero: a county whose 12345 data starts mid-year (issue 16).

Seed 000 §三(六): "对每月投诉量同比上升的乡镇（街道），进行工作提醒；对连续 2 个月同比上升最高的乡镇（街道），
乡镇（街道）党（工）委书记在县电视台公开承诺；对连续 3 个月同比上升的镇街，由县专班组织集中谈话。"
"同比" needs the same month last year: a month for which the jurisdiction imported nothing has no figure
(无同比数据), triggers nothing, and no streak runs through it.
"""

from datetime import date

import pytest
from django.urls import reverse

from campaigns.models import Action
from complaints import rules
from complaints.models import TownshipMonth
from complaints.monthly import compute_month

from .test_monthly import add_complaints

YEAR = [f"2024-{m:02d}" for m in range(1, 13)]


def _periods(campaign, kind: str) -> list[str]:
    return sorted(Action.objects.filter(campaign=campaign, kind=kind).values_list("period", flat=True))


@pytest.mark.parametrize(
    ("data_since", "last_year_months", "compared", "commitments", "talks"),
    [
        # Imports start in July 2023: the first half of 2024 has nothing to compare with. The rise
        # from July is real: reminders every month, the commitment in its 2nd month, the talk in its 3rd.
        (None, range(7, 13), YEAR[6:], ["2024-08"], ["2024-09"]),
        # The campaign says its data starts in September 2023: the stray July/August rows before it
        # are not a year's data, so the streak starts in September 2024.
        (date(2023, 9, 1), range(7, 13), YEAR[8:], ["2024-10"], ["2024-11"]),
        # A month the county never imported (October 2023) breaks the streak; it starts again after.
        (None, (7, 8, 9, 11, 12), ["2024-07", "2024-08", "2024-09", "2024-11", "2024-12"],
         ["2024-08", "2024-12"], ["2024-09"]),
    ],
)  # fmt: skip
def test_a_county_whose_data_starts_mid_year_compares_only_months_that_have_data(
    campaign, projects, data_since, last_year_months, compared, commitments, talks
):
    campaign.complaint_data_since = data_since
    campaign.save()
    a = projects["a"]
    for m in last_year_months:
        add_complaints(a, f"2023-{m:02d}", 2)
    for month in YEAR:
        add_complaints(a, month, 4)  # every month of 2024 above last year's, where there is one
    compute_month(campaign, "2024-12")
    rows = {t.month: t for t in TownshipMonth.objects.filter(township=a.township)}
    streak = 0
    for month in YEAR:
        row = rows[month]
        streak = streak + 1 if month in compared else 0
        if month in compared:
            assert (row.last_year_count, row.rise, row.is_up) == (2, 2, True), month
        else:
            assert (row.last_year_count, row.rise, row.is_up, row.is_highest) == (None, None, False, False), (
                month
            )
        assert (row.up_streak, row.highest_streak) == (streak, streak), month
    assert _periods(campaign, "work_reminder") == compared
    assert _periods(campaign, "public_commitment") == commitments
    assert _periods(campaign, "concentrated_talk") == talks


def test_a_township_with_none_last_year_has_risen_when_the_jurisdiction_has_data(campaign, projects):
    add_complaints(projects["a"], "2023-07", 3)  # the county imported July 2023; 东城街道 had none
    add_complaints(projects["b"], "2024-07", 1)
    compute_month(campaign, "2024-07")
    east = TownshipMonth.objects.get(month="2024-07", township=projects["b"].township)
    assert (east.last_year_count, east.rise, east.is_up) == (0, 1, True)


def test_the_target_compares_only_the_months_that_have_last_years_data(campaign, projects):
    add_complaints(projects["a"], "2023-02", 10)
    for month in ("2024-01", "2024-02"):
        add_complaints(projects["a"], month, 7)
    run = compute_month(campaign, "2024-02")
    # January 2023 has no data: February alone is compared (7 against 10), the year counts 14.
    assert (run.ytd_count, run.ytd_last_year, run.ytd_change_percent, run.on_track) == (14, 10, -30.0, True)


@pytest.mark.parametrize(
    ("month", "total", "since", "expected"),
    [
        ("2023-06", 0, None, False),
        ("2023-07", 1, None, True),
        ("2023-07", 5, "2023-09", False),  # stray rows before the stated start are not a year's data
        ("2023-09", 0, "2023-09", True),  # from the stated start, an empty month is a real zero
    ],
)
def test_a_month_has_data_when_complaints_were_imported_or_the_campaign_says_so(
    month, total, since, expected
):
    assert rules.has_complaint_data(month, total, since) is expected


def test_without_last_years_figure_nobody_rises_and_streaks_stop():
    result = rules.township_yoy(
        [rules.TownshipFigures(1, 9, None), rules.TownshipFigures(2, 0, None)], {1: (2, 1)}
    )
    assert [(r.is_up, r.is_highest, r.up_streak, r.highest_streak, r.actions) for r in result] == [
        (False, False, 0, 0, ()),
        (False, False, 0, 0, ()),
    ]
    assert result[0].rise is None and result[0].rise_percent is None


def test_the_township_page_says_no_data_instead_of_a_rise(client_for, task_force, campaign, projects):
    add_complaints(projects["a"], "2024-07", 4)
    compute_month(campaign, "2024-07")
    response = client_for(task_force).get(
        reverse("complaints:township"),
        {"campaign": campaign.slug, "month": "2024-07", "township": projects["a"].township_id},
    )
    assert response.status_code == 200
    assert "无同比数据" in response.content.decode()
    chart = response.context["chart"]
    assert chart["last_year"][6] is None and chart["this_year"][6] == 4  # July: no bar, not a zero
