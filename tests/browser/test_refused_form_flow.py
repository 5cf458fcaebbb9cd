"""Nothing typed is lost: a company answers an order with a photo the server refuses, and comes back
to its 整改措施 still written, with the file field asking for another photo."""

from datetime import date, timedelta

from ledgers import orders
from tests.ledgers.conftest import make_item

from .conftest import expect, login

MEASURES = "已清理楼道杂物，张贴禁止堆放告示，物业每日巡查两次。"


def test_a_company_comes_back_to_its_measures_after_a_refused_photo(
    page, console, settings, tmp_path, township_a, company_x, project_a, campaign
):
    console.allow("status of 400")  # the refusal itself: the page says why, tested below
    settings.MEDIA_ROOT = tmp_path / "media"
    item = make_item(project_a, campaign, problem="楼道堆放杂物")
    order = orders.issue(
        user=township_a, items=[item], deadline=date.today() + timedelta(days=15), body="请整改"
    )
    line = order.responses.get()
    hostile = tmp_path / "IMG_2031.jpg"
    hostile.write_bytes(b"<html><script>alert(document.cookie)</script></html>")

    login(page, company_x)
    page.goto(f"/ledgers/orders/{order.pk}/")
    page.get_by_label("已采取的整改措施").fill(MEASURES)
    page.get_by_label("整改后照片").set_input_files(str(hostile))
    page.locator(f"[data-answer='{line.pk}']").click()

    expect(page.get_by_label("已采取的整改措施")).to_have_value(MEASURES)
    expect(page.get_by_text("请重新选择文件")).to_be_visible()
    expect(page.get_by_text("拒绝上传")).to_be_visible()
    line.refresh_from_db()
    assert line.decision == "" and line.measures == ""
