"""Field level (issue 8): "a company that posts `status`, `township`, `score` or another company's id changes
nothing; an object cannot be moved out of one's own scope."

Every endpoint a company or a township writes to is posted the fields it does not offer, next to one it
does; the test then reads the row back and checks that only the offered field moved.
"""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from campaigns.models import Campaign, SelfCheck
from complaints.models import Complaint
from ledgers import orders
from ledgers.models import LedgerItem, OrderResponse
from tests.ledgers.conftest import make_item

# What a hostile form or API client adds to an honest request.
SMUGGLED = {
    "status": "closed",
    "escalation_level": "city",
    "closed_at": "2026-01-01T00:00:00Z",
    "score": "100",
    "reference": "TZ-FAKE",
    "source_ref": "complaint:1",
    "created_by": 1,
    "region_path": "/",
    "decision": "accepted",
    "decided_by": 1,
}


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def other_campaign(county) -> Campaign:
    return Campaign.objects.create(slug="other", title="另一行动", jurisdiction=county)


@pytest.fixture
def item(project_a, campaign) -> LedgerItem:
    return make_item(project_a, campaign, problem="消防通道被占用")


def foreign_ids(project_y, company_y_org, township_b_region, other_campaign) -> dict:
    return {
        "township": township_b_region.pk,
        "company": company_y_org.pk,
        "project": project_y.pk,
        "campaign": other_campaign.pk,
    }


def unchanged(item: LedgerItem, before: LedgerItem) -> None:
    item.refresh_from_db()
    for field in ("status", "township_id", "company_id", "project_id", "campaign_id", "region_path"):
        assert getattr(item, field) == getattr(before, field), field
    assert (item.escalation_level, item.closed_at, item.reference) == ("", None, before.reference)
    assert (item.source_ref, item.created_by_id) == (before.source_ref, before.created_by_id)


# --- ledger item edit: API and page --------------------------------------------------------------------


def test_a_company_patching_status_scope_and_foreign_ids_changes_only_its_progress(
    company_x, item, project_y, company_y_org, township_b_region, other_campaign
):
    before = LedgerItem.objects.get(pk=item.pk)
    body = {
        "progress_note": "已清理",
        **SMUGGLED,
        **foreign_ids(project_y, company_y_org, township_b_region, other_campaign),
    }
    response = api(company_x).patch(reverse("ledger-item-detail", args=[item.pk]), body, format="json")
    assert response.status_code == 200, response.json()
    unchanged(item, before)
    assert item.progress_note == "已清理"


def test_a_company_may_not_patch_a_township_field(company_x, item):
    response = api(company_x).patch(
        reverse("ledger-item-detail", args=[item.pk]), {"deadline": "2030-01-01"}, format="json"
    )
    assert response.status_code == 403 and "完成时限" in response.json()["detail"]
    item.refresh_from_db()
    assert item.deadline is None


def test_a_township_cannot_move_an_item_to_another_townships_project_or_campaign(
    township_a, item, project_y, company_y_org, township_b_region, other_campaign
):
    before = LedgerItem.objects.get(pk=item.pk)
    body = {
        "remarks": "镇街备注",
        **SMUGGLED,
        **foreign_ids(project_y, company_y_org, township_b_region, other_campaign),
    }
    response = api(township_a).put(
        reverse("ledger-item-detail", args=[item.pk]), {**body, "problem": item.problem}, format="json"
    )
    assert response.status_code == 200, response.json()
    unchanged(item, before)
    assert item.remarks == "镇街备注"


def test_creating_through_the_api_takes_scope_from_the_project_not_the_body(
    company_x, project_a, campaign, company_y_org, township_b_region
):
    body = {
        "campaign": campaign.pk,
        "project": project_a.pk,
        "problem": "井盖缺失",
        **SMUGGLED,
        "township": township_b_region.pk,
        "company": company_y_org.pk,
    }
    response = api(company_x).post(reverse("ledger-item-list"), body, format="json")
    assert response.status_code == 201, response.json()
    created = LedgerItem.objects.get(pk=response.json()["id"])
    assert (created.township_id, created.company_id) == (project_a.township_id, project_a.company_id)
    assert (created.status, created.escalation_level, created.source_ref) == ("registered", "", "")
    assert created.reference != "TZ-FAKE" and created.region_path == project_a.region_path


