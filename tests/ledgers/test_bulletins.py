"""Bulletin figures against the hand-counted week of reporting_fixtures, and freezing at publication."""

import pytest

from ledgers import bulletins
from ledgers.models import Bulletin, LedgerItem
from ledgers.workflow import WorkflowError
from tests.ledgers.conftest import make_item, written_draft
from tests.ledgers.reporting_fixtures import WEEK, build_complaints, build_week, confirmed_action, sh

FIELDS = ("found", "closed", "closed_on_time", "overdue", "escalated", "total", "closed_total")


@pytest.fixture
def week(campaign, project_a, project_b, housing_bureau):
    items = build_week(campaign, project_a, project_b, housing_bureau)
    build_complaints(project_a, project_b)
    confirmed_action(campaign, project_a, sh(18))
    confirmed_action(campaign, project_a, sh(10), "2026-10")  # confirmed the week before: not this week's
    return items


def figures(campaign) -> dict:
    return bulletins.compute(campaign, bulletins.parse_period("weekly", WEEK))


def by_name(rows: list[dict]) -> dict[str, dict]:
    return {row["name"]: row for row in rows}


def test_week_is_monday_to_sunday_and_previous_week_precedes_it():
    period = bulletins.parse_period("weekly", WEEK)
    assert (period.start.isoformat(), period.end.isoformat()) == ("2026-11-16", "2026-11-22")
    assert period.previous().key == "2026-W46"
    assert bulletins.parse_period("monthly", "2026-02").end.day == 28


def test_township_figures_match_the_hand_count(week, campaign):
    towns = by_name(figures(campaign)["townships"])
    assert {k: towns["城关街道"][k] for k in FIELDS} == {
        "found": 3,
        "closed": 2,
        "closed_on_time": 1,
        "overdue": 2,
        "escalated": 1,
        "total": 6,
        "closed_total": 2,
    }
    assert {k: towns["东城街道"][k] for k in FIELDS} == {
        "found": 1,
        "closed": 1,
        "closed_on_time": 1,
        "overdue": 0,
        "escalated": 0,
        "total": 2,
        "closed_total": 1,
    }


def test_unit_figures_match_the_hand_count(week, campaign):
    units = by_name(figures(campaign)["units"])
    assert {k: units["县住建局"][k] for k in FIELDS[:5]} == {
        "found": 3,
        "closed": 2,
        "closed_on_time": 2,
        "overdue": 1,
        "escalated": 1,
    }


def test_complaints_compare_with_the_previous_week_at_the_midnight_boundary(week, campaign):
    result = figures(campaign)
    towns = by_name(result["townships"])
    assert towns["城关街道"]["complaints"] == {"now": 3, "before": 2, "change": 1, "percent": 50.0}
    assert towns["东城街道"]["complaints"]["change"] == -2
    assert result["complaints"] == {"now": 3, "before": 4, "change": -1, "percent": -25.0}


def test_townships_rank_by_closure_rate(week, campaign):
    ranked = figures(campaign)["townships"]
    assert [(t["name"], t["rank"], t["rate"]) for t in ranked] == [
        ("东城街道", 1, 50.0),
        ("城关街道", 2, 33.3),
    ]


def test_only_actions_confirmed_in_the_week_count(week, campaign):
    assert figures(campaign)["actions"] == [{"kind": "工作提醒", "confirmed": 1, "done": 0}]


def test_ties_on_rate_are_broken_by_fewer_overdue():
    rows = bulletins.Gathered(
        townships={1: "甲镇", 2: "乙镇", 3: "丙镇"},
        units={},
        by_township=[
            {"township_id": 1, **dict.fromkeys(FIELDS, 0), "total": 4, "closed_total": 2, "overdue": 2},
            {"township_id": 2, **dict.fromkeys(FIELDS, 0), "total": 2, "closed_total": 1, "overdue": 1},
        ],
        by_unit=[],
        complaints=[],
        top_projects=[],
        actions=[],
    )
    ranked = bulletins.build(rows, bulletins.parse_period("weekly", WEEK))["townships"]
    assert [(t["name"], t["rank"]) for t in ranked] == [("乙镇", 1), ("甲镇", 2), ("丙镇", None)]


def test_gathering_takes_a_fixed_number_of_queries(week, campaign, django_assert_max_num_queries):
    campaign.refresh_from_db()
    with django_assert_max_num_queries(8):
        figures(campaign)


def test_published_bulletin_keeps_its_figures_after_later_changes(week, campaign, project_a, task_force):
    period = bulletins.parse_period("weekly", WEEK)
    draft = written_draft(campaign, period, task_force)
    published = bulletins.publish(draft, task_force)
    frozen = published.snapshot
    assert published.number == 1
    LedgerItem.objects.filter(pk=week["a3"].pk).update(status="closed", closed_at=sh(20))
    make_item(project_a, campaign, problem="后补", created_at=sh(20))
    published.refresh_from_db()
    assert bulletins.figures_of(published) == frozen
    assert by_name(bulletins.figures_of(published)["townships"])["城关街道"]["found"] == 3
    assert by_name(bulletins.compute(campaign, period)["townships"])["城关街道"]["found"] == 4


def test_draft_recomputes_live(week, campaign, project_a, task_force):
    draft = bulletins.draft_for(campaign, bulletins.parse_period("weekly", WEEK), task_force)
    before = by_name(bulletins.figures_of(draft)["townships"])["城关街道"]["found"]
    make_item(project_a, campaign, problem="后补", created_at=sh(20))
    assert by_name(bulletins.figures_of(draft)["townships"])["城关街道"]["found"] == before + 1


def test_published_bulletin_refuses_edits_and_second_publication(campaign, task_force):
    draft = written_draft(campaign, bulletins.parse_period("monthly", "2026-11"), task_force)
    bulletins.publish(draft, task_force)
    draft.refresh_from_db()
    with pytest.raises(WorkflowError):
        bulletins.edit(draft, task_force, "x", "y", "z")
    with pytest.raises(WorkflowError):
        bulletins.publish(draft, task_force)


def test_township_officer_cannot_draft_or_publish(campaign, township_a, task_force):
    period = bulletins.parse_period("weekly", WEEK)
    with pytest.raises(WorkflowError):
        bulletins.draft_for(campaign, period, township_a)
    draft = bulletins.draft_for(campaign, period, task_force)
    with pytest.raises(WorkflowError):
        bulletins.publish(draft, township_a)
    assert Bulletin.objects.get(pk=draft.pk).status == "draft"


def test_monthly_bulletin_states_each_townships_report(campaign, township_a, task_force, township_b_region):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from ledgers import monthly_reports
    from ledgers.models import MonthlyReport

    values = {f["key"]: "1" for f in monthly_reports.indicators_of(campaign)}
    report = monthly_reports.submit(campaign, township_a, "2026-10", values, "")
    late = datetime(2026, 10, 21, 0, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    MonthlyReport.objects.filter(pk=report.pk).update(first_submitted_at=late)
    towns = by_name(bulletins.compute(campaign, bulletins.parse_period("monthly", "2026-10"))["townships"])
    assert (towns["城关街道"]["report"], towns["东城街道"]["report"]) == ("逾期报送", "逾期未报")
    assert by_name(figures(campaign)["townships"])["城关街道"]["report"] is None  # a weekly dispatch has none
