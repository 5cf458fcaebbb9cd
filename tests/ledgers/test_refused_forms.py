"""Nothing typed is lost (issue 14): when an upload or a field is refused, the form comes back with
everything else the person typed, and the file field says to choose the file again."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ledgers import orders
from ledgers.models import Evidence, LedgerItem, TypicalCase

AGAIN = "请重新选择文件"
MEASURES = "已清理楼道杂物，张贴禁止堆放告示，物业每日巡查两次。"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def hostile() -> SimpleUploadedFile:
    """A page named like a photo: refused by its content, not its name."""
    return SimpleUploadedFile("IMG_2031.jpg", b"<?php system($_GET['c']); ?>", content_type="image/jpeg")


@pytest.fixture
def line(township_a, item_a):
    order = orders.issue(
        user=township_a, items=[item_a], deadline=date.today() + timedelta(days=15), body="请整改"
    )
    return order.responses.get()


def test_a_refused_photo_brings_the_companys_measures_back(client_for, company_x, line, item_a):
    """Fails on the old code: it redirected to the order and the 整改措施 text was gone."""
    url = reverse("ledgers:order_answer", args=[line.pk])
    response = client_for(company_x).post(url, {"measures": MEASURES, "photo": hostile()})
    assert response.status_code == 400
    page = response.content.decode()
    assert MEASURES in page and AGAIN in page and "拒绝上传" in page
    line.refresh_from_db()
    item_a.refresh_from_db()
    assert (line.decision, line.measures, item_a.status) == ("", "", "registered")


def test_an_answer_without_measures_keeps_the_field_and_says_what_is_missing(client_for, company_x, line):
    response = client_for(company_x).post(reverse("ledgers:order_answer", args=[line.pk]), {"measures": ""})
    assert response.status_code == 400 and "该字段是必填项" in response.content.decode()


def test_another_companys_line_is_still_404(client_for, company_y, line):
    response = client_for(company_y).post(
        reverse("ledgers:order_answer", args=[line.pk]), {"measures": MEASURES}
    )
    assert response.status_code == 404


def test_a_refused_evidence_file_keeps_the_chosen_kind(client_for, township_a, item_a):
    url = reverse("ledgers:evidence_upload", args=[item_a.pk])
    response = client_for(township_a).post(url, {"kind": "after", "file": hostile()})
    assert response.status_code == 400
    page = response.content.decode()
    assert '<option value="after" selected>' in page and AGAIN in page
    assert not Evidence.objects.exists()


def test_quick_entry_with_a_refused_photo_keeps_the_problem_text(client_for, township_a, project_a, campaign):
    data = {
        "campaign": campaign.pk,
        "project": project_a.pk,
        "problem": "消防通道被电动车堵塞",
        "source": "inspection",
    }
    response = client_for(township_a).post(reverse("ledgers:item_create"), {**data, "photo": hostile()})
    assert response.status_code == 200
    form = response.context["form"]
    assert "拒绝上传" in " ".join(form.errors["photo"])
    assert "消防通道被电动车堵塞" in response.content.decode() and AGAIN in response.content.decode()
    assert not LedgerItem.objects.exists()


def test_a_typical_case_with_a_refused_photo_keeps_what_was_written(
    client_for, township_a, campaign, project_a
):
    """Fails on the old code: the case form came back empty after a redirect."""
    data = {
        "campaign": campaign.pk,
        "kind": "negative",
        "title": "某物业擅自占用公共收益",
        "happened": "经查……",
        "done": "责令退还",
    }
    response = client_for(township_a).post(reverse("ledgers:case_create"), {**data, "photo": hostile()})
    assert response.status_code == 400
    page = response.content.decode()
    assert "某物业擅自占用公共收益" in page and "责令退还" in page and AGAIN in page
    assert not TypicalCase.objects.exists()


def test_a_refused_monthly_report_comes_back_with_its_figures_and_text(client_for, township_a, campaign):
    """Fails on the old code: a refused figure redirected to an empty form."""
    from ledgers.models import MonthlyReport
    from tests.ledgers.test_monthly_reports import INDICATORS

    typed = {**INDICATORS, "fines_yuan": "-5", "summary": "本月排查12个小区，约谈物业企业2家。"}
    client = client_for(township_a)
    response = client.post(
        reverse("ledgers:report_submit"), {"campaign": campaign.pk, "month": "2026-11", **typed}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "不能为负数" in page and "本月排查12个小区，约谈物业企业2家。" in page
    assert 'value="-5"' in page and 'value="5000.5"' not in page and 'value="12"' in page
    assert 'name="month" value="2026-11"' in page
    assert not MonthlyReport.objects.exists()
