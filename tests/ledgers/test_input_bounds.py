"""Lengths, numbers and dates are bounded at the edge with a Chinese reason, never a 500 (issue 18, items 5 and 9).

The outside test's cases: a 65-character 文号 or a 201-character title overflowed PostgreSQL's varchar
(500; SQLite stored it), ?parent=1e30 overflowed SQLite's integer (500), and deadlines of 0001-01-01
or 9999-12-31 and a 200,000-character problem were kept.
"""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from config.bounds import TEXT_MAX
from ledgers import orders, workflow
from ledgers.models import LedgerItem, RectificationOrder
from ledgers.workflow import WorkflowError

LATER = (date.today() + timedelta(days=20)).isoformat()


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def order_payload(item, **overrides) -> dict:
    return {"items": [item.pk], "deadline": LATER, "body": "请于期限内整改。", **overrides}


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("number", "文" * 65, "64"),
        ("title", "题" * 201, "200"),
        ("body", "字" * (TEXT_MAX + 1), str(TEXT_MAX)),
    ],
)
def test_an_over_long_order_field_is_a_400_in_chinese(township_a, item_a, field, value, words):
    response = api(township_a).post(
        reverse("rectification-order-list"), order_payload(item_a, **{field: value}), format="json"
    )

    assert response.status_code == 400, response.content
    assert words in response.json()[field][0] and "字" in response.json()[field][0]
    assert not RectificationOrder.objects.exists()


def test_an_order_at_the_exact_lengths_is_issued(township_a, item_a):
    response = api(township_a).post(
        reverse("rectification-order-list"),
        order_payload(item_a, number="文" * 64, title="题" * 200),
        format="json",
    )
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    ("url_name", "params"),
    [
        ("campaign-category-list", {"parent": "1e30"}),
        ("campaign-category-list", {"parent": "99999999999999999999"}),
        ("ledger-item-list", {"project": "99999999999999999999"}),
        ("ledger-item-list", {"township": "-99999999999999999999"}),
        ("rectification-order-list", {"company": "1" * 40}),
    ],
)
def test_a_number_no_row_can_have_is_a_400_not_a_500(task_force, item_a, url_name, params):
    response = api(task_force).get(reverse(url_name), params)
    assert response.status_code == 400, response.content


def test_an_ordinary_parent_filter_still_filters(task_force, category):
    response = api(task_force).get(reverse("campaign-category-list"), {"parent": category.parent_id or 0})
    assert response.status_code == 200


@pytest.mark.parametrize("deadline", ["0001-01-01", "9999-12-31", "1999-12-31", "2100-01-01"])
def test_a_deadline_outside_the_campaigns_lifetime_is_refused_by_the_api(
    township_a, project_a, campaign, deadline
):
    response = api(township_a).post(
        reverse("ledger-item-list"),
        {"campaign": campaign.pk, "project": project_a.pk, "problem": "井盖缺失", "deadline": deadline},
        format="json",
    )
    assert response.status_code == 400
    assert "超出范围" in response.json()["deadline"][0]
    assert not LedgerItem.objects.exists()


def test_a_huge_problem_text_is_refused_by_the_api_and_by_the_workflow(township_a, project_a, campaign):
    huge = "楼" * 200_000
    response = api(township_a).post(
        reverse("ledger-item-list"),
        {"campaign": campaign.pk, "project": project_a.pk, "problem": huge},
        format="json",
    )
    assert response.status_code == 400 and str(TEXT_MAX) in response.json()["problem"][0]

    for text in (huge, "楼" * (TEXT_MAX + 1)):  # past the Excel cell limit, and past ours below it
        with pytest.raises(WorkflowError, match="存在问题"):
            workflow.create_item(user=township_a, campaign=campaign, project=project_a, problem=text)
    with pytest.raises(WorkflowError, match="存在问题：内容过长"):
        workflow.create_item(
            user=township_a, campaign=campaign, project=project_a, problem="楼" * (TEXT_MAX + 1)
        )
    assert not LedgerItem.objects.exists()


def test_the_page_path_refuses_a_deadline_in_year_9999_through_the_workflow(township_a, item_a):
    with pytest.raises(WorkflowError, match="完成时限：日期 9999-12-31 超出范围"):
        workflow.edit(item_a, township_a, {"deadline": date(9999, 12, 31)})
    item_a.refresh_from_db()
    assert item_a.deadline != date(9999, 12, 31) and item_a.version == 1


def test_an_escalation_deadline_in_year_9999_is_a_400(task_force, item_a):
    response = api(task_force).post(
        reverse("ledger-item-escalate", args=[item_a.pk]),
        {"level": "county", "deadline": "9999-12-31"},
        format="json",
    )
    assert response.status_code == 400


def test_an_order_deadline_in_year_9999_is_refused_by_the_service(township_a, item_a):
    with pytest.raises(WorkflowError, match="整改时限"):
        orders.issue(user=township_a, items=[item_a], deadline=date(9999, 12, 31), body="整改")


def test_the_history_is_a_plain_list_and_the_schema_says_so(task_force, item_a):
    workflow.edit(item_a, task_force, {"measures": "清理"})

    history = api(task_force).get(reverse("ledger-item-history", args=[item_a.pk]))
    schema = api(task_force).get(reverse("schema"), {"format": "json"}).json()

    assert isinstance(history.json(), list) and history.json()[0]["move"] == "edit"
    answer = schema["paths"]["/api/ledger-items/{id}/history/"]["get"]["responses"]["200"]
    assert answer["content"]["application/json"]["schema"]["type"] == "array"


def test_error_statuses_are_documented_for_every_operation(task_force):
    schema = api(task_force).get(reverse("schema"), {"format": "json"}).json()
    accept = schema["paths"]["/api/ledger-items/{id}/accept/"]["post"]["responses"]
    listing = schema["paths"]["/api/ledger-items/"]["get"]["responses"]

    assert {"400", "401", "403", "404", "409", "412"} <= set(accept)
    assert {"400", "401", "403", "404"} <= set(listing)
