"""The task force's quarter (issue 5, "Done when"): import a survey, compute the quarter, confirm
one action and waive another with a reason, publish, and see the public page without logging in."""

import pytest

from tests.browser.conftest import expect, login
from tests.scoring.test_import import xlsx


@pytest.fixture
def survey_file(tmp_path):
    path = tmp_path / "满意度测评.xlsx"
    rows = [
        ("城关街道", "阳光花园", 91, 120),
        ("东城街道", "锦绣苑", 82, 80),
        ("东城街道", "东湖家园", 41, 60),
        ("东城街道", "不存在的小区", 70, 10),
    ]
    path.write_bytes(xlsx(rows))
    return path


def test_task_force_runs_a_quarter_from_survey_to_public_page(
    page, task_force, campaign, projects, survey_file
):
    campaign.list_rule = {"mode": "size", "red": 1, "black": 1}
    campaign.save()
    login(page, task_force)

    page.goto("/scoring/import/")
    page.get_by_label("整治行动").select_option(label=campaign.title)
    page.get_by_label("季度").fill("2024-Q1")
    page.get_by_label("Excel 文件").set_input_files(str(survey_file))
    page.get_by_role("button", name="导入").click()
    expect(page.get_by_test_id("import-result")).to_contain_text("新增 3 条")
    # The import runs as a job; its refused rows are listed under the job's status, folded.
    result = page.get_by_test_id("import-result")
    result.locator("details summary").click()
    expect(result.locator("details")).to_contain_text("东城街道没有名为“不存在的小区”的项目")

    page.get_by_role("link", name="季度考核").first.click()
    page.get_by_label("整治行动").select_option(label=campaign.title)
    page.get_by_label("季度").fill("2024-Q1")
    page.get_by_test_id("compute").click()
    expect(page.get_by_test_id("black-list")).to_contain_text("东湖家园")
    expect(page.get_by_test_id("red-list")).to_contain_text("阳光花园")

    page.goto("/scoring/actions/?kind=replace_manager")
    page.get_by_test_id("actions").get_by_role("link", name="更换项目经理").click()
    page.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("status")).to_have_text("已确认")

    page.goto("/scoring/actions/?kind=media_exposure")
    page.get_by_test_id("actions").get_by_role("link", name="媒体曝光").click()
    page.get_by_label("免除理由").fill("已当面约谈并整改完毕，暂不曝光")
    page.get_by_test_id("waive").click()
    expect(page.get_by_test_id("status")).to_have_text("已免除")
    expect(page.get_by_test_id("reason")).to_have_text("已当面约谈并整改完毕，暂不曝光")

    page.goto(f"/scoring/{campaign.slug}/2024-Q1/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("published")).to_be_visible()

    page.context.clear_cookies()
    page.goto("/public/")
    page.get_by_test_id("publications").get_by_role("link").first.click()
    expect(page.get_by_test_id("public-black")).to_contain_text("东湖家园")
    expect(page.get_by_test_id("public-ratings")).to_contain_text("东城物业管理有限公司")
    expect(page.get_by_test_id("basis")).to_contain_text("得分前1名列红榜")
    page.goto(f"/public/p/{projects['y'].public_token}/")
    expect(page.get_by_test_id("public-rating")).to_contain_text("AA")
