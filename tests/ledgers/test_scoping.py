"""Scoping of items, events, evidence and orders for every role: foreign rows are never reachable."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from ledgers import orders, workflow
from ledgers.models import Evidence, LedgerEvent, LedgerItem, RectificationOrder

# role → which of the three items (township A/company X, township B/company X, township B/company Y) it sees.
# The department (县住建局) is lead unit of item_a's category only.
SEES = {
    "task_force": {"a", "b", "y"},
    "township_a": {"a"},
    "township_b": {"b", "y"},
    "department": {"a"},
    "company_x": {"a", "b"},
    "company_y": {"y"},
    "admin_user": {"a", "b", "y"},
}


@pytest.fixture
def items(item_a, item_b, item_y) -> dict[str, LedgerItem]:
    return {"a": item_a, "b": item_b, "y": item_y}


@pytest.fixture
def evidence(items, township_a, settings, tmp_path) -> dict[str, Evidence]:
    settings.MEDIA_ROOT = tmp_path
    made = {}
    for key, item in items.items():
        e = Evidence(
            item=item, kind="document", content_type="application/pdf", size=9, uploaded_by=township_a
        )
        e.file.save("x.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
        made[key] = e
    return made


@pytest.mark.parametrize("role", SEES)
def test_each_role_sees_exactly_the_items_of_its_scope(request, items, role):
    user = request.getfixturevalue(role)
    visible = set(LedgerItem.objects.visible_to(user).values_list("pk", flat=True))
    assert visible == {items[key].pk for key in SEES[role]}


@pytest.mark.parametrize("role", SEES)
def test_each_role_opens_only_items_and_files_of_its_scope(request, client_for, items, evidence, role):
    client = client_for(request.getfixturevalue(role))
    for key, item in items.items():
        expected = 200 if key in SEES[role] else 404
        assert client.get(reverse("ledgers:item_detail", args=[item.pk])).status_code == expected
        assert client.get(reverse("ledgers:evidence_file", args=[evidence[key].pk])).status_code == expected
        assert client.get(reverse("ledger-item-detail", args=[item.pk])).status_code == expected


@pytest.mark.parametrize("role", SEES)
def test_each_role_reads_only_the_history_of_its_items(request, items, role):
    for item in items.values():
        LedgerEvent.objects.create(item=item, move="create", to_status="registered")
    user = request.getfixturevalue(role)
    seen = set(LedgerEvent.objects.visible_to(user).values_list("item_id", flat=True))
    assert seen == {items[key].pk for key in SEES[role]}


def test_a_department_also_sees_items_it_is_made_responsible_for(department, item_b, housing_bureau):
    assert not LedgerItem.objects.visible_to(department).filter(pk=item_b.pk).exists()
    LedgerItem.objects.filter(pk=item_b.pk).update(responsible_unit=housing_bureau)
    assert LedgerItem.objects.visible_to(department).filter(pk=item_b.pk).exists()


def test_the_list_page_never_shows_foreign_items(client_for, company_y, items):
    response = client_for(company_y).get(reverse("ledgers:item_list"))
    shown = {item.pk for item in response.context["page"].object_list}
    assert shown == {items["y"].pk}


def test_a_foreign_id_in_the_filter_is_refused_not_widened(client_for, township_a, items, project_b):
    response = client_for(township_a).get(reverse("ledgers:item_list"), {"project": project_b.pk})
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("task_force", 200),
        ("township_a", 200),
        ("township_b", 404),
        ("company_x", 200),
        ("company_y", 404),
        ("department", 200),
        ("admin_user", 200),
    ],
)
def test_orders_are_seen_by_sender_region_and_addressed_company_only(
    request, client_for, township_a, item_a, role, expected
):
    order = orders.issue(
        user=township_a, items=[item_a], deadline=item_a.created_at.date().replace(year=2099), body="请整改"
    )
    client = client_for(request.getfixturevalue(role))
    assert client.get(reverse("ledgers:order_detail", args=[order.pk])).status_code == expected
    assert client.get(reverse("ledgers:order_print", args=[order.pk])).status_code == expected
    assert client.get(reverse("rectification-order-detail", args=[order.pk])).status_code == expected
    listed = RectificationOrder.objects.visible_to(request.getfixturevalue(role)).filter(pk=order.pk).exists()
    assert listed is (expected == 200)


def test_a_foreign_township_cannot_move_an_item_by_guessing_its_id(client_for, township_b, item_a):
    response = client_for(township_b).post(
        reverse("ledgers:item_move", args=[item_a.pk, "withdraw"]), {"reason": "x"}
    )
    assert response.status_code == 404
    item_a.refresh_from_db()
    assert item_a.status == "registered"


def test_workflow_itself_refuses_an_item_outside_the_scope(township_b, item_a):
    with pytest.raises(workflow.WorkflowError, match="无权"):
        workflow.withdraw(item_a, township_b, reason="x")
