"""The daily overdue scan and the 3-day deadline reminders."""

from datetime import date, timedelta

import pytest

from campaigns.preset_loader import load_preset
from ledgers import workflow
from ledgers.reminders import KIND_DUE_SOON, KIND_OVERDUE, send_reminders
from ledgers.tasks import daily_reminders
from orgs.models import Notification

TODAY = date(2030, 3, 10)


@pytest.fixture
def ys(county):
    return load_preset("yishui-2024", jurisdiction=county.pk, new_slug="ys").campaign


def due(campaign, project, days: int, problem: str = "楼道堆物"):
    return workflow.create_item(
        user=None, campaign=campaign, project=project, problem=problem, deadline=TODAY + timedelta(days=days)
    )


def inbox(user, kind=None):
    rows = Notification.objects.filter(user=user)
    return list(rows.filter(kind=kind) if kind else rows)


@pytest.mark.parametrize(("days", "reminded"), [(4, False), (3, True), (1, True), (0, True)])
def test_the_company_is_reminded_from_three_days_before_the_deadline(
    ys, project_a, company_x, days, reminded
):
    due(ys, project_a, days)

    send_reminders(TODAY)

    assert len(inbox(company_x, KIND_DUE_SOON)) == (1 if reminded else 0)


def test_the_reminder_says_when_and_links_the_item(ys, project_a, company_x):
    item = due(ys, project_a, 3)

    send_reminders(TODAY)

    note = inbox(company_x)[0]
    assert note.title == f"3 天后到期：{item.reference} 阳光花园"
    assert note.url == f"/ledgers/{item.pk}/"
    assert "2030年3月13日" in note.body


def test_an_overdue_item_tells_the_company_and_the_township_but_not_other_townships(
    ys, project_a, company_x, company_y, township_a, township_b
):
    due(ys, project_a, -1)

    run = send_reminders(TODAY)

    assert run.overdue == 1
    assert inbox(company_x, KIND_OVERDUE)[0].title.startswith("已逾期 1 天")
    assert len(inbox(township_a, KIND_OVERDUE)) == 1
    assert inbox(township_b) == [] and inbox(company_y) == []


def test_closed_and_undated_items_are_not_reminded(ys, project_a, company_x, township_a):
    done = due(ys, project_a, -2)
    workflow.submit(done, township_a)
    workflow.accept(done, township_a)
    workflow.create_item(user=None, campaign=ys, project=project_a, problem="未定时限")

    assert send_reminders(TODAY).notifications == 0


def test_a_second_run_on_the_same_day_adds_nothing_and_the_next_day_reminds_again(
    ys, project_a, company_x, township_a, monkeypatch
):
    due(ys, project_a, -1)
    due(ys, project_a, 2)
    first = send_reminders(TODAY)

    second = send_reminders(TODAY)

    assert first.notifications == 3  # overdue → company + township; due soon → company
    assert second.notifications == 0
    assert Notification.objects.count() == 3
    tomorrow = Notification.objects.all()
    tomorrow.update(created_at=tomorrow.first().created_at - timedelta(days=1))
    assert send_reminders(TODAY).notifications == 3


def test_the_daily_task_runs_the_scan(ys, project_a, company_x, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    due(ys, project_a, 3)

    assert daily_reminders.delay().get() == {"due_soon": 1, "overdue": 0, "notifications": 1}
