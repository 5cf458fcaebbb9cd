"""The company can object (异议, issue 16): within the campaign's working days, with reasons and
files checked like ledger evidence; the task force upholds (action withdrawn, reason kept) or
rejects with a reason; history keeps who, when, before and after."""

from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns import objections
from campaigns.models import Action, Objection
from complaints.monthly import compute_month
from complaints.rules import SHANGHAI
from orgs.models import Notification
from tests.campaigns.test_action_register import proposal
from tests.campaigns.test_action_sources import streak_action  # noqa: F401 - the fixture
from tests.samples.photos import camera_jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def action(campaign, project_a):
    return proposal(campaign, project_a)


def post_objection(client, action, reasons="7月的诉求实际属于相邻的阳光家园", files=()):
    return client.post(
        reverse("actions:object", args=[action.pk]), {"reasons": reasons, "files": list(files)}
    )


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 12, 4), 5, date(2026, 12, 11)),  # a Friday: the next Friday
        (date(2026, 12, 7), 5, date(2026, 12, 14)),  # a Monday: the next Monday
        (date(2026, 12, 5), 1, date(2026, 12, 7)),  # a Saturday: Monday
        (date(2026, 12, 7), 0, date(2026, 12, 7)),
    ],
)
def test_working_days_skip_weekends(start, days, expected):
    assert objections.add_working_days(start, days) == expected


def test_the_period_runs_from_the_confirmation_when_it_is_later(action, task_force):
    Action.objects.filter(pk=action.pk).update(created_at=datetime(2026, 11, 2, 9, tzinfo=SHANGHAI))
    action.refresh_from_db()
    assert objections.deadline(action) == date(2026, 11, 9)
    action.decided_at = datetime(2026, 11, 20, 23, 30, tzinfo=SHANGHAI)  # a Friday night in Shanghai
    assert objections.deadline(action) == date(2026, 11, 27)


def test_the_company_objects_from_its_phone_with_a_camera_photo(client_for, company_x, task_force, action):
    photo = SimpleUploadedFile("IMG_2031.jpg", camera_jpeg(), content_type="image/jpeg")

    response = post_objection(client_for(company_x), action, files=[photo])

    assert response.status_code == 302
    objection = Objection.objects.get(action=action)
    assert (objection.status, objection.company, objection.filed_by) == (
        "pending",
        company_x.company,
        company_x,
    )
    stored = objection.files.get()
    assert stored.original_name == "IMG_2031.jpg" and stored.content_type == "image/jpeg"
    assert Notification.objects.filter(user=task_force, title__contains="提出异议").exists()
    assert client_for(company_x).get(reverse("actions:objection_file", args=[stored.pk])).status_code == 200


def test_a_hostile_file_is_refused_by_name_and_the_reasons_come_back(client_for, company_x, action):
    page = SimpleUploadedFile(
        "证明.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg"
    )

    response = post_objection(client_for(company_x), action, reasons="项目经理已于6月离任", files=[page])

    assert response.status_code == 200 and not Objection.objects.exists()
    html = response.content.decode()
    assert "证明.jpg" in html and "项目经理已于6月离任" in html


def test_only_the_company_concerned_may_object_and_only_within_the_period(
    client_for, company_y, township_a, company_x, action
):
    assert post_objection(client_for(company_y), action).status_code == 404  # not even visible
    assert post_objection(client_for(township_a), action).status_code == 403
    Action.objects.filter(pk=action.pk).update(created_at=datetime(2020, 1, 6, tzinfo=SHANGHAI))
    late = post_objection(client_for(company_x), action)
    assert late.status_code == 403 and "异议期限已过" in late.content.decode()
    assert not Objection.objects.exists()


def test_a_second_objection_waits_for_the_first(company_x, action):
    objections.file_objection(action, company_x, "理由一")
    with pytest.raises(objections.ObjectionError, match="正在处理"):
        objections.file_objection(action, company_x, "理由二")


def test_an_upheld_objection_withdraws_the_action_and_keeps_the_reason(
    client_for, company_x, task_force, action
):
    objection = objections.file_objection(action, company_x, "诉求属于其他项目")

    response = client_for(task_force).post(
        reverse("actions:objection_decide", args=[objection.pk]),
        {"outcome": "uphold", "decision": "核实属实"},
    )

    assert response.status_code == 302
    objection.refresh_from_db()
    action.refresh_from_db()
    assert objection.status == "upheld" and objection.decided_by == task_force
    assert action.status == Action.Status.WITHDRAWN and action.reason == "异议成立：核实属实"
    before, after = list(action.history.order_by("history_date"))[-2:]
    assert (before.status, after.status, after.history_user) == ("proposed", "withdrawn", task_force)
    assert Notification.objects.filter(user=company_x, title__contains="成立").exists()


def test_a_rejection_needs_a_reason_and_leaves_the_action_standing(client_for, company_x, task_force, action):
    objection = objections.file_objection(action, company_x, "不服")
    client = client_for(task_force)

    client.post(
        reverse("actions:objection_decide", args=[objection.pk]), {"outcome": "reject", "decision": ""}
    )
    objection.refresh_from_db()
    assert objection.status == "pending"

    client.post(
        reverse("actions:objection_decide", args=[objection.pk]),
        {"outcome": "reject", "decision": "数据无误"},
    )
    objection.refresh_from_db()
    action.refresh_from_db()
    assert objection.status == "rejected" and objection.decision == "数据无误"
    assert action.status == Action.Status.PROPOSED


def test_a_township_cannot_decide_an_objection(client_for, company_x, township_a, action):
    objection = objections.file_objection(action, company_x, "不服")

    client_for(township_a).post(
        reverse("actions:objection_decide", args=[objection.pk]), {"outcome": "uphold", "decision": "x"}
    )

    objection.refresh_from_db()
    assert objection.status == "pending"


def test_a_rerun_leaves_an_action_withdrawn_by_an_upheld_objection(company_x, task_force, streak_action):  # noqa: F811
    objection = objections.file_objection(streak_action, company_x, "诉求属于其他项目")
    objections.uphold(objection, task_force, "核实属实")

    compute_month(streak_action.campaign, "2024-08")

    again = Action.objects.filter(campaign=streak_action.campaign, period="2024-08", kind=streak_action.kind)
    assert [(a.pk, a.status) for a in again] == [(streak_action.pk, Action.Status.WITHDRAWN)]


def test_a_rerun_that_no_longer_supports_an_objected_proposal_keeps_it_withdrawn(company_x, campaign, action):
    """Found by the access matrix: the rerun deleted the proposal and hit the objection's PROTECT."""
    objection = objections.file_objection(action, company_x, "诉求属于其他项目")
    Action.objects.filter(pk=action.pk).update(period="2024-08", target_id=10**9)

    compute_month(campaign, "2024-08")

    action.refresh_from_db()
    assert action.status == Action.Status.WITHDRAWN and "重新计算" in action.reason
    assert Objection.objects.get(pk=objection.pk).action_id == action.pk
