"""双随机一公开 in the browser: the task force draws (seed shown), records a visit with a finding that
goes to the ledger, publishes, and the public page — opened without logging in — shows the result."""

from ledgers.models import LedgerItem
from tests.browser.conftest import expect, login


def test_task_force_draws_records_a_visit_and_publishes(
    page, browser, live_server, task_force, department, campaign, projects
):
    login(page, task_force)
    page.get_by_role("button", name="整治行动").click()
    page.get_by_role("link", name="双随机抽查", exact=True).click()
    page.get_by_role("link", name=f"新建抽取 · {campaign.title}").click()
    page.get_by_label("抽查名称").fill("第一次专项督查")
    page.get_by_label(f"{department.full_name}（").check()
    page.get_by_label("抽取项目数 N").fill("3")
    page.get_by_label("抽取人员数 M").fill("1")
    page.get_by_label("现场数字").fill("8421")
    page.get_by_role("button", name="抽取").click()
    expect(page.get_by_text("已完成抽取")).to_be_visible()
    expect(page.get_by_test_id("verification")).to_contain_text("结果一致")
    seed = page.get_by_test_id("draw-seed").locator("code").first.inner_text()
    assert "|8421|" in seed

    page.get_by_role("row", name="阳光花园").get_by_role("link", name="录入检查").click()
    page.get_by_label("得分（0–100）").fill("76")
    for radio in page.locator("input[type=radio][value='符合']").all():
        radio.check()
    page.get_by_label("发现问题 1").fill("消防通道堆放杂物")
    page.get_by_label("整改时限 1").fill("2030-12-31")
    page.get_by_role("button", name="保存检查结果").click()
    expect(page.get_by_text("检查结果已录入")).to_be_visible()
    expect(page.get_by_role("row", name="阳光花园")).to_contain_text("76")
    assert LedgerItem.objects.get(source=LedgerItem.Source.SUPERVISION).problem.endswith("消防通道堆放杂物")

    page.get_by_role("button", name="公开抽查结果").click()
    expect(page.get_by_text("抽查结果已公开。")).to_be_visible()
    public_url = page.get_by_role("link", name="查看公开页").get_attribute("href")

    anonymous = browser.new_context(base_url=live_server.url)
    try:
        public = anonymous.new_page()
        public.goto(public_url)
        expect(public.get_by_text(seed)).to_be_visible()
        expect(public.get_by_test_id("public-inspectors")).to_contain_text(department.full_name)
        row = public.get_by_test_id("public-results").get_by_role("row", name="阳光花园")
        expect(row).to_contain_text("76")
        expect(row.locator("td").last).to_have_text("1")
    finally:
        anonymous.close()