def test_a_company_cannot_log_an_item_on_another_companys_project(company_x, project_y, campaign):
    body = {"campaign": campaign.pk, "project": project_y.pk, "problem": "x"}
    assert api(company_x).post(reverse("ledger-item-list"), body, format="json").status_code == 400
    assert not LedgerItem.objects.exists()


def test_the_edit_page_ignores_what_its_form_does_not_offer(
    client_for, company_x, item, project_y, company_y_org, township_b_region, other_campaign
):
    before = LedgerItem.objects.get(pk=item.pk)
    post = {
        "version": item.version,
        "progress_note": "页面填写",
        "deadline": "2030-01-01",  # a township's field: not in a company's form
        **SMUGGLED,
        **foreign_ids(project_y, company_y_org, township_b_region, other_campaign),
    }
    response = client_for(company_x).post(reverse("ledgers:item_edit", args=[item.pk]), post)
    assert response.status_code == 302
    unchanged(item, before)
    assert (item.progress_note, item.deadline) == ("页面填写", None)


def test_a_foreign_item_cannot_be_edited_at_all(client_for, company_y, item):
    before = LedgerItem.objects.get(pk=item.pk)
    post = {"version": item.version, "progress_note": "越权"}
    assert client_for(company_y).post(reverse("ledgers:item_edit", args=[item.pk]), post).status_code == 404
    patch = api(company_y).patch(reverse("ledger-item-detail", args=[item.pk]), post, format="json")
    assert patch.status_code == 404
    unchanged(item, before)
    assert item.progress_note == ""


def test_quick_entry_takes_scope_from_the_project_and_starts_registered(
    client_for, company_x, project_a, campaign, company_y_org, township_b_region
):
    post = {
        "campaign": campaign.pk,
        "project": project_a.pk,
        "problem": "楼道堆物",
        "source": "self_check",
        **SMUGGLED,
        "township": township_b_region.pk,
        "company": company_y_org.pk,
    }
    assert client_for(company_x).post(reverse("ledgers:item_create"), post).status_code == 302
    created = LedgerItem.objects.get()
    assert (created.township_id, created.company_id, created.status) == (
        project_a.township_id,
        project_a.company_id,
        "registered",
    )
    assert (created.escalation_level, created.source_ref, created.created_by) == ("", "", company_x)


def test_quick_entry_on_another_companys_project_logs_nothing(
    client_for, company_x, project_a, project_y, campaign
):
    post = {"campaign": campaign.pk, "project": project_y.pk, "problem": "x", "source": "self_check"}
    assert client_for(company_x).post(reverse("ledgers:item_create"), post).status_code == 200
    assert not LedgerItem.objects.exists()


def test_a_township_cannot_issue_an_order_on_another_townships_item(township_a, project_b, campaign):
    foreign = make_item(project_b, campaign, problem="路灯损坏")
    body = {"items": [foreign.pk], "deadline": str(date.today() + timedelta(days=10)), "body": "请整改"}
    response = api(township_a).post(reverse("rectification-order-list"), body, format="json")
    assert response.status_code == 400
    assert not OrderResponse.objects.exists()


# --- order responses -----------------------------------------------------------------------------------


@pytest.fixture
def line(township_a, item) -> OrderResponse:
    order = orders.issue(
        user=township_a, items=[item], deadline=date.today() + timedelta(days=15), body="请整改"
    )
    return order.responses.get()


