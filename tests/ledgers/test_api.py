"""The ledger API: scoped lists, creation through workflow, moves as actions, 403/409/400 refusals."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from ledgers.models import LedgerItem

LATER = (date.today() + timedelta(days=20)).isoformat()


@pytest.fixture
def api():
    def as_user(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return as_user


def move(client, item, name, **data):
    return client.post(reverse(f"ledger-item-{name}", args=[item.pk]), data, format="json")


def test_the_list_is_scoped_and_filterable_with_the_page_filters(api, company_x, item_a, item_b, item_y):
    response = api(company_x).get(reverse("ledger-item-list"), {"township": item_a.township_id})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [item_a.pk]
    everything = api(company_x).get(reverse("ledger-item-list")).json()
    assert {row["id"] for row in everything["results"]} == {item_a.pk, item_b.pk}


def test_a_township_creates_an_item_through_workflow(api, township_a, project_a, campaign, category):
    response = api(township_a).post(
        reverse("ledger-item-list"),
        {
            "campaign": campaign.pk,
            "project": project_a.pk,
            "category": category.pk,
            "problem": "井盖缺失",
            "deadline": LATER,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    item = LedgerItem.objects.get(pk=response.json()["id"])
    assert item.created_by == township_a and item.events.get().move == "create"


def test_a_company_cannot_log_on_another_companys_project(api, company_y, project_a, campaign):
    response = api(company_y).post(
        reverse("ledger-item-list"),
        {"campaign": campaign.pk, "project": project_a.pk, "problem": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert not LedgerItem.objects.exists()


def test_posting_status_or_township_changes_nothing(api, company_x, item_a, township_b_region, project_b):
    response = api(company_x).patch(
        reverse("ledger-item-detail", args=[item_a.pk]),
        {
            "status": "closed",
            "township": township_b_region.pk,
            "project": project_b.pk,
            "progress_note": "处理中",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    item_a.refresh_from_db()
    assert (item_a.status, item_a.township_id, item_a.project_id) == (
        "registered",
        item_a.project.township_id,
        item_a.project_id,
    )
    assert item_a.progress_note == "处理中"


def test_a_stale_version_gets_409(api, township_a, item_a):
    client = api(township_a)
    url = reverse("ledger-item-detail", args=[item_a.pk])
    assert client.patch(url, {"measures": "第一次", "version": 1}, format="json").status_code == 200
    stale = client.patch(url, {"measures": "第二次", "version": 1}, format="json")
    assert stale.status_code == 409
    assert "已被他人修改" in stale.json()["detail"]
    item_a.refresh_from_db()
    assert item_a.measures == "第一次"


def test_a_stale_version_on_a_move_gets_409(api, township_a, company_x, item_a):
    assert move(api(company_x), item_a, "submit", version=1).status_code == 200
    assert move(api(township_a), item_a, "accept", version=1).status_code == 409


def test_moves_run_as_actions_and_a_company_gets_403_on_accept(api, township_a, company_x, item_a):
    assert move(api(company_x), item_a, "start").json()["status"] == "in_progress"
    assert move(api(company_x), item_a, "submit", note="已清理").json()["status"] == "submitted"
    refused = move(api(company_x), item_a, "accept")
    assert refused.status_code == 403 and "验收销号" in refused.json()["detail"]
    accepted = move(api(township_a), item_a, "accept")
    assert accepted.status_code == 200 and accepted.json()["status"] == "closed"


def test_return_without_a_reason_is_400(api, township_a, company_x, item_a):
    move(api(company_x), item_a, "submit")
    response = move(api(township_a), item_a, "return")
    assert response.status_code == 400 and "理由" in response.json()["detail"]
    assert move(api(township_a), item_a, "return", reason="不合格").json()["status"] == "in_progress"


def test_escalate_extend_and_withdraw_through_the_api(api, task_force, township_a, item_a):
    escalated = move(api(task_force), item_a, "escalate", level="county", deadline=LATER).json()
    assert escalated["escalation_level"] == "county"
    assert move(api(township_a), item_a, "escalate", level="city", deadline=LATER).status_code == 403
    assert (
        move(api(township_a), item_a, "extend", new_deadline=LATER, plan="分期施工").json()["deadline"]
        == LATER
    )
    assert move(api(township_a), item_a, "withdraw", reason="重复").json()["status"] == "withdrawn"
    assert LedgerItem.objects.filter(pk=item_a.pk).exists()


def test_history_lists_every_change_with_before_and_after(api, township_a, item_a):
    api(township_a).patch(
        reverse("ledger-item-detail", args=[item_a.pk]), {"measures": "清理"}, format="json"
    )
    history = api(township_a).get(reverse("ledger-item-history", args=[item_a.pk])).json()
    assert history[-1]["changes"] == {"measures": ["", "清理"]}


def test_a_foreign_item_is_404_through_the_api(api, township_b, item_a):
    assert api(township_b).get(reverse("ledger-item-detail", args=[item_a.pk])).status_code == 404
    assert move(api(township_b), item_a, "withdraw", reason="x").status_code == 404


def test_the_moves_are_in_the_openapi_schema(client_for, task_force):
    schema = client_for(task_force).get(reverse("schema")).content.decode()
    for name in ("accept", "return", "escalate", "extend", "withdraw", "history"):
        assert f"/api/ledger-items/{{id}}/{name}/" in schema
    assert "/api/rectification-orders/" in schema


def test_the_item_list_pages_by_cursor_without_counting(
    api, task_force, project_a, campaign, django_assert_max_num_queries
):
    from .conftest import make_item

    for n in range(55):
        make_item(project_a, campaign, problem=f"问题{n}")
    client = api(task_force)
    with django_assert_max_num_queries(6):
        first = client.get(reverse("ledger-item-list")).json()
    assert "count" not in first and len(first["results"]) == 50
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 5 and second["next"] is None
