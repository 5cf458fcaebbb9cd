"""The task force works through a long action register (issue 14): tick the page, confirm, page on,
and a heavy consequence waits on a page that names it."""

from campaigns.models import Action
from tests.browser.conftest import expect, login
from tests.campaigns.test_action_register import many, proposal


def test_task_force_bulk_confirms_a_page_of_proposals_and_pages_to_page_two(
    page, task_force, campaign, township_a_region, company_x_org, project_b
):
    actions = many(campaign, township_a_region, company_x_org, 60)
    exposure = proposal(campaign, project_b, kind=Action.Kind.MEDIA_EXPOSURE, period="2026-Q3")
    login(page, task_force)

    page.goto("/scoring/actions/?kind=replace_manager&status=proposed")
    expect(page.get_by_text("共 60 项")).to_be_visible()
    expect(page.get_by_test_id("evidence").first).to_contain_text("2026年10月 第3名")
    page.get_by_test_id("select-all").check()
    expect(page.get_by_text("已选 50 项")).to_be_visible()
    page.get_by_label("批量决定").select_option("confirm")
    page.get_by_test_id("bulk-submit").click()
    expect(page.get_by_text("已确认 50 项措施。")).to_be_visible()
    assert Action.objects.filter(pk__in=[a.pk for a in actions], status="confirmed").count() == 50

    # The 10 left are now the whole list; with all 60 listed, page 2 holds the last 10.
    page.goto("/scoring/actions/?kind=replace_manager")
    page.get_by_role("link", name="下一页").click()
    expect(page.get_by_text("第 2 / 2 页")).to_be_visible()
    assert "page=2" in page.url and "??" not in page.url
    expect(page.get_by_test_id("actions").locator("tbody tr")).to_have_count(10)

    page.goto("/scoring/actions/?kind=media_exposure")
    page.get_by_test_id("select-all").check()
    page.get_by_label("批量决定").select_option("confirm")
    page.get_by_test_id("bulk-submit").click()
    expect(page.get_by_test_id("heavy-list")).to_contain_text(project_b.name)
    exposure.refresh_from_db()
    assert exposure.status == "proposed"
    page.get_by_test_id("confirm-heavy").click()
    expect(page.get_by_text("已确认 1 项措施。")).to_be_visible()
    exposure.refresh_from_db()
    assert exposure.status == "confirmed"
