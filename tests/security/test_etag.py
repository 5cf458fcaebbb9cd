"""ETag / If-Match / If-None-Match on the API: the second writer gets 412 (or 409 by `version`), never a
silent overwrite; a client that already holds the current representation gets 304."""

from datetime import date, timedelta
from unittest import mock

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from campaigns.models import Action, SelfCheck
from complaints.models import Complaint
from ledgers import orders, workflow
from ledgers.models import LedgerItem
from tests.ledgers.conftest import make_item

STALE = "已被他人修改"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def item(project_a, campaign) -> LedgerItem:
    return make_item(project_a, campaign, problem="消防通道被占用")


def detail(item: LedgerItem) -> str:
    return reverse("ledger-item-detail", args=[item.pk])


# --- ledger items ------------------------------------------------------------------------------------------


def test_an_items_etag_is_its_version_and_moves_with_it(township_a, item):
    first = api(township_a).get(detail(item))
    assert first.status_code == 200 and first["ETag"] == f'"{item.pk}-v1"'
    workflow.edit(item, township_a, {"remarks": "已联系物业"})
    assert api(township_a).get(detail(item))["ETag"] == f'"{item.pk}-v2"'


def test_if_none_match_with_the_current_tag_answers_304_without_a_body(township_a, item):
    tag = api(township_a).get(detail(item))["ETag"]
    again = api(township_a).get(detail(item), HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == tag
    weak = api(township_a).get(detail(item), HTTP_IF_NONE_MATCH=f"W/{tag}")
    assert weak.status_code == 304  # If-None-Match compares weakly


def test_if_none_match_with_an_old_tag_gets_the_new_representation(township_a, item):
    old = api(township_a).get(detail(item))["ETag"]
    workflow.edit(item, township_a, {"remarks": "第二次"})
    fresh = api(township_a).get(detail(item), HTTP_IF_NONE_MATCH=old)
    assert fresh.status_code == 200 and fresh.json()["remarks"] == "第二次"


def test_if_none_match_never_shows_a_foreign_item(township_b, item):
    """A foreign item is 404 whatever the tag: 304 would confirm that it exists."""
    tag = f'"{item.pk}-v1"'
    assert api(township_b).get(detail(item), HTTP_IF_NONE_MATCH=tag).status_code == 404


def test_the_second_writer_with_a_stale_if_match_gets_412_and_changes_nothing(township_a, company_x, item):
    tag = api(township_a).get(detail(item))["ETag"]
    first = api(company_x).patch(
        detail(item), {"progress_note": "已清理一半"}, format="json", HTTP_IF_MATCH=tag
    )
    assert first.status_code == 200 and first["ETag"] == f'"{item.pk}-v2"'
    second = api(township_a).patch(detail(item), {"remarks": "覆盖？"}, format="json", HTTP_IF_MATCH=tag)
    assert second.status_code == 412 and STALE in second.json()["detail"]
    item.refresh_from_db()
    assert (item.version, item.remarks, item.progress_note) == (2, "", "已清理一半")


def test_a_move_with_a_stale_if_match_gets_412(township_a, company_x, item):
    tag = api(company_x).get(detail(item))["ETag"]
    workflow.edit(item, township_a, {"remarks": "镇街补充"})
    url = reverse("ledger-item-start", args=[item.pk])
    response = api(company_x).post(url, {"note": "开始"}, format="json", HTTP_IF_MATCH=tag)
    assert response.status_code == 412
    item.refresh_from_db()
    assert item.status == LedgerItem.Status.REGISTERED


def test_a_move_with_the_current_if_match_passes_and_answers_the_next_tag(company_x, item):
    url = reverse("ledger-item-start", args=[item.pk])
    response = api(company_x).post(url, {"note": "开始"}, format="json", HTTP_IF_MATCH=f'"{item.pk}-v1"')
    assert response.status_code == 200 and response["ETag"] == f'"{item.pk}-v2"'


def test_if_match_is_checked_again_under_the_row_lock(township_a, company_x, item):
    """A writer who passed the check just before another write landed: the workflow sees the version read
    and answers 412, as the HTTP check would have a moment later."""
    real_start = workflow.start

    def someone_else_first(it, user, **kwargs):
        workflow.edit(LedgerItem.objects.get(pk=it.pk), township_a, {"remarks": "抢先一步"})
        return real_start(it, user, **kwargs)

    url = reverse("ledger-item-start", args=[item.pk])
    with mock.patch.object(workflow, "start", someone_else_first):
        response = api(company_x).post(url, {"note": "开始"}, format="json", HTTP_IF_MATCH=f'"{item.pk}-v1"')
    assert response.status_code == 412
    assert LedgerItem.objects.get(pk=item.pk).status == LedgerItem.Status.REGISTERED


def test_if_match_star_and_a_list_of_tags(township_a, item):
    star = api(township_a).patch(detail(item), {"remarks": "一"}, format="json", HTTP_IF_MATCH="*")
    assert star.status_code == 200
    tags = f'"{item.pk}-v1", "{item.pk}-v2"'
    listed = api(township_a).patch(detail(item), {"remarks": "二"}, format="json", HTTP_IF_MATCH=tags)
    assert listed.status_code == 200


@pytest.mark.parametrize("header", ['"garbage"', 'W/"{pk}-v1"', '"{pk}-v1-x"', "not-a-tag"])
def test_a_malformed_weak_or_foreign_if_match_is_refused(township_a, item, header):
    """If-Match compares strongly: a weak tag never matches (RFC 9110 §13.1.1)."""
    response = api(township_a).patch(
        detail(item), {"remarks": "x"}, format="json", HTTP_IF_MATCH=header.format(pk=item.pk)
    )
    assert response.status_code == 412
    assert LedgerItem.objects.get(pk=item.pk).remarks == ""


def test_without_if_match_the_body_version_still_decides_409(township_a, item):
    """No 428: pages, imports and existing clients send the version they read in the body."""
    workflow.edit(item, township_a, {"remarks": "先改"})
    stale = api(township_a).patch(detail(item), {"remarks": "后改", "version": 1}, format="json")
    assert stale.status_code == 409 and "已被他人修改" in stale.json()["detail"]
    plain = api(township_a).patch(detail(item), {"remarks": "不带版本"}, format="json")
    assert plain.status_code == 200


def test_a_stale_if_match_on_a_foreign_item_is_still_404(township_b, item):
    response = api(township_b).patch(detail(item), {"remarks": "x"}, format="json", HTTP_IF_MATCH='"0-v0"')
    assert response.status_code == 404


# --- order lines and actions: tags from the representation ---------------------------------------------


@pytest.fixture
def line(township_a, item):
    order = orders.issue(
        user=township_a, items=[item], deadline=date.today() + timedelta(days=15), body="请整改"
    )
    return order.responses.get()


def test_an_order_answer_with_a_stale_if_match_gets_412(company_x, township_a, line):
    url = reverse("order-line-detail", args=[line.pk])
    tag = api(company_x).get(url)["ETag"]
    answered = api(company_x).post(
        reverse("order-line-answer", args=[line.pk]), {"measures": "已清理"}, format="json", HTTP_IF_MATCH=tag
    )
    assert answered.status_code == 200 and answered["ETag"] != tag
    decide = api(township_a).post(
        reverse("order-line-decide", args=[line.pk]),
        {"accepted": True},
        format="json",
        HTTP_IF_MATCH=tag,
    )
    assert decide.status_code == 412
    line.refresh_from_db()
    assert line.decision == "answered"


def test_an_action_decision_with_a_stale_if_match_gets_412(task_force, action):
    url = reverse("action-detail", args=[action.pk])
    tag = api(task_force).get(url)["ETag"]
    confirmed = api(task_force).post(reverse("action-confirm", args=[action.pk]), HTTP_IF_MATCH=tag)
    assert confirmed.status_code == 200 and confirmed["ETag"] != tag
    assert api(task_force).get(url, HTTP_IF_NONE_MATCH=confirmed["ETag"]).status_code == 304
    waived = api(task_force).post(
        reverse("action-waive", args=[action.pk]), {"reason": "重复"}, format="json", HTTP_IF_MATCH=tag
    )
    assert waived.status_code == 412 and STALE in waived.json()["detail"]
    action.refresh_from_db()
    assert action.status == Action.Status.CONFIRMED


# --- read-only resources: ETag and 304 -----------------------------------------------------------------


def test_read_only_details_carry_an_etag_and_answer_304(task_force, campaign, project_a, township_a):
    complaint = Complaint.objects.create(
        ticket="T-9",
        received_at="2026-11-02T08:00:00+08:00",
        township=project_a.township,
        region_path=project_a.region_path,
        project=project_a,
    )
    check = SelfCheck.objects.create(
        campaign=campaign,
        project=project_a,
        template="t",
        region_path=project_a.region_path,
        filled_by=township_a,
    )
    for url in (
        reverse("complaint-detail", args=[complaint.pk]),
        reverse("campaign-detail", args=[campaign.slug]),
        reverse("self-check-detail", args=[check.pk]),
    ):
        first = api(task_force).get(url)
        assert first.status_code == 200 and first["ETag"].startswith('"'), url
        assert api(task_force).get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304, url
    url = reverse("complaint-detail", args=[complaint.pk])
    tag = api(task_force).get(url)["ETag"]
    Complaint.objects.filter(pk=complaint.pk).update(status="已办结")
    assert api(task_force).get(url, HTTP_IF_NONE_MATCH=tag).status_code == 200
