"""整改通知书: issued for one project, answered item by item by the company, accepted or returned by the sender."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from ledgers import orders
from ledgers.models import OrderResponse, RectificationOrder
from ledgers.workflow import NotAllowed, WorkflowError

from .conftest import make_item

DEADLINE = date.today() + timedelta(days=15)


@pytest.fixture
def order(township_a, item_a) -> RectificationOrder:
    return orders.issue(user=township_a, items=[item_a], deadline=DEADLINE, body="请整改")


def test_an_order_is_numbered_for_the_sender_and_addressed_to_the_serving_company(
    order, company_x_org, item_a
):
    assert order.number == f"城关街道整改〔{date.today().year}〕1号"
    assert order.company == company_x_org and order.sender_org == "城关街道"
    assert list(order.items.all()) == [item_a]
    assert item_a.events.filter(move="order").exists()


def test_an_order_covers_one_project_only(township_a, item_a, project_a, campaign, task_force, item_b):
    with pytest.raises(WorkflowError, match="同一项目"):
        orders.issue(user=task_force, items=[item_a, item_b], deadline=DEADLINE, body="x")


def test_a_company_cannot_issue_an_order(company_x, item_a):
    with pytest.raises(NotAllowed):
        orders.issue(user=company_x, items=[item_a], deadline=DEADLINE, body="x")


def test_the_company_answers_and_the_township_accepts_and_closes(order, company_x, township_a, item_a):
    line = order.responses.get()
    orders.answer(line, company_x, measures="已清理杂物，设置禁停标识")
    item_a.refresh_from_db()
    order.refresh_from_db()
    assert item_a.status == "submitted" and item_a.measures == "已清理杂物，设置禁停标识"
    assert order.status == "answered"
    orders.decide(line, township_a, accepted=True)
    item_a.refresh_from_db()
    order.refresh_from_db()
    assert item_a.status == "closed" and order.status == "closed"


def test_a_returned_answer_goes_back_to_the_company_with_the_reason(order, company_x, township_a, item_a):
    line = order.responses.get()
    orders.answer(line, company_x, measures="已处理")
    orders.decide(line, township_a, accepted=False, reason="照片显示仍有杂物")
    line.refresh_from_db()
    item_a.refresh_from_db()
    assert (line.decision, line.reason, item_a.status) == ("returned", "照片显示仍有杂物", "in_progress")
    orders.answer(line, company_x, measures="再次清理")
    line.refresh_from_db()
    assert line.decision == "answered"


def test_the_company_cannot_accept_its_own_answer(order, company_x):
    line = order.responses.get()
    orders.answer(line, company_x, measures="已处理")
    with pytest.raises(NotAllowed):
        orders.decide(line, company_x, accepted=True)


def test_another_company_cannot_answer(order, company_y):
    with pytest.raises(WorkflowError):
        orders.answer(order.responses.get(), company_y, measures="x")


def test_the_bulk_action_leads_to_the_order_form_and_issues_it(
    client_for, township_a, item_a, project_a, campaign
):
    second = make_item(project_a, campaign, problem="外墙脱落")
    client = client_for(township_a)
    response = client.post(reverse("ledgers:item_bulk"), {"action": "order", "items": [item_a.pk, second.pk]})
    assert response.status_code == 302 and "orders/new/" in response["Location"]
    form = client.get(response["Location"])
    assert "外墙脱落" in form.text
    created = client.post(
        reverse("ledgers:order_create"),
        {
            "items": [item_a.pk, second.pk],
            "title": "整改通知书",
            "deadline": DEADLINE.isoformat(),
            "body": "请整改",
        },
    )
    order = RectificationOrder.objects.get()
    assert created["Location"] == reverse("ledgers:order_detail", args=[order.pk])
    assert order.responses.count() == 2


def test_the_company_portal_lists_its_open_orders_only(client_for, order, company_x, company_y):
    assert order.number in client_for(company_x).get(reverse("ledgers:order_list")).text
    assert order.number not in client_for(company_y).get(reverse("ledgers:order_list")).text


def test_the_pages_answer_and_decide(client_for, order, company_x, township_a, item_a):
    line = order.responses.get()
    client_for(company_x).post(reverse("ledgers:order_answer", args=[line.pk]), {"measures": "已清理"})
    client_for(township_a).post(reverse("ledgers:order_decide", args=[line.pk]), {"decision": "accept"})
    line.refresh_from_db()
    item_a.refresh_from_db()
    assert line.decision == OrderResponse.Decision.ACCEPTED and item_a.status == "closed"


def test_the_printable_order_shows_number_items_and_seal_area(client_for, order, township_a):
    page = client_for(township_a).get(reverse("ledgers:order_print", args=[order.pk])).text
    assert order.number in page and "消防通道被占用" in page and "（盖章）" in page


def test_the_api_issues_answers_and_decides(client_for, township_a, company_x, item_a):
    issued = client_for(township_a).post(
        reverse("rectification-order-list"),
        {"items": [item_a.pk], "deadline": DEADLINE.isoformat(), "body": "请整改"},
        content_type="application/json",
    )
    assert issued.status_code == 201, issued.json()
    line_id = issued.json()["lines"][0]["id"]
    answered = client_for(company_x).post(
        reverse("order-line-answer", args=[line_id]), {"measures": "已处理"}, content_type="application/json"
    )
    assert answered.json()["decision"] == "answered"
    refused = client_for(company_x).post(
        reverse("order-line-decide", args=[line_id]), {"accepted": True}, content_type="application/json"
    )
    assert refused.status_code == 403
    decided = client_for(township_a).post(
        reverse("order-line-decide", args=[line_id]), {"accepted": True}, content_type="application/json"
    )
    assert decided.json()["decision"] == "accepted"


def test_an_item_closed_from_its_own_page_is_accepted_on_the_order_without_a_second_move(
    order, company_x, township_a, item_a
):
    from ledgers import workflow

    line = order.responses.get()
    workflow.submit(item_a, company_x)
    orders.answer(line, company_x, measures="已处理")
    workflow.accept(item_a, township_a)
    orders.decide(line, township_a, accepted=True)
    order.refresh_from_db()
    assert order.status == "closed"
    assert item_a.events.filter(move="accept").count() == 1


def test_the_order_list_puts_open_orders_first_with_a_fixed_number_of_queries(
    client_for, township_a, company_x, project_a, campaign, django_assert_max_num_queries
):
    made = []
    for n in range(6):
        item = make_item(project_a, campaign, problem=f"问题{n}")
        made.append(orders.issue(user=township_a, items=[item], deadline=DEADLINE, body="请整改"))
    RectificationOrder.objects.filter(pk=made[0].pk).update(status="closed")
    client = client_for(company_x)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("ledgers:order_list")).context["page"]
    assert [o.status for o in page][-1] == "closed"
    assert len(page.object_list) == 6


def test_an_answer_with_a_refused_photo_is_not_recorded(
    client_for, order, company_x, item_a, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    line = order.responses.get()
    bad = SimpleUploadedFile("after.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")
    response = client_for(company_x).post(
        reverse("ledgers:order_answer", args=[line.pk]), {"measures": "已清理", "photo": bad}, follow=True
    )
    assert "拒绝上传" in response.text
    line.refresh_from_db()
    item_a.refresh_from_db()
    assert (line.decision, item_a.status) == ("", "registered")
    assert not list(tmp_path.rglob("*.*"))


def test_the_company_is_told_of_a_new_order_and_the_sender_of_the_answers(
    township_a, company_x, company_y, item_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = orders.issue(user=township_a, items=[item_a], deadline=DEADLINE, body="请整改")
    assert company_x.notifications.filter(kind="ledger_order").exists()
    assert not company_y.notifications.exists()
    with django_capture_on_commit_callbacks(execute=True):
        orders.answer(order.responses.get(), company_x, measures="已处理")
    assert township_a.notifications.filter(kind="ledger_order_answered").exists()
