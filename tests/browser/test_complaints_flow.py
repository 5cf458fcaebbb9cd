"""The task force's month: import the 12345 export, settle what the matcher could not, run the
month, and see the ranking and the proposed actions."""

import csv
from datetime import date

import pytest

from campaigns.models import Action
from complaints.excel import FIELD_LABELS

from .conftest import expect, login

HEADER = [label for field, label in FIELD_LABELS.items() if field != "channel"]  # rows carry no 来源


@pytest.fixture
def export_file(tmp_path):
    rows = [
        ["J1", "2024/7/3 9:12", "城关街道", "阳光花园小区", "", "电梯", "电梯停运", "已办结", "满意"],
        ["J2", "2024/7/5 10:00", "城关街道", "阳光花园", "建设路18号3号楼", "卫生", "垃圾未清", "办理中", ""],
        ["J3", "2024/7/9 14:30", "城关街道", "红星大院", "", "停车", "车位乱收费", "已办结", "不满意"],
        ["J4", "2024/7/11 8:05", "东城街道", "东湖家园", "", "维修", "楼顶漏水", "已办结", "满意"],
        ["J5", "2024/7/12 8:05", "城关街道", "锦绣苑", "", "维修", "门禁坏了", "已办结", "满意"],
    ]
    path = tmp_path / "12345-2024-07.csv"
    with path.open("w", encoding="gb18030", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def test_task_force_imports_reviews_computes_and_sees_the_ranking(
    page, settings, tmp_path, task_force, projects, campaign, export_file
):
    settings.MEDIA_ROOT = tmp_path / "media"
    # The county says its 12345 data starts in 2023, so July 2023's empty month is a real zero and
    # both townships rose (seed 000 §三(六)); without it the month would have 无同比数据 and no reminder.
    campaign.complaint_data_since = date(2023, 1, 1)
    campaign.save(update_fields=["complaint_data_since"])
    login(page, task_force)

    page.goto("/complaints/import/")
    page.get_by_label("导出文件（.xlsx / .xls / .et / .csv）").set_input_files(str(export_file))
    page.get_by_test_id("import-submit").click()
    # The preview first: nothing is written until the person confirms what it says.
    expect(page.get_by_test_id("preview-counts")).to_contain_text("新增 5")
    page.get_by_test_id("import-confirm").click()
    status = page.get_by_test_id("job-status")
    expect(status).to_contain_text("已完成")
    expect(status).to_contain_text("新增 5")

    page.goto("/complaints/review/")
    hongxing = page.locator("[data-review-item]", has_text="红星大院")
    hongxing.get_by_role("combobox").select_option(label="阳光花园")
    hongxing.get_by_role("button", name="确认").click()
    queue = page.locator("[data-review-list]")
    expect(queue).to_contain_text("「红星大院」共 1 条诉求已匹配到 阳光花园")
    # The other one waits with a candidate from another township: the keyboard picks and confirms it.
    page.keyboard.press("1")
    page.keyboard.press("Enter")
    expect(queue).to_contain_text("已匹配到 锦绣苑")

    page.goto("/complaints/ranking/?month=2024-07")
    page.get_by_test_id("compute").click()
    ranking = page.get_by_test_id("ranking")
    expect(ranking.locator("tbody tr").first).to_contain_text("阳光花园")
    expect(ranking.locator("tbody tr").first).to_contain_text("3")
    actions = page.get_by_test_id("actions")
    expect(actions).to_contain_text("工作提醒")
    expect(actions).to_contain_text("城关街道")
    assert Action.objects.filter(kind="work_reminder", period="2024-07").count() == 2
