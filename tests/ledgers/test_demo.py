import random

import pytest
from django.db.models import F
from django.utils import timezone

from ledgers.models import Bulletin, LedgerEvent, LedgerItem, MonthlyReport, RectificationOrder, TypicalCase
from orgs import demo
from orgs.models import User

pytestmark = pytest.mark.django_db

STEPS = ["orgs.demo.populate", "campaigns.demo.populate", "ledgers.demo.populate"]


@pytest.fixture
def loaded():
    ctx = demo.DemoContext(
        rng=random.Random(1), size="small", seed=1, today=timezone.localdate(), log=lambda _: None
    )
    demo.run_steps(ctx, STEPS)
    return ctx


def test_ledger_step_runs_after_the_campaign_and_before_complaints_and_scoring():
    steps = demo.DEMO_STEPS
    assert steps.index("campaigns.demo.populate") < steps.index("ledgers.demo.populate")
    later = [s for s in ("complaints.demo.populate", "scoring.demo.populate") if s in steps]
    assert all(steps.index("ledgers.demo.populate") < steps.index(s) for s in later)


def test_every_status_occurs_and_the_demo_township_and_company_have_each(loaded):
    everything = set(LedgerItem.Status.values)
    assert set(LedgerItem.objects.values_list("status", flat=True)) == everything
    township = User.objects.get(username="township").region
    company = User.objects.get(username="company").company
    assert set(LedgerItem.objects.filter(township=township).values_list("status", flat=True)) == everything
    assert set(LedgerItem.objects.filter(company=company).values_list("status", flat=True)) == everything


def test_the_demo_township_has_overdue_and_escalated_items(loaded):
    township = User.objects.get(username="township").region
    mine = LedgerItem.objects.filter(township=township)
    assert mine.overdue(loaded.today).exists()
    assert mine.escalated().filter(escalation_deadline__gte=loaded.today).exists()


def test_each_item_has_its_creation_event_first_and_a_version_per_event(loaded):
    items = list(LedgerItem.objects.prefetch_related("events"))
    assert items
    for item in items:
        events = list(item.events.all())
        assert events[0].move == "create" and events[0].at == item.created_at
        changes = [e for e in events if e.move != "order"]
        assert item.version == len(changes), item.reference
        assert item.reference == f"TZ-{timezone.localtime(item.created_at):%Y}-{item.pk:06d}"
    returned = LedgerEvent.objects.filter(move="return")
    assert returned.exists() and all(e.note for e in returned)


def test_items_are_only_in_projects_of_their_own_township(loaded):
    assert LedgerItem.objects.exists()
    assert not LedgerItem.objects.exclude(township_id=F("project__township_id")).exists()
    assert not LedgerItem.objects.exclude(region_path=F("project__region_path")).exists()


def test_orders_cases_reports_and_a_weekly_bulletin_are_there(loaded):
    assert RectificationOrder.objects.filter(status="closed").exists()
    assert RectificationOrder.objects.filter(status="issued").exists()
    assert set(TypicalCase.objects.filter(is_published=True).values_list("kind", flat=True)) == {
        "positive",
        "negative",
    }
    assert MonthlyReport.objects.filter(status=MonthlyReport.Status.RETURNED).count() == 1
    assert Bulletin.objects.filter(kind="weekly", status="published", number=1).exists()


def test_events_chain_each_status_to_the_next_and_end_at_the_items_status(loaded):
    for item in LedgerItem.objects.prefetch_related("events"):
        status = ""
        for event in item.events.all():
            assert event.from_status == status, item.reference
            status = event.to_status
        assert status == item.status, item.reference
