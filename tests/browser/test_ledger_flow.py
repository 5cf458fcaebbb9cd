"""A problem's whole life on a phone (issue 3, "Done when"): the township officer logs it with a
photo, issues a rectification order, the company answers it with an after-photo, and the
township accepts and closes it — "整治一个、验收一个、销号一个"."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from PIL import Image

from campaigns.models import Category
from ledgers.models import LedgerItem
from tests.browser.conftest import expect, login


def jpeg(tmp_path, name: str, colour) -> str:
    path = tmp_path / name
    buffer = BytesIO()
    Image.new("RGB", (2400, 1800), colour).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


@pytest.fixture
def category(campaign, housing_bureau) -> Category:
    return Category.objects.create(campaign=campaign, code="1", name="环境卫生")


def switch_user(page, user) -> None:
    page.context.clear_cookies()
    login(page, user)


def test_township_logs_a_problem_company_answers_township_closes_it(
    phone_page, township_a, company_x, project_a, category, tmp_path
):
    page = phone_page
    deadline = (date.today() + timedelta(days=10)).isoformat()
    login(page, township_a)

    # Quick entry: type-ahead for the project, a category, the problem, a photo, a deadline.
    page.goto("/ledgers/new/")
    page.get_by_label("项目").fill("阳光")
    page.locator("[data-pick-project]").filter(has_text="阳光花园").click()
    page.get_by_label("整治内容").select_option(label="1 环境卫生")
    page.get_by_label("存在问题").fill("3号楼消防通道堆放杂物")
    page.get_by_label("现场照片").set_input_files(jpeg(tmp_path, "before.jpg", (180, 40, 40)))
    page.get_by_label("完成时限").fill(deadline)
    page.get_by_role("button", name="登记").click()
    expect(page.get_by_test_id("item-status")).to_have_text("待整改")
    expect(page.get_by_test_id("evidence").locator("img")).to_have_count(1)
    item = LedgerItem.objects.get(problem="3号楼消防通道堆放杂物")
    assert item.evidence.get().content_type == "image/jpeg"

    # From the ledger list: tick the item and issue a rectification order for its project.
    page.goto("/ledgers/")
    page.get_by_label(item.reference).check()
    page.get_by_role("button", name="批量操作").click()  # folded away on a phone
    page.get_by_label("批量操作").select_option(label="下达整改通知书")
    page.get_by_role("button", name="对勾选的问题执行").click()
    page.get_by_label("整改时限").fill(deadline)
    page.get_by_role("button", name="下达").click()
    expect(page.get_by_test_id("order-status")).to_have_text("已下达")
    order_url = page.url

    # The company answers item by item with measures and an after-photo, asking for acceptance.
    switch_user(page, company_x)
    page.goto("/ledgers/orders/")
    page.get_by_role("link", name="城关街道整改").click()
    page.get_by_label("已采取的整改措施").fill("已清理杂物并张贴禁止堆放标识")
    page.get_by_label("整改后照片").set_input_files(jpeg(tmp_path, "after.jpg", (40, 160, 60)))
    page.get_by_role("button", name="答复并申请验收").click()
    expect(page.get_by_test_id("order-status")).to_have_text("待验收")
    assert page.get_by_role("button", name="验收通过并销号").count() == 0

    # The township accepts the answer; the item is closed out.
    switch_user(page, township_a)
    page.goto(order_url)
    page.get_by_role("button", name="验收通过并销号").click()
    expect(page.get_by_test_id("order-status")).to_have_text("已办结")
    page.get_by_role("link", name=item.reference).click()
    expect(page.get_by_test_id("item-status")).to_have_text("已销号")
    expect(page.get_by_test_id("timeline")).to_contain_text("验收销号")
    item.refresh_from_db()
    assert item.status == "closed" and item.evidence.count() == 2
