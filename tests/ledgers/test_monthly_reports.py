"""Townships' monthly reports: which month is due when, lateness at the Shanghai midnight, submit, return."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from ledgers import monthly_reports as service
from ledgers.models import MonthlyReport, TypicalCase
from ledgers.workflow import WorkflowError
from orgs.models import Notification
from tests.ledgers.conftest import make_item

SHANGHAI = ZoneInfo("Asia/Shanghai")
INDICATORS = {
    "projects_inspected": "12",
    "problems_found": "8",
    "problems_solved": "5",
    "orders_issued": "2",
    "fines_yuan": "5000.5",
    "meetings_held": "1",
    "typical_cases": "1",
}


@pytest.mark.parametrize(
    ("due_day", "month", "due"),
    [
        (20, "2026-11", date(2026, 11, 20)),  # seed 004: by the 20th of the month itself
        (3, "2026-11", date(2026, 12, 3)),  # seed 001: by the 3rd of the next month
        (3, "2026-12", date(2027, 1, 3)),  # across the year end
        (31, "2026-02", date(2026, 2, 28)),  # a due day past the month's end is its last day
    ],
)
def test_due_date_follows_the_seed_rule(due_day, month, due):
    assert service.due_date(due_day, month) == due


@pytest.mark.parametrize(
    ("due_day", "today", "month"),
    [
        (20, date(2026, 11, 20), "2026-11"),
        (20, date(2026, 11, 21), "2026-12"),
        (3, date(2026, 12, 3), "2026-11"),
    ],
)
def test_month_being_prepared(due_day, today, month):
    assert service.month_due_on(due_day, today) == month


@pytest.mark.parametrize(
    ("submitted", "late"),
    [
        (datetime(2026, 11, 20, 23, 59, 59, tzinfo=SHANGHAI), False),  # 23:59 on the due day is on time
        (datetime(2026, 11, 21, 0, 0, 0, tzinfo=SHANGHAI), True),  # the next day is late
        (datetime(2026, 11, 20, 15, 59, tzinfo=ZoneInfo("UTC")), False),  # 23:59 in Shanghai, stored in UTC
        (datetime(2026, 11, 20, 16, 0, tzinfo=ZoneInfo("UTC")), True),  # 00:00 on the 21st in Shanghai
    ],
)
def test_late_is_judged_at_the_end_of_the_due_day_in_shanghai(submitted, late):
    assert service.is_late(date(2026, 11, 20), submitted, submitted) is late


def test_missing_report_is_late_only_after_the_due_day():
    due = date(2026, 11, 20)
    assert service.is_late(due, None, datetime(2026, 11, 20, 23, 59, tzinfo=SHANGHAI)) is False
    assert service.is_late(due, None, datetime(2026, 11, 21, 0, 0, tzinfo=SHANGHAI)) is True


def test_submission_freezes_the_ledger_and_tells_the_task_force(
    campaign, township_a, task_force, project_a, project_b
):
    item = make_item(project_a, campaign, problem="消防通道被占用")
    make_item(project_b, campaign, problem="别的镇")
    report = service.submit(campaign, township_a, "2026-11", INDICATORS, "本月排查12个项目。")
    assert [row["problem"] for row in report.ledger_rows] == ["消防通道被占用"]
    assert report.indicators["fines_yuan"] == 5000.5 and report.indicators["projects_inspected"] == 12
    item.problem = "改了"
    item.save()
    report.refresh_from_db()
    assert report.ledger_rows[0]["problem"] == "消防通道被占用"
    assert Notification.objects.filter(user=task_force, kind="report_submitted").count() == 1


def test_indicator_must_be_a_number(campaign, township_a):
    with pytest.raises(WorkflowError, match="罚款金额"):
        service.submit(campaign, township_a, "2026-11", {**INDICATORS, "fines_yuan": "五千"}, "")


def test_return_and_resubmit_keeps_the_first_submission_time(campaign, township_a, task_force):
    report = service.submit(campaign, township_a, "2026-11", INDICATORS, "")
    first = report.first_submitted_at
    with pytest.raises(WorkflowError):
        service.submit(campaign, township_a, "2026-11", INDICATORS, "再报")
    service.return_report(report, task_force, "罚款金额与台账不符")
    report.refresh_from_db()
    assert report.status == MonthlyReport.Status.RETURNED
    assert Notification.objects.filter(user=township_a, kind="report_returned").count() == 1
    service.submit(campaign, township_a, "2026-11", {**INDICATORS, "fines_yuan": "3000"}, "已更正")
    report.refresh_from_db()
    assert (report.status, report.indicators["fines_yuan"], report.first_submitted_at) == (
        "submitted",
        3000,
        first,
    )


def test_only_task_force_returns_and_only_with_a_comment(campaign, township_a, township_b, task_force):
    report = service.submit(campaign, township_a, "2026-11", INDICATORS, "")
    with pytest.raises(WorkflowError):
        service.return_report(report, township_b, "不行")
    with pytest.raises(WorkflowError):
        service.return_report(report, task_force, "  ")


def test_reminder_three_days_before_reaches_only_townships_that_have_not_submitted(
    campaign, township_a, township_b
):
    service.submit(campaign, township_a, "2026-11", INDICATORS, "")
    assert service.remind_due(date(2026, 11, 17)) == 1
    assert Notification.objects.filter(kind="report_due").get().user == township_b
    assert service.remind_due(date(2026, 11, 16)) == 0


def test_roll_shows_who_submitted_and_who_is_late(
    client_for, campaign, township_a, township_b, task_force, settings
):
    report = service.submit(campaign, township_a, "2026-10", INDICATORS, "")
    MonthlyReport.objects.filter(pk=report.pk).update(
        first_submitted_at=datetime(2026, 10, 21, 8, tzinfo=SHANGHAI)
    )
    page = (
        client_for(task_force).get(f"/ledgers/reports/?campaign={campaign.pk}&month=2026-10").content.decode()
    )
    assert "逾期报送" in page and "逾期未报" in page


def test_township_sees_only_its_own_reports(client_for, campaign, township_a, township_b):
    report = service.submit(campaign, township_a, "2026-11", INDICATORS, "")
    assert client_for(township_b).get(f"/ledgers/reports/{report.pk}/").status_code == 404
    assert client_for(township_a).get(f"/ledgers/reports/{report.pk}/").status_code == 200


@pytest.mark.parametrize("who", ["company_x", "department"])
def test_companies_and_departments_have_no_report_pages(request, client_for, campaign, township_a, who):
    report = service.submit(campaign, township_a, "2026-11", INDICATORS, "")
    client = client_for(request.getfixturevalue(who))
    assert client.get("/ledgers/reports/").status_code == 404
    assert client.get(f"/ledgers/reports/{report.pk}/").status_code == 404


def test_township_submits_through_the_page(client_for, campaign, township_a):
    client = client_for(township_a)
    response = client.post(
        "/ledgers/reports/submit/", {"campaign": campaign.pk, "month": "2026-11", **INDICATORS}
    )
    report = MonthlyReport.objects.get(township=township_a.region, month="2026-11")
    assert response.status_code == 302 and report.submitted_by == township_a


def test_roll_query_count_does_not_grow_with_townships(
    client_for, campaign, county, task_force, django_assert_max_num_queries
):
    from orgs.models import Region

    for n in range(8):
        Region.objects.create(name=f"第{n}镇", level=Region.Level.TOWNSHIP, parent=county)
    client = client_for(task_force)
    with django_assert_max_num_queries(10):
        assert client.get(f"/ledgers/reports/?campaign={campaign.pk}").status_code == 200


def test_cases_travel_with_the_report_and_only_published_ones_are_public(
    client, campaign, township_a, task_force
):
    data = {
        "kind": "negative",
        "title": "某小区物业擅自收费",
        "happened": "擅自提高停车费",
        "done": "责令退还并罚款",
    }
    case = service.add_case(campaign, township_a, data, None)
    hidden = service.add_case(campaign, township_a, {**data, "title": "尚未公开的案例"}, None)
    report = service.submit(campaign, township_a, "2026-11", INDICATORS, "")
    assert set(report.cases.all()) == {case, hidden}
    service.set_published(case, task_force, True)
    with pytest.raises(WorkflowError):
        service.set_published(hidden, township_a, True)
    page = client.get("/ledgers/cases/public/").content.decode()
    assert "某小区物业擅自收费" in page and "尚未公开的案例" not in page
    assert "bob" not in page
    assert TypicalCase.objects.published().count() == 1
    assert timezone.is_aware(TypicalCase.objects.get(pk=case.pk).published_at)


def test_task_force_sets_the_indicator_form_and_townships_fill_it(
    client_for, campaign, task_force, township_a
):
    client = client_for(task_force)
    text = "meetings_held|召开调度会议（次）\nvisits|入户走访（户）"
    response = client.post("/ledgers/reports/indicators/", {"campaign": campaign.pk, "indicators": text})
    assert response.status_code == 302
    assert [f["key"] for f in service.indicators_of(campaign)] == ["meetings_held", "visits"]
    report = service.submit(campaign, township_a, "2026-11", {"meetings_held": "2", "visits": "40"}, "")
    assert report.indicators == {"meetings_held": 2, "visits": 40}


@pytest.mark.parametrize("text", ["", "罚款|罚款金额", "a|甲\na|乙", "novalue"])
def test_indicator_list_must_be_keys_and_names(text):
    with pytest.raises(WorkflowError):
        service.parse_indicators(text)


def test_township_cannot_set_indicators(client_for, campaign, township_a):
    assert (
        client_for(township_a).post("/ledgers/reports/indicators/", {"indicators": "a|甲"}).status_code == 404
    )


def test_report_workbook_holds_indicators_and_frozen_ledger(
    client_for, campaign, township_a, township_b, project_a
):
    from io import BytesIO

    from openpyxl import load_workbook

    make_item(project_a, campaign, problem="=1+1 楼道堆物")
    report = service.submit(campaign, township_a, "2026-11", INDICATORS, "")
    assert client_for(township_b).get(f"/ledgers/reports/{report.pk}/xlsx/").status_code == 404
    response = client_for(township_a).get(f"/ledgers/reports/{report.pk}/xlsx/")
    book = load_workbook(BytesIO(response.content))
    assert book["成果指标"]["A3"].value == "排查项目数（个）"
    cell = book["整治工作台账"]["D2"]
    assert (cell.value, cell.data_type) == ("=1+1 楼道堆物", "s")


def test_home_panel_tells_township_and_task_force_where_the_month_stands(
    client_for, campaign, township_a, task_force
):
    assert "尚未报送，去填报" in client_for(township_a).get("/").content.decode()
    month = service.month_due_on(campaign.report_due_day, timezone.localdate())
    service.submit(campaign, township_a, month, INDICATORS, "")
    assert "本月月报已报送" in client_for(township_a).get("/").content.decode()
    assert "已报送 1 / 1 个镇（街道）" in client_for(task_force).get("/").content.decode()


def test_township_form_opens_on_a_missed_month_first(campaign, township_a):
    campaign.issued_on = date(2026, 9, 1)
    campaign.save()
    today = date(2026, 11, 24)  # due day 20: December is in preparation, November was missed
    assert service.month_to_fill(campaign, township_a.region, today) == "2026-11"
    service.submit(campaign, township_a, "2026-11", INDICATORS, "")
    assert service.month_to_fill(campaign, township_a.region, today) == "2026-12"
    campaign.issued_on = date(2026, 12, 1)
    campaign.save()
    assert service.month_to_fill(campaign, township_a.region, date(2026, 12, 2)) == "2026-12"


CASE = {"kind": "negative", "title": "擅自收费", "happened": "擅自提高停车费", "done": "责令退还"}


def test_a_case_cannot_name_a_company_that_does_not_serve_the_township(
    campaign, township_a, project_a, project_y, company_y_org
):
    """Company Y serves only township B: the service refuses it for township A, whatever the caller sends."""
    with pytest.raises(WorkflowError, match="物业企业未在本镇"):
        service.add_case(campaign, township_a, {**CASE, "company": company_y_org.pk}, None)
    assert not TypicalCase.objects.exists()


def test_a_case_may_name_a_company_serving_the_township(campaign, township_a, project_a, company_x_org):
    case = service.add_case(campaign, township_a, {**CASE, "company": company_x_org.pk}, None)
    assert (case.company, case.project, case.township) == (company_x_org, None, project_a.township)


def test_a_case_on_a_project_takes_that_projects_company_not_the_one_posted(
    campaign, township_a, project_a, company_y_org
):
    case = service.add_case(
        campaign, township_a, {**CASE, "project": project_a.pk, "company": company_y_org.pk}, None
    )
    assert (case.project, case.company) == (project_a, project_a.company)


def test_a_case_cannot_be_filed_under_a_campaign_outside_the_township(campaign, township_a, county):
    from campaigns.models import Campaign
    from orgs.models import Region

    elsewhere = Region.objects.create(name="外县", level=Region.Level.DISTRICT, parent=county.parent)
    foreign = Campaign.objects.create(title="外县行动", slug="waixian", jurisdiction=elsewhere)
    with pytest.raises(WorkflowError, match="不在本账号的范围内"):
        service.add_case(foreign, township_a, CASE, None)
