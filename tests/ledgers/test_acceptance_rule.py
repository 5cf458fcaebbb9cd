"""Separation of duties in 验收销号 (issue 18, item 8): a campaign decides whether the one who logged or
submitted an item may also accept it. The outside test: a township registered, submitted and accepted
its own item in three API calls."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from campaigns.models import Campaign
from ledgers import workflow
from ledgers.models import LedgerItem
from ledgers.workflow import Move, NotAllowed
from orgs.models import User
from tests.conftest import make_user


def logged_and_submitted_by(user, campaign, project) -> LedgerItem:
    item = workflow.create_item(user=user, campaign=campaign, project=project, problem="消防通道被占用")
    return workflow.submit(item, user)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def second_officer(township_a_region) -> User:
    return make_user("dora", User.Role.TOWNSHIP, region=township_a_region)


def rule(campaign, value) -> Campaign:
    campaign.acceptance = value
    campaign.save()
    return campaign


def test_by_default_the_township_may_still_close_what_it_logged(township_a, campaign, project_a):
    item = workflow.accept(logged_and_submitted_by(township_a, campaign, project_a), township_a)
    assert item.status == LedgerItem.Status.CLOSED


def test_the_three_call_self_close_is_refused_through_the_api_when_another_officer_is_required(
    township_a, campaign, project_a
):
    rule(campaign, Campaign.Acceptance.OTHER_OFFICER)
    client = api(township_a)
    created = client.post(
        reverse("ledger-item-list"),
        {"campaign": campaign.pk, "project": project_a.pk, "problem": "井盖缺失"},
        format="json",
    ).json()
    assert (
        client.post(reverse("ledger-item-submit", args=[created["id"]]), {}, format="json").status_code == 200
    )

    refused = client.post(reverse("ledger-item-accept", args=[created["id"]]), {}, format="json")

    assert refused.status_code == 403 and "其他人员或专班" in refused.json()["detail"]
    assert LedgerItem.objects.get(pk=created["id"]).status == LedgerItem.Status.SUBMITTED


def test_a_second_officer_of_the_same_township_accepts_and_the_history_names_each(
    township_a, second_officer, company_x, campaign, project_a
):
    rule(campaign, Campaign.Acceptance.OTHER_OFFICER)
    item = workflow.create_item(user=township_a, campaign=campaign, project=project_a, problem="路灯损坏")
    workflow.submit(item, company_x)
    with pytest.raises(NotAllowed):
        workflow.accept(item, township_a)  # logged it

    workflow.accept(item, second_officer)

    steps = list(item.events.order_by("id").values_list("move", "actor__username"))
    assert steps == [("create", "bob"), ("submit", "xavier"), ("accept", "dora")]


def test_whoever_asked_for_acceptance_may_not_accept_either(township_a, second_officer, campaign, project_a):
    rule(campaign, Campaign.Acceptance.OTHER_OFFICER)
    item = workflow.create_item(user=township_a, campaign=campaign, project=project_a, problem="路灯损坏")
    workflow.submit(item, second_officer)

    assert not workflow.can(second_officer, item, Move.ACCEPT), "no button for the submitter"
    with pytest.raises(NotAllowed):
        workflow.accept(item, second_officer)


def test_a_task_force_only_campaign_refuses_every_township(
    township_a, second_officer, task_force, campaign, project_a
):
    rule(campaign, Campaign.Acceptance.TASK_FORCE)
    item = workflow.create_item(user=township_a, campaign=campaign, project=project_a, problem="路灯损坏")
    workflow.submit(item, township_a)

    with pytest.raises(NotAllowed, match="专班"):
        workflow.accept(item, second_officer)
    assert workflow.accept(item, task_force).status == LedgerItem.Status.CLOSED


def test_the_rule_is_among_the_campaign_parameters_the_task_force_edits():
    from campaigns.forms import CampaignParametersForm

    assert "acceptance" in CampaignParametersForm._meta.fields
