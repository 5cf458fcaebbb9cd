"""Chinese, local, human: history in field labels and local dates, error pages in Chinese, no English labels."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from complaints.models import Complaint, ComplaintChange, ImportBatch
from ledgers.models import LedgerEvent
from tests.ledgers.conftest import make_item

UTC = ZoneInfo("UTC")


@pytest.fixture
def item(project_a, campaign):
    return make_item(project_a, campaign, problem="消防通道被占用")


def test_ledger_history_shows_field_labels_and_shanghai_time(client, township_a, item):
    # Recorded as the workflow records it: aware datetimes in UTC ISO form, dates in ISO form.
    LedgerEvent.objects.create(
        item=item,
        move="accept",
        changes={"closed_at": [None, "2026-12-07T23:33:00+00:00"], "deadline": ["2026-12-03", "2027-01-25"]},
    )
    client.force_login(township_a)

    body = client.get(reverse("ledgers:item_detail", args=[item.pk])).content.decode()

    assert "销号时间：<del>—</del> → 2026年12月8日 07:33" in body
    assert "完成时限：<del>2026年12月3日</del> → 2027年1月25日" in body
    assert "2026-12-07T23:33" not in body and "closed_at" not in body


def test_complaint_history_shows_field_labels_and_names_not_ids(client, task_force, project_a):
    complaint = Complaint.objects.create(
        ticket="T1",
        received_at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
        township=project_a.township,
        region_path=project_a.region_path,
        project=project_a,
        match_state="matched",
        match_method="manual",
    )
    ComplaintChange.objects.create(complaint=complaint, field="project", before="", after=str(project_a.pk))
    ComplaintChange.objects.create(complaint=complaint, field="status", before="办理中", after="已办结")
    client.force_login(task_force)

    body = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()

    assert f"项目：— → {project_a.name}" in body
    assert "办理状态：办理中 → 已办结" in body
    assert "人工确认" in body
    assert "manual" not in body and "project：" not in body


def test_forms_and_filters_offer_a_chinese_empty_choice(client, township_a, campaign):
    client.force_login(township_a)

    for url in (reverse("ledgers:item_create"), reverse("ledgers:item_list")):
        body = client.get(url).content.decode()
        assert "Select an option" not in body and "---------" not in body, url
    assert ">全部</option>" in client.get(reverse("ledgers:item_list")).content.decode()


def test_a_missing_page_is_in_chinese_with_the_sites_look(client, township_a):
    client.force_login(township_a)

    response = client.get("/ledgers/999999/")

    assert response.status_code == 404
    body = response.content.decode()
    assert "找不到这个页面" in body and "app-navbar" in body and "回到首页" in body


def test_a_refused_page_says_why_in_chinese(client, township_a):
    client.force_login(township_a)

    response = client.get(reverse("campaigns:preset_list"))

    assert response.status_code == 403
    body = response.content.decode()
    assert "只有专班和管理员可以载入预设。" in body and "app-navbar" in body


def test_the_error_page_renders_without_a_request_context():
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    body = response.content.decode()
    assert "系统出错了" in body and "app-navbar" in body and "Server Error" not in body


def test_the_public_index_links_every_public_list(client, db):
    body = client.get(reverse("public:index")).content.decode()

    for name in ("campaigns:inspection_public_list", "ledgers:public_cases", "residents:status"):
        assert f'href="{reverse(name)}"' in body, name
    assert "双随机抽查结果" in body and "典型案例" in body


def test_a_public_project_page_links_to_the_online_report_form(client, project_a):
    body = client.get(reverse("public:project", args=[project_a.public_token])).content.decode()

    assert f'href="{reverse("residents:report", args=[project_a.public_token])}"' in body


def test_an_import_batch_is_named_by_its_shanghai_time(db):
    batch = ImportBatch(file_name="12345.xlsx", created_at=datetime(2026, 12, 7, 23, 33, tzinfo=UTC))

    assert str(batch) == "12345.xlsx（2026-12-08 07:33）"
