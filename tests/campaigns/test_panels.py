"""Home panels: what each role must do today, from the hand-counted ledger of conftest.py."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from campaigns import panels
from campaigns.models import Campaign
from ledgers import workflow
from orgs import demo


class Request:
    def __init__(self, user):
        self.user = user


def test_township_panel_shows_awaiting_acceptance_overdue_and_due_this_week(
    yishui, counted, township_a, company_x, frozen_today
):
    workflow.submit(counted["a3"], company_x)

    panel = panels.township_panel(Request(township_a))

    assert panel["awaiting_count"] == 1 and list(panel["awaiting"]) == [counted["a3"]]
    assert panel["overdue_count"] == 1 and list(panel["overdue"]) == [counted["a2"]]
    assert list(panel["due_week"]) == [counted["a3"]]
    assert dict(panel["orders"]) == {"已下达": 0, "待验收": 0, "已办结": 0}


def test_company_panel_lists_overdue_items_first(yishui, counted, projects, company_x, frozen_today):
    from tests.campaigns.conftest import log

    later = log(yishui, projects["a"], "3.3", "垃圾清运", frozen_today + timedelta(days=2))

    panel = panels.company_panel(Request(company_x))

    items = list(panel["items"])
    assert items[:2] == [counted["b1"], counted["a2"]], "overdue first, earliest deadline first"
    assert set(items[2:]) == {counted["a3"], later}
    assert panel["overdue_count"] == 2


def test_task_force_panel_has_escalated_items_overdue_by_township_and_charts(
    yishui, counted, task_force, frozen_today
):
    workflow.escalate(counted["a2"], task_force, level="county", deadline=date(2030, 6, 30))

    panel = panels.task_force_panel(Request(task_force))

    assert list(panel["escalated"]) == [counted["a2"]]
    assert {t.label: t.overdue for t in panel["townships"]} == {"城关街道": 1, "东城街道": 1}
    assert panel["charts"]["townships"]["labels"] == ["城关街道", "东城街道"]
    assert panel["charts"]["townships"]["rate"] == [33, 50]


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        ("township_a", "panel-township", "panel-company"),
        ("company_x", "panel-company", "panel-task-force"),
        ("task_force", "panel-task-force", "panel-township"),
    ],
)
def test_each_role_sees_its_own_panel_on_the_home_page(request, counted, client_for, role, shown, hidden):
    page = client_for(request.getfixturevalue(role)).get(reverse("home")).content.decode()

    assert f'data-testid="{shown}"' in page
    assert f'data-testid="{hidden}"' not in page


def test_the_demo_step_loads_seed_000_into_the_demo_county(db, monkeypatch):
    assert "campaigns.demo.populate" in demo.DEMO_STEPS
    monkeypatch.setattr(demo, "DEMO_STEPS", ["orgs.demo.populate", "campaigns.demo.populate"])

    call_command("load_demo", "--size", "small", stdout=StringIO())

    campaign = Campaign.objects.get(slug="yishui-2024")
    assert campaign.jurisdiction.name == demo.names.COUNTY
    assert campaign.categories.filter(parent=None).count() == 5
