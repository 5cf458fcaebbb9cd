"""Each ledger notice reaches the people who must act, and nobody in another township or company."""

from datetime import date, timedelta

import pytest

from ledgers import monthly_reports, orders, workflow
from ledgers.reminders import send_reminders
from orgs.models import Notification

from .conftest import make_item

Kind = Notification.Kind
SOON = date.today() + timedelta(days=15)


def told(kind) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))


@pytest.fixture
def everyone(task_force, township_a, township_b, department, company_x, company_y):
    """alice (task force), bob (township A), charlie (township B), dora (housing bureau), xavier, yvonne."""


@pytest.fixture
def item(project_a, campaign, category, housing_bureau):
    return make_item(project_a, campaign, category, responsible_unit=housing_bureau, problem="消防通道被占用")


def test_an_order_reaches_only_the_staff_of_the_company_it_is_addressed_to(
    everyone, township_a, item, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        orders.issue(user=township_a, items=[item], deadline=SOON, body="请整改")
    assert told(Kind.ORDER) == {"xavier"}


def test_a_returned_order_item_reaches_the_company_and_the_responsible_unit(
    everyone, township_a, company_x, item, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = orders.issue(user=township_a, items=[item], deadline=SOON, body="请整改")
        (line,) = order.responses.all()
        orders.answer(line, company_x, measures="已清理通道")
        orders.decide(line, township_a, accepted=False, reason="仍有杂物")
    assert told(Kind.RETURNED) == {"xavier", "dora"}
    note = Notification.objects.get(kind=Kind.RETURNED, user=company_x)
    assert note.body == "仍有杂物" and note.url.endswith(f"/{item.pk}/")


def test_an_escalation_reaches_the_township_officers_and_the_people_fixing_it(
    everyone, task_force, item, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.escalate(item, task_force, level="county", deadline=SOON)
    assert told(Kind.ESCALATED) == {"bob", "xavier", "dora"}


def test_the_daily_job_tells_due_soon_to_those_fixing_and_overdue_also_to_the_township(
    everyone, project_a, project_y, campaign
):
    today = date(2030, 3, 10)
    make_item(project_a, campaign, deadline=today + timedelta(days=2))
    make_item(project_y, campaign, deadline=today - timedelta(days=1))
    send_reminders(today)
    assert told(Kind.DUE_SOON) == {"xavier"}
    assert told(Kind.OVERDUE) == {"yvonne", "charlie"}
    send_reminders(today)
    assert Notification.objects.count() == 3


def test_the_report_reminder_goes_once_to_each_township_that_has_not_reported(everyone, campaign):
    assert monthly_reports.remind_due(date(2026, 11, 17)) == 2
    assert monthly_reports.remind_due(date(2026, 11, 17)) == 0
    assert told(Kind.REPORT_DUE) == {"bob", "charlie"}
    assert Notification.objects.count() == 2
