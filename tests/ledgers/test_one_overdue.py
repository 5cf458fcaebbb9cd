"""One definition of 逾期, 已销号 and 按时 (issue 14): the weekly dispatch said 逾期未整改 213 while the
ledger said 159 at the same moment, because it counted items due later in the week."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ledgers import bulletins
from ledgers.models import Bulletin, LedgerItem
from tests.ledgers.conftest import make_item, written_draft


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def this_week(campaign, project_a, project_b, today):
    """Open items due before today, today and later this week (or next), one closed late, one closed in time."""
    due = {"yesterday": -1, "last_week": -7, "today": 0, "in_two_days": 2, "in_six_days": 6}
    items = {
        name: make_item(project_a, campaign, problem=name, deadline=today + timedelta(days=d))
        for name, d in due.items()
    }
    items["closed_late"] = make_item(
        project_b, campaign, problem="closed_late", deadline=today - timedelta(days=3), status="closed",
        closed_at=timezone.now(),
    )  # fmt: skip
    items["withdrawn"] = make_item(
        project_b, campaign, problem="w", deadline=today - timedelta(days=3), status="withdrawn"
    )
    return items


def test_the_dispatch_and_the_ledger_list_count_the_same_overdue_items_at_one_moment(
    client_for, task_force, campaign, this_week, today
):
    """Fails on the old code: the running week's dispatch counted items due later in the week as overdue."""
    ledger = client_for(task_force).get(reverse("ledgers:item_list"), {"campaign": campaign.pk})
    figures = bulletins.compute(campaign, bulletins.period_containing(Bulletin.Kind.WEEKLY, today))
    listed = client_for(task_force).get(
        reverse("ledgers:item_list"), {"campaign": campaign.pk, "overdue": "true"}
    )
    assert ledger.context["overdue_count"] == 2 == len(listed.context["page"].object_list)
    assert figures["totals"]["overdue"] == 2
    assert LedgerItem.objects.filter(campaign=campaign).overdue(today).count() == 2


def test_an_ended_period_counts_what_was_open_and_late_on_its_last_day(campaign, project_a, today):
    period = bulletins.period_containing(Bulletin.Kind.WEEKLY, today - timedelta(days=7))
    end = period.end
    make_item(project_a, campaign, problem="a", deadline=end - timedelta(days=1))  # late on the last day
    make_item(project_a, campaign, problem="b", deadline=end)  # due that day: not yet late
    LedgerItem.objects.update(created_at=timezone.now() - timedelta(days=14))
    assert bulletins.compute(campaign, period)["totals"]["overdue"] == 1


def test_closed_on_time_counts_the_close_against_the_deadline(campaign, project_a, today):
    now = timezone.now()
    make_item(project_a, campaign, problem="in time", deadline=today, status="closed", closed_at=now)
    make_item(
        project_a,
        campaign,
        problem="late",
        deadline=today - timedelta(days=1),
        status="closed",
        closed_at=now,
    )
    make_item(project_a, campaign, problem="none", deadline=None, status="closed", closed_at=now)
    totals = bulletins.compute(campaign, bulletins.period_containing(Bulletin.Kind.WEEKLY, today))["totals"]
    assert (totals["closed"], totals["closed_on_time"]) == (3, 2)


@pytest.mark.parametrize("kind", [Bulletin.Kind.WEEKLY, Bulletin.Kind.MONTHLY])
def test_a_period_that_has_not_ended_cannot_be_published(campaign, task_force, today, kind):
    draft = written_draft(campaign, bulletins.period_containing(kind, today), task_force)
    with pytest.raises(bulletins.WorkflowError, match="结束后才能印发"):
        bulletins.publish(draft, task_force)
    draft.refresh_from_db()
    assert (draft.status, draft.snapshot, draft.published_at) == ("draft", {}, None)


def test_publishing_saves_the_text_typed_with_it(client_for, task_force, campaign, today):
    """Fails on the old code: 印发 sent no text, so what was typed and not saved was lost and the
    bulletin froze with an empty 工作情况."""
    period = bulletins.period_containing(Bulletin.Kind.WEEKLY, today - timedelta(days=7))
    draft = bulletins.draft_for(campaign, period, task_force)
    text = {"issuer": "县专班", "commentary": "本周排查 12 个小区。", "next_steps": "下周回头看。"}
    response = client_for(task_force).post(reverse("ledgers:bulletin_publish", args=[draft.pk]), text)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.commentary, draft.next_steps) == (
        "published",
        "本周排查 12 个小区。",
        "下周回头看。",
    )


def test_an_empty_commentary_is_refused_and_the_rest_kept(client_for, task_force, campaign, today):
    period = bulletins.period_containing(Bulletin.Kind.WEEKLY, today - timedelta(days=7))
    draft = bulletins.draft_for(campaign, period, task_force)
    client = client_for(task_force)
    response = client.post(
        reverse("ledgers:bulletin_publish", args=[draft.pk]),
        {"issuer": "县专班", "commentary": " ", "next_steps": "下周回头看。"},
    )
    draft.refresh_from_db()
    assert (draft.status, draft.next_steps) == ("draft", "下周回头看。")
    assert "请先填写“工作情况”" in client.get(response.url).content.decode()


def test_publishing_this_week_keeps_the_typed_text_and_says_why_not(client_for, task_force, campaign, today):
    draft = bulletins.draft_for(
        campaign, bulletins.period_containing(Bulletin.Kind.WEEKLY, today), task_force
    )
    client = client_for(task_force)
    response = client.post(reverse("ledgers:bulletin_publish", args=[draft.pk]), {"commentary": "本周进展。"})
    draft.refresh_from_db()
    assert (draft.status, draft.commentary) == ("draft", "本周进展。")
    page = client.get(response.url).content.decode()
    assert "结束后才能印发为正式周调度" in page and "文字已保存" in page
