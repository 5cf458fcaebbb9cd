"""The API over actions, lists and credit ratings: shapes the automation relies on, scoping, decisions."""

import pytest
from django.urls import reverse

from campaigns.models import Action
from scoring.quarterly import compute_quarter

from .conftest import QUARTER


@pytest.fixture
def run(campaign, surveyed):
    return compute_quarter(campaign, QUARTER)


def test_actions_api_lists_kind_period_status_target_and_evidence(
    client_for, task_force, campaign, run, surveyed
):
    response = client_for(task_force).get(
        "/api/actions/", {"kind": "replace_manager", "period": QUARTER, "campaign": campaign.slug}
    )
    assert response.status_code == 200
    (item,) = response.json()["results"]
    assert item["kind"] == "replace_manager" and item["period"] == QUARTER and item["status"] == "proposed"
    assert item["target"] == {"type": "manager", "id": surveyed["b"].manager_id, "name": "钱二"}
    assert item["evidence"]["list"] == "black"


def test_actions_api_is_scoped(client_for, township_a, company_y, run):
    assert client_for(township_a).get("/api/actions/", {"kind": "replace_manager"}).json()["results"] == []
    kinds = {a["kind"] for a in client_for(company_y).get("/api/actions/").json()["results"]}
    assert kinds == set()  # company Y's project is neither black-listed nor evaluated


def test_foreign_action_cannot_be_confirmed_through_the_api(client_for, township_a, run):
    action = Action.objects.get(kind="replace_manager")
    response = client_for(township_a).post(f"/api/actions/{action.pk}/confirm/")
    assert response.status_code == 404


def test_api_waive_needs_a_reason_and_confirm_needs_the_task_force(client_for, task_force, township_b, run):
    action = Action.objects.get(kind="media_exposure")
    assert client_for(township_b).post(f"/api/actions/{action.pk}/confirm/").status_code == 400
    client = client_for(task_force)
    response = client.post(f"/api/actions/{action.pk}/waive/", {"reason": " "})
    assert response.status_code == 400 and "书面理由" in response.json()["detail"]
    response = client.post(f"/api/actions/{action.pk}/waive/", {"reason": "已整改"})
    assert response.json()["status"] == "waived"
    replace = Action.objects.get(kind="replace_manager")
    client.post(f"/api/actions/{replace.pk}/confirm/")
    assert client.post(f"/api/actions/{replace.pk}/complete/", {"note": "已换人"}).json()["status"] == "done"


def test_lists_api(client_for, task_force, run, surveyed):
    data = client_for(task_force).get("/api/lists/", {"quarter": QUARTER}).json()["results"]
    by_list = {e["list"]: e for e in data}
    assert by_list["black"]["project"] == {"id": surveyed["b"].pk, "name": "东湖家园"}
    assert by_list["black"]["rank"] == 3 and by_list["black"]["score"] == "53.85"
    assert by_list["red"]["project"]["id"] == surveyed["a"].pk


def test_lists_api_is_scoped(client_for, township_a, run):
    data = client_for(township_a).get("/api/lists/", {"quarter": QUARTER}).json()["results"]
    assert [e["list"] for e in data] == ["red"]


def test_credit_ratings_api(client_for, task_force, company_x, run, surveyed):
    data = client_for(task_force).get("/api/credit-ratings/", {"quarter": QUARTER}).json()["results"]
    levels = {r["company"]["name"]: r["level"] for r in data}
    assert levels == {"示范物业服务有限公司": "C", "东城物业管理有限公司": "AA"}
    own = client_for(company_x).get("/api/credit-ratings/", {"quarter": QUARTER}).json()["results"]
    assert [r["company"]["id"] for r in own] == [surveyed["a"].company_id]


def test_other_quarter_is_empty(client_for, task_force, run):
    assert client_for(task_force).get("/api/lists/", {"quarter": "2023-Q4"}).json()["results"] == []


def test_anonymous_gets_nothing(client, run):
    assert client.get("/api/actions/").status_code in (401, 403)
    assert client.get(reverse("actions:list")).status_code == 302
