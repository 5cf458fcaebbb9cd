"""The residents' channel (码上办/随手拍): the QR page, the report, its limits, the status check."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from complaints import residents
from complaints.models import Complaint, ResidentReport
from complaints.workflow import to_ledger_item
from ledgers.models import LedgerItem
from orgs.models import Notification
from tests.samples import pdfs

PHONE = "13812345678"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def jpeg(width: int = 400, height: int = 300) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "JPEG")
    return SimpleUploadedFile("楼道.jpg", out.getvalue(), content_type="image/jpeg")


def form(**overrides) -> dict:
    data = {"category": "设施设备（电梯、门禁、照明等）", "description": "3号楼电梯停运两天", "phone": PHONE}
    return {**data, **overrides}


def post_report(project, client=None, ip="203.0.113.9", **overrides):
    client = client or Client()
    url = reverse("residents:report", args=[project.public_token])
    return client.post(url, form(**overrides), REMOTE_ADDR=ip)


def reported(project, **overrides) -> tuple[Complaint, str]:
    """A report sent through the page; returns the complaint and the check code the resident saw."""
    client = Client()
    response = post_report(project, client, **overrides)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response["Location"]).content.decode()
    code = re.search(r'data-testid="check-code">([A-Z0-9-]+)<', page).group(1)
    return Complaint.objects.get(
        resident_report__isnull=False, content=form(**overrides)["description"]
    ), code


def test_a_report_becomes_a_snapshot_complaint_on_the_project_of_the_token(project_a):
    complaint, code = reported(project_a, photo=jpeg())
    assert (complaint.channel, complaint.project, complaint.township_id) == (
        "snapshot", project_a, project_a.township_id,
    )  # fmt: skip
    assert (complaint.match_state, complaint.match_method, complaint.status) == ("matched", "qr", "已受理")
    report = complaint.resident_report
    assert report.phone == PHONE and report.photo and report.photo_type == "image/jpeg"
    assert code.replace("-", "") not in report.code_hash and len(code) == 11


def test_township_officers_and_company_users_of_the_project_are_notified(
    project_a, township_a, township_b, company_x, company_y, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complaint, _ = reported(project_a)
    told = set(Notification.objects.filter(kind="resident_report").values_list("user__username", flat=True))
    assert told == {township_a.username, company_x.username}
    assert Notification.objects.filter(url=reverse("complaints:detail", args=[complaint.pk])).count() == 2


@pytest.mark.parametrize("who", ["township_a", "company_x", "task_force"])
def test_the_township_and_the_company_of_the_project_see_the_report(request, client_for, project_a, who):
    complaint, _ = reported(project_a)
    user = request.getfixturevalue(who)
    response = client_for(user).get(reverse("complaints:detail", args=[complaint.pk]))
    assert response.status_code == 200
    assert "3号楼电梯停运两天" in response.content.decode()
    assert complaint.pk in {c.pk for c in client_for(user).get(reverse("complaints:list")).context["page"]}


@pytest.mark.parametrize("who", ["township_b", "company_y"])
def test_another_township_or_company_gets_404_on_the_report_and_its_photo(
    request, client_for, project_a, who
):
    complaint, _ = reported(project_a, photo=jpeg())
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("complaints:detail", args=[complaint.pk])).status_code == 404
    assert client.get(reverse("residents:photo", args=[complaint.pk])).status_code == 404
    assert client.post(reverse("residents:reply", args=[complaint.pk]), {"reply": "x"}).status_code == 404
    assert complaint.pk not in {c.pk for c in client.get(reverse("complaints:list")).context["page"]}


def test_only_the_township_sees_the_residents_phone_the_company_does_not(
    client_for, project_a, township_a, company_x
):
    complaint, _ = reported(project_a)
    url = reverse("complaints:detail", args=[complaint.pk])
    assert PHONE in client_for(township_a).get(url).content.decode()
    assert PHONE not in client_for(company_x).get(url).content.decode()


def test_the_photo_is_served_only_through_the_scoped_view_as_a_reencoded_image(
    client_for, project_a, township_a, settings
):
    complaint, _ = reported(project_a, photo=jpeg())
    url = reverse("residents:photo", args=[complaint.pk])
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    response = client_for(township_a).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg" and response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    stored = complaint.resident_report.photo.name
    assert stored.startswith("resident-photos/") and "楼道" not in stored
    assert Client().get("/media/" + stored).status_code == 404


def test_a_php_file_renamed_jpg_is_refused(project_a):
    php = SimpleUploadedFile("photo.jpg", b"<?php system($_GET['c']); ?>", content_type="image/jpeg")
    response = post_report(project_a, photo=php)
    assert response.status_code == 400
    assert "不支持的文件类型" in response.content.decode() or "脚本" in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_pdf_is_refused_as_a_photo(project_a):
    pdf = SimpleUploadedFile("photo.jpg", pdfs.PLAIN)
    response = post_report(project_a, photo=pdf)
    assert response.status_code == 400 and "只能上传照片" in response.content.decode()
    assert not Complaint.objects.exists()


def test_an_oversized_photo_is_refused(project_a, settings):
    settings.RESIDENT_PHOTO_MAX_BYTES = 10_000
    response = post_report(project_a, photo=jpeg(2000, 2000))
    assert response.status_code == 400 and "照片过大" in response.content.decode()
    assert not ResidentReport.objects.exists()


def test_the_honeypot_refuses_a_robot_without_recording_anything(project_a, township_a):
    response = post_report(project_a, website="http://spam.example")
    assert response.status_code == 400
    assert not Complaint.objects.exists() and not Notification.objects.exists()


@pytest.mark.parametrize("phone", ["12812345678", "1381234567", "138123456789", "+8613812345678"])
def test_a_phone_that_is_not_a_chinese_mobile_is_refused(project_a, phone):
    response = post_report(project_a, phone=phone)
    assert response.status_code == 400 and "11 位手机号码" in response.content.decode()
    assert not Complaint.objects.exists()


def test_the_sixth_report_from_one_address_within_an_hour_is_refused(project_a, settings):
    settings.RESIDENT_REPORTS_PER_IP_HOUR = 5
    for n in range(5):
        assert post_report(project_a, phone=f"1390000000{n}").status_code == 302
    refused = post_report(project_a, phone="13900000009")
    assert refused.status_code == 429 and "同一网络每小时最多提交 5 条" in refused.content.decode()
    assert post_report(project_a, ip="198.51.100.7", phone="13900000009").status_code == 302
    assert Complaint.objects.count() == 6


def test_the_fourth_report_from_one_phone_within_a_day_is_refused(project_a, settings):
    settings.RESIDENT_REPORTS_PER_PHONE_DAY = 3
    for n in range(3):
        assert post_report(project_a, ip=f"203.0.113.{n}").status_code == 302
    refused = post_report(project_a, ip="203.0.113.50")
    assert refused.status_code == 429 and "该手机号今天已提交 3 条" in refused.content.decode()
    assert Complaint.objects.count() == 3


def test_an_unknown_token_is_404_and_the_project_id_does_not_work(project_a):
    assert Client().get(reverse("residents:report", args=["not-a-token"])).status_code == 404
    assert Client().get(reverse("residents:report", args=[str(project_a.pk)])).status_code == 404


def test_the_public_page_shows_only_public_facts(project_a, company_x_org):
    company_x_org.phone = "0411-88886666"
    company_x_org.save()
    complaint, _ = reported(project_a)
    page = Client().get(reverse("residents:report", args=[project_a.public_token])).content.decode()
    assert project_a.name in page and company_x_org.name in page and "0411-88886666" in page
    assert "12345" in page and PHONE not in page and complaint.content not in page
    scoring_page = Client().get(reverse("public:project", args=[project_a.public_token])).content.decode()
    assert PHONE not in scoring_page and complaint.content not in scoring_page


def check(code: str, tail: str, ip: str = "192.0.2.1"):
    return Client().post(reverse("residents:status"), {"code": code, "phone_tail": tail}, REMOTE_ADDR=ip)


def _result(response) -> str:
    """The page without the CSRF token, which differs between any two responses."""
    return re.sub(r'value="[^"]+"', "", re.sub(r'"X-CSRFToken": "[^"]+"', "", response.content.decode()))


def test_the_status_check_shows_the_state_and_the_public_reply_only(client_for, project_a, township_a):
    complaint, code = reported(project_a)
    response = check(code.lower(), PHONE[-4:])
    page = response.content.decode()
    assert "已受理" in page and PHONE not in page and complaint.ticket not in page
    client_for(township_a).post(
        reverse("residents:reply", args=[complaint.pk]), {"reply": "已通知物业维修电梯", "close": "on"}
    )
    page = check(code, PHONE[-4:]).content.decode()
    assert "已办结" in page and "已通知物业维修电梯" in page


def test_a_wrong_code_and_wrong_phone_digits_give_the_same_page_as_an_unknown_code(project_a):
    _, code = reported(project_a)
    unknown = check("ZZZZZ-ZZZZZ", "0000")
    wrong_tail = check(code, "0000")
    assert unknown.status_code == wrong_tail.status_code == 200
    assert "未找到" in unknown.content.decode()
    assert _result(unknown) == _result(wrong_tail)


def test_status_checks_beyond_the_hourly_limit_are_refused(project_a, settings):
    settings.RESIDENT_LOOKUPS_PER_IP_HOUR = 3
    _, code = reported(project_a)
    for _ in range(3):
        assert check("ZZZZZ-ZZZZZ", "0000").status_code == 200
    refused = check(code, PHONE[-4:])
    assert refused.status_code == 429 and "查询过于频繁" in refused.content.decode()
    assert "已受理" not in refused.content.decode()


@pytest.mark.parametrize(
    "progress, expected",
    [
        (residents.Progress(False, "", False), "已受理"),
        (residents.Progress(True, "registered", False), "处理中"),
        (residents.Progress(True, "submitted", False), "处理中"),
        (residents.Progress(True, "closed", False), "已办结"),
        (residents.Progress(True, "withdrawn", False), "已办结"),
        (residents.Progress(False, "", True), "已办结"),
    ],
)
def test_the_public_status_follows_the_ledger_item_and_the_reply(progress, expected):
    assert residents.public_status(progress) == expected


def test_a_report_turns_into_a_snapshot_ledger_item_and_the_resident_sees_it_in_hand(
    project_a, township_a, campaign
):
    complaint, code = reported(project_a)
    item = to_ledger_item(complaint, township_a)
    assert item.source == LedgerItem.Source.SNAPSHOT and item.project == project_a
    assert "处理中" in check(code, PHONE[-4:]).content.decode()


def test_the_residents_photo_becomes_the_ledger_items_before_evidence(project_a, township_a, campaign):
    complaint, _ = reported(project_a, photo=jpeg())
    item = to_ledger_item(complaint, township_a)
    evidence = item.evidence.get()
    assert evidence.kind == "before" and evidence.content_type == "image/jpeg" and evidence.size > 0
    assert item.events.filter(move="evidence").exists()


def test_the_poster_shows_the_qr_of_the_token_page_and_is_scoped(
    client_for, project_a, township_a, township_b
):
    response = client_for(township_a).get(reverse("residents:poster", args=[project_a.pk]))
    page = response.content.decode()
    assert "扫码反映物业问题" in page and project_a.public_token in page and "12345" in page
    qr = client_for(township_a).get(reverse("residents:poster_qr", args=[project_a.pk]))
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    assert client_for(township_b).get(reverse("residents:poster", args=[project_a.pk])).status_code == 404
    assert client_for(township_b).get(reverse("residents:poster_qr", args=[project_a.pk])).status_code == 404


def test_the_poster_list_holds_only_the_users_projects(
    client_for, projects, township_a, django_assert_max_num_queries
):
    client = client_for(township_a)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("residents:posters")).context["page"]
    assert {p.pk for p in page} == {projects["a"].pk}


def test_the_check_code_is_shown_once(project_a):
    client = Client()
    response = post_report(project_a, client)
    assert "check-code" in client.get(response["Location"]).content.decode()
    assert client.get(response["Location"]).status_code == 302


def test_the_page_with_the_check_code_and_the_status_answer_are_never_cached(project_a):
    client = Client()
    shown = client.get(post_report(project_a, client)["Location"])
    answered = client.post(reverse("residents:status"), {"code": "ABCD-EFGH-JKLM", "phone_tail": "1234"})
    for response in (shown, answered):
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_old_status_checks_of_an_address_are_forgotten(project_a, settings):
    from datetime import timedelta

    from django.utils import timezone

    from complaints.models import StatusLookup

    settings.RESIDENT_LOOKUPS_PER_IP_HOUR = 2
    for _ in range(2):
        check("ZZZZZ-ZZZZZ", "0000")
    StatusLookup.objects.update(at=timezone.now() - timedelta(hours=2))
    assert check("ZZZZZ-ZZZZZ", "0000").status_code == 200
    assert StatusLookup.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_reports_sent_at_the_same_moment_cannot_both_pass_the_phone_limit(project_a, settings):
    """Eight threads at once with a limit of one: the lock lets exactly one through (PostgreSQL)."""
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers by itself (BEGIN IMMEDIATE); the lock is PostgreSQL's")
    settings.RESIDENT_REPORTS_PER_PHONE_DAY = 1
    outcomes: list[str] = []
    start = threading.Barrier(8)

    def send(n: int) -> None:
        start.wait()
        try:
            residents.submit(
                project_a, category="其他", description="同时提交", phone=PHONE, ip=f"203.0.113.{n}"
            )
            outcomes.append("ok")
        except residents.RateLimited:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok"] + ["refused"] * 7
    assert ResidentReport.objects.count() == 1


def test_the_demo_step_leaves_reports_whose_codes_it_printed_working(db, monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    from orgs import demo

    monkeypatch.setattr(demo, "DEMO_STEPS", ["orgs.demo.populate", "complaints.resident_demo.populate"])
    out = StringIO()
    call_command("load_demo", "--size", "small", "--seed", "3", stdout=out)
    printed = re.findall(r"查询码 ([A-Z0-9-]+)（手机号后四位 (\d{4})）", out.getvalue())
    assert len(printed) == ResidentReport.objects.count() == 3
    assert all("已受理" in check(code, tail).content.decode() for code, tail in printed)


def test_a_check_code_still_works_after_the_secret_key_is_rotated(project_a, settings):
    _, code = reported(project_a)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    assert "已受理" in check(code, PHONE[-4:]).content.decode()


@pytest.mark.parametrize(
    ("user_fixture", "closes"),
    [("township_a", True), ("task_force", True), ("admin_user", True), ("company_x", False)],
)
def test_a_company_answers_a_complaint_about_itself_but_only_the_township_or_task_force_closes_it(
    request, client_for, project_a, user_fixture, closes
):
    """Fails on the old code: the company serving 阳光花园 could tick 已办结 on its own complaint."""
    complaint, _ = reported(project_a)
    client = client_for(request.getfixturevalue(user_fixture))
    detail = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert ('name="close"' in detail) is closes
    response = client.post(
        reverse("residents:reply", args=[complaint.pk]), {"reply": "已维修", "close": "on"}
    )
    assert response.status_code == 302
    report = ResidentReport.objects.get(complaint=complaint)
    assert (report.closed_at is not None) is closes
    if not closes:
        assert report.reply == "" and "是否办结由镇街或专班确认" in client.get(response.url).content.decode()


def test_a_companys_answer_is_saved_and_the_township_closes_it_later(
    client_for, project_a, company_x, township_a
):
    complaint, _ = reported(project_a)
    url = reverse("residents:reply", args=[complaint.pk])
    client_for(company_x).post(url, {"reply": "已更换门禁电源"})
    report = ResidentReport.objects.get(complaint=complaint)
    assert (report.reply, report.replied_by, report.closed_at) == ("已更换门禁电源", company_x, None)
    client_for(township_a).post(url, {"reply": "已核实，门禁恢复", "close": "on"})
    report.refresh_from_db()
    assert report.closed_at is not None and report.replied_by == township_a


def test_a_department_may_neither_answer_nor_close(client_for, project_a, department):
    complaint, _ = reported(project_a)
    client_for(department).post(
        reverse("residents:reply", args=[complaint.pk]), {"reply": "x", "close": "on"}
    )
    report = ResidentReport.objects.get(complaint=complaint)
    assert (report.reply, report.closed_at) == ("", None)


def test_a_refused_photo_keeps_what_the_resident_wrote(project_a):
    hostile = SimpleUploadedFile(
        "楼道.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg"
    )
    response = post_report(project_a, photo=hostile, description="5号楼地下室积水发臭")
    page = response.content.decode()
    assert response.status_code >= 400 and "5号楼地下室积水发臭" in page and "请重新选择文件" in page
    assert not ResidentReport.objects.exists()