def test_a_companys_answer_cannot_accept_itself_or_point_elsewhere(company_x, line, project_y):
    other = make_item(project_y, line.item.campaign, problem="别人的问题")
    body = {"measures": "已清理", **SMUGGLED, "item": other.pk, "order": 0, "reason": "x"}
    response = api(company_x).post(reverse("order-line-answer", args=[line.pk]), body, format="json")
    assert response.status_code == 200, response.json()
    line.refresh_from_db()
    assert (line.decision, line.decided_by_id, line.item_id, line.reason) == (
        "answered",
        None,
        line.item_id,
        "",
    )
    assert line.item.status == LedgerItem.Status.SUBMITTED  # the answer's own move, nothing more
    other.refresh_from_db()
    assert other.status == LedgerItem.Status.REGISTERED


def test_the_answer_page_ignores_a_smuggled_decision(client_for, company_x, line):
    post = {"measures": "已清理", **SMUGGLED}
    assert (
        client_for(company_x).post(reverse("ledgers:order_answer", args=[line.pk]), post).status_code == 302
    )
    line.refresh_from_db()
    assert (line.decision, line.decided_by_id) == ("answered", None)


def test_a_company_cannot_decide_its_own_answer(company_x, line):
    orders.answer(line, company_x, measures="已清理")
    response = api(company_x).post(
        reverse("order-line-decide", args=[line.pk]), {"accepted": True}, format="json"
    )
    assert response.status_code == 403
    line.refresh_from_db()
    assert line.decision == "answered"


def test_another_company_cannot_answer(company_y, line):
    response = api(company_y).post(
        reverse("order-line-answer", args=[line.pk]), {"measures": "x"}, format="json"
    )
    assert response.status_code == 404
    line.refresh_from_db()
    assert line.decision == ""


# --- complaint resolve ---------------------------------------------------------------------------------


@pytest.fixture
def pending(township_a_region) -> Complaint:
    return Complaint.objects.create(
        ticket="F-1",
        received_at=timezone.now(),
        township=township_a_region,
        region_path=township_a_region.path,
        raw_project_name="阳光小区",
        match_state="unmatched",
    )


def test_resolving_a_complaint_moves_only_its_project_not_its_township(
    client_for, township_a, pending, project_a, township_b_region
):
    post = {"project": project_a.pk, **SMUGGLED, "township": township_b_region.pk, "satisfaction": "满意"}
    response = client_for(township_a).post(reverse("complaints:resolve", args=[pending.pk]), post)
    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.project, pending.township_id, pending.status, pending.satisfaction) == (
        project_a,
        project_a.township_id,
        "",
        "",
    )
    assert pending.region_path == project_a.region_path


def test_a_company_cannot_resolve_a_complaint(client_for, company_x, pending, project_a):
    response = client_for(company_x).post(
        reverse("complaints:resolve", args=[pending.pk]), {"project": project_a.pk}
    )
    assert response.status_code in (403, 404, 409)
    pending.refresh_from_db()
    assert pending.project is None


# --- self-check ----------------------------------------------------------------------------------------


def selfcheck_post(project, **extra) -> dict:
    from campaigns import selfcheck

    template = selfcheck.load_template()
    # Every answer the one that reveals no problem, so the check logs no items.
    answers = {f"q_{q.code}": "是" if q.problem_answer == "否" else "否" for q in template.questions}
    return {"project": project.pk, **answers, **extra}


def test_a_company_cannot_file_a_self_check_for_another_companys_project(
    client_for, company_x, campaign, project_a, project_y
):
    url = reverse("campaigns:selfcheck_fill", args=[campaign.slug])
    response = client_for(company_x).post(url, selfcheck_post(project_y))
    assert response.status_code == 200  # the form again, with its error
    assert not SelfCheck.objects.exists() and not LedgerItem.objects.exists()


def test_a_self_check_takes_company_and_scope_from_the_project(
    client_for, company_x, campaign, project_a, company_y_org
):
    url = reverse("campaigns:selfcheck_fill", args=[campaign.slug])
    post = selfcheck_post(project_a, company=company_y_org.pk, region_path="/", filled_by=1, score="100")
    assert client_for(company_x).post(url, post).status_code == 302
    check = SelfCheck.objects.get()
    assert (check.company_id, check.region_path, check.filled_by) == (
        project_a.company_id,
        project_a.region_path,
        company_x,
    )
