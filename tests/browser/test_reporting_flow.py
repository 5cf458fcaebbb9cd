"""The task force publishes the week's dispatch (issue 6, "Done when"): open this week's 周调度 from the
navigation, read the charts, write the commentary, publish, and find it in the archive as 第1期."""

from datetime import timedelta

from django.utils import timezone

from ledgers.models import Bulletin
from tests.browser.conftest import expect, login
from tests.ledgers.conftest import make_item


def test_task_force_edits_and_publishes_the_weekly_dispatch(page, task_force, campaign, project_a, project_b):
    last_week = timezone.now() - timedelta(days=7)
    make_item(
        project_a, campaign, problem="消防通道被占用", deadline=timezone.localdate(), created_at=last_week
    )
    make_item(project_b, campaign, problem="路灯损坏", created_at=last_week)
    login(page, task_force)
    page.on("dialog", lambda dialog: dialog.accept())  # 印发 asks before freezing the figures

    page.get_by_role("button", name="台账").click()
    page.get_by_role("link", name="通报", exact=True).click()
    page.get_by_role("button", name="打开周调度").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("物业领域突出问题专项整治工作周调度")
    expect(page.locator("#township-table")).to_contain_text("城关街道")
    page.wait_for_function("() => document.getElementById('chart-items').width > 0")

    page.get_by_label("工作情况").fill("本周各镇街完成排查，城关街道整改进度较快。")
    page.get_by_role("button", name="保存文字").click()
    expect(page.get_by_text("已保存。")).to_be_visible()
    page.get_by_role("button", name="印发（冻结数据）").click()
    expect(page.get_by_text("已印发第1期。")).to_be_visible()
    expect(page.get_by_text("本周各镇街完成排查，城关街道整改进度较快。")).to_be_visible()

    page.get_by_role("link", name="通报存档").click()
    archive = page.locator("#bulletin-archive")
    expect(archive).to_contain_text("周调度")
    expect(archive.get_by_role("link", name="第1期")).to_be_visible()
    bulletin = Bulletin.objects.get(campaign=campaign, kind="weekly")
    assert bulletin.status == "published" and bulletin.snapshot["totals"]["found"] == 2


def test_township_submits_its_monthly_report_on_a_phone(phone_page, township_a, campaign, project_a):
    from ledgers.models import MonthlyReport

    make_item(project_a, campaign, problem="电梯故障")
    page = phone_page
    login(page, township_a)
    page.goto("/ledgers/reports/")
    for label in (
        "排查项目数（个）",
        "发现问题数（个）",
        "整改问题数（个）",
        "下达整改通知书（份）",
        "召开调度会议（次）",
    ):
        page.get_by_label(label).fill("3")
    page.get_by_label("罚款金额（元）").fill("2000")
    page.get_by_label("查处违法典型案例（个）").fill("0")
    page.get_by_role("button", name="报送月报").click()
    expect(page.get_by_text("月报已报送。")).to_be_visible()
    expect(page.get_by_role("cell", name="电梯故障")).to_be_visible()
    report = MonthlyReport.objects.get(township=township_a.region)
    assert report.indicators["fines_yuan"] == 2000 and report.ledger_rows[0]["problem"] == "电梯故障"
