"""The task force sets up a campaign from a plan, reads its page, exports the ledger in the seed 001
template (issue 3, "Done when": "the file opens with openpyxl showing the template layout"), and a
company fills the self-check form on a phone."""

from openpyxl import load_workbook

from campaigns.models import Campaign
from campaigns.preset_loader import load_preset
from ledgers import workflow
from ledgers.models import LedgerItem
from tests.browser.conftest import expect, login


def test_task_force_loads_a_plan_reads_the_campaign_and_exports_the_ledger(
    page, task_force, county, projects, tmp_path
):
    login(page, task_force)
    page.goto("/campaigns/presets/")
    card = page.get_by_test_id("preset-zaozhuang-2020")
    card.get_by_label("标识（可选）").fill("zz")
    card.get_by_role("button", name="载入").click()
    expect(page.get_by_role("heading", name="枣庄市2020年物业管理整治提升行动")).to_be_visible()
    campaign = Campaign.objects.get(slug="zz")
    for n, project in enumerate([projects["a"], projects["a"], projects["b"]]):
        workflow.create_item(
            user=None,
            campaign=campaign,
            project=project,
            problem=f"=问题{n}",
            category=campaign.categories.get(code="1.1"),
        )

    page.reload()
    expect(page.get_by_test_id("category-progress")).to_contain_text("严格规范物业小区保洁服务")
    expect(page.locator("canvas[data-chart]").first).to_be_visible()
    expect(page.get_by_test_id("task-force")).to_contain_text("刘全义")

    page.get_by_role("link", name="导出台账").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="导出").click()
    path = tmp_path / "ledger.xlsx"
    download.value.save_as(path)

    sheet = load_workbook(path)["1 环境卫生"]
    assert sheet["A1"].value == "环境卫生攻坚行动整治工作台账"
    # 附件2: the date stands on its own line under the title, the header row follows it.
    assert sheet["A3"].value.endswith("日")
    assert [c.value for c in sheet[4]][:3] == ["序号", "项目名称", "物业服务企业"]
    assert "B6:B7" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet["E6"].data_type == "s" and sheet["E6"].value.startswith("=问题")


def test_company_fills_the_self_check_on_a_phone(phone_page, company_x, county, project_a):
    campaign = load_preset("wuchuan-2023", jurisdiction=county.pk, new_slug="wc").campaign
    page = phone_page
    login(page, company_x)
    page.goto(f"/campaigns/{campaign.slug}/self-checks/new/")

    page.get_by_label("项目").select_option(label="阳光花园")
    for question in page.locator("[data-question]").all():
        code = question.get_attribute("data-question")
        answer = (
            "否"
            if code == "3.1.1"
            else ("否" if code in {"1.1.2", "1.4.1", "4.3.1", "4.5.1", "4.6.1"} else "是")
        )
        question.get_by_text(answer, exact=True).click()
    page.get_by_role("button", name="提交自查表").click()

    expect(page.get_by_test_id("selfcheck-answers")).to_be_visible()
    assert LedgerItem.objects.filter(source="self_check").count() == 1
