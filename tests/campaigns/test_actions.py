"""propose_all: a run's proposals written together, each with its audit row, decisions left alone."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns import actions
from campaigns.actions import Proposal, Target
from campaigns.models import Action
from tests.conftest import make_project

PERIOD = "2030-Q2"


def fee(project, complaints: int) -> Proposal:
    return Proposal(
        Action.Kind.FEE_REDUCTION, Target.project(project), "规则", {"price_quality_complaints": complaints}
    )


@pytest.fixture
def many_projects(township_a_region, company_x_org):
    return [make_project(f"小区{i}", township_a_region, company_x_org) for i in range(12)]


def test_new_proposals_are_created_with_their_history_row(campaign, projects, task_force):
    created = actions.propose_all(campaign, PERIOD, [fee(p, 5) for p in projects.values()], task_force)

    assert created == 3
    action = Action.objects.get(project=projects["a"])
    assert (action.status, action.target_name, action.company, action.township_id) == (
        Action.Status.PROPOSED,
        projects["a"].name,
        projects["a"].company,
        projects["a"].township_id,
    )
    history = list(action.history.all())
    assert [(h.history_type, h.history_user, h.evidence) for h in history] == [
        ("+", task_force, {"price_quality_complaints": 5})
    ]
    # the audit row holds every value of the action, as the save() signal would have written it
    for f in Action._meta.concrete_fields:
        assert getattr(history[0], f.attname) == getattr(action, f.attname), f.name


def test_a_rerun_refreshes_only_undecided_evidence_and_records_the_change(campaign, projects, task_force):
    actions.propose_all(campaign, PERIOD, [fee(p, 5) for p in projects.values()])
    decided = actions.confirm(Action.objects.get(project=projects["b"]), task_force)

    created = actions.propose_all(campaign, PERIOD, [fee(p, 9) for p in projects.values()])

    assert created == 0 and Action.objects.count() == 3
    refreshed = Action.objects.get(project=projects["a"])
    assert refreshed.evidence == {"price_quality_complaints": 9}
    assert [h.evidence for h in refreshed.history.order_by("history_date")] == [
        {"price_quality_complaints": 5},
        {"price_quality_complaints": 9},
    ]
    decided.refresh_from_db()
    assert decided.status == Action.Status.CONFIRMED and decided.evidence == {"price_quality_complaints": 5}
    assert decided.history.count() == 2  # created, confirmed: the rerun wrote nothing on it


def test_an_unchanged_rerun_writes_nothing(campaign, projects):
    actions.propose_all(campaign, PERIOD, [fee(p, 5) for p in projects.values()])

    with CaptureQueriesContext(connection) as queries:
        actions.propose_all(campaign, PERIOD, [fee(p, 5) for p in projects.values()])

    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert writes == [] and Action.history.model.objects.count() == 3


def test_the_query_count_does_not_grow_with_the_number_of_proposals(campaign, projects, many_projects):
    def queries_for(targets):
        Action.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            actions.propose_all(campaign, PERIOD, [fee(p, 5) for p in targets])
        return len(queries)

    assert queries_for(many_projects) == queries_for(list(projects.values())[:2])
    assert Action.objects.count() == 2


def test_one_key_proposed_twice_keeps_the_latest_evidence(campaign, projects):
    actions.propose_all(campaign, PERIOD, [fee(projects["a"], 1), fee(projects["a"], 2)])

    assert list(Action.objects.values_list("evidence", flat=True)) == [{"price_quality_complaints": 2}]
