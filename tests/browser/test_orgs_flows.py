"""The orgs pages that move something: the inbox marks read in place (htmx), and the task force
imports a roster through preview and confirmation. Both run under the content security policy."""

from urllib.parse import urlsplit

from orgs.models import Project
from orgs.notifications import notify
from tests.browser.conftest import expect, login
from tests.orgs.roster_files import messy_rows, workbook_bytes


def test_inbox_marks_a_notification_read_in_place(page, township_a):
    notify([township_a], "order", "收到整改通知书")
    login(page, township_a)
    expect(page.locator(".navbar .badge")).to_have_text("1")

    page.goto("/orgs/inbox/")
    page.get_by_role("button", name="标为已读", exact=True).click()

    expect(page.locator("#inbox-unread")).to_have_text("未读 0")
    expect(page.get_by_role("button", name="标为已读", exact=True)).to_have_count(0)
    assert urlsplit(page.url).path == "/orgs/inbox/"  # no page load: htmx swapped the row


def test_task_force_previews_and_confirms_a_roster(
    page, task_force, project_a, project_b, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    workbook = tmp_path / "台账.xlsx"
    workbook.write_bytes(workbook_bytes(messy_rows()))
    login(page, task_force)
    page.goto("/orgs/projects/")
    page.get_by_role("link", name="导入项目台账").click()

    page.locator("#id_file").set_input_files(workbook)
    page.get_by_role("button", name="上传并检查").click()

    counts = page.get_by_test_id("import-counts")
    expect(counts).to_contain_text("新增")
    expect(page.get_by_role("cell", name="项目名称（D列）：项目名称为空")).to_be_visible()
    assert not Project.objects.filter(name="锦绣苑二期").exists()

    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)
    expect(page.get_by_test_id("job-status")).to_contain_text("已导入")
    assert Project.objects.filter(name="锦绣苑二期").exists()
