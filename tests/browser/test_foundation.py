"""Each role logs in through the real form, sees its home page and its own projects, and
cannot open another township's or company's project by typing its URL (issue 2, "Done when").

The pages are also CSP checks: the `page` fixture fails a test whose page logged a console
error or a content-security-policy violation.
"""

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import expect, login

PROJECT_NAMES = {"a": "阳光花园", "b": "东湖家园", "y": "锦绣苑"}

# role fixture → (organisation shown in the header, projects on its list, projects it must not see)
ROLES = {
    "task_force": ("示范县", "aby", ""),
    "township_a": ("城关街道", "a", "by"),
    "department": ("县住建局", "aby", ""),
    "company_x": ("示范物业服务有限公司", "ab", "y"),
    "admin_user": ("", "aby", ""),
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_logs_in_and_sees_its_home_page_and_own_projects(page, request, projects, role):
    user = request.getfixturevalue(role)
    organisation, visible, hidden = ROLES[role]

    login(page, user)

    assert urlsplit(page.url).path == "/"
    expect(page.get_by_role("heading", level=1)).to_have_text(f"您好，{user}")
    expect(page.get_by_test_id("who")).to_contain_text(user.get_role_display())
    if organisation:
        expect(page.get_by_test_id("who")).to_contain_text(organisation)

    page.goto("/orgs/projects/")
    rows = page.locator("#results tbody")
    for key in visible:
        expect(rows.get_by_role("link", name=PROJECT_NAMES[key], exact=True)).to_be_visible()
    for key in hidden:
        expect(rows.get_by_text(PROJECT_NAMES[key])).to_have_count(0)


@pytest.mark.parametrize("role", ["township_a", "company_x"])
def test_scoped_user_opens_own_project_page_from_the_list(page, request, projects, role):
    login(page, request.getfixturevalue(role))
    page.goto("/orgs/projects/")

    page.locator("#results").get_by_role("link", name="阳光花园", exact=True).click()

    assert urlsplit(page.url).path == f"/orgs/projects/{projects['a'].pk}/"
    expect(page.get_by_role("heading", level=1)).to_contain_text("阳光花园")


@pytest.mark.parametrize(
    ("role", "foreign"),
    [("township_a", "b"), ("township_a", "y"), ("company_x", "y")],
)
def test_foreign_project_url_is_refused_with_404(page, console, request, projects, role, foreign):
    login(page, request.getfixturevalue(role))
    console.allow(r"status of 404 .*/orgs/projects/\d+/$")

    response = page.goto(f"/orgs/projects/{projects[foreign].pk}/")

    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text(PROJECT_NAMES[foreign])


def test_township_officer_reads_project_list_on_a_phone(phone_page, township_a, projects):
    login(phone_page, township_a)
    phone_page.goto("/orgs/projects/")

    expect(phone_page.get_by_role("link", name="阳光花园", exact=True)).to_be_visible()
    # The navigation folds behind the toggler, and nothing is wider than the screen.
    expect(phone_page.locator(".navbar-toggler")).to_be_visible()
    expect(phone_page.get_by_test_id("who")).to_be_hidden()
    overflow = phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_front_end_libraries_load_from_static(page, township_a):
    login(page, township_a)

    assert page.evaluate("typeof htmx.ajax") == "function"
    assert page.evaluate("typeof bootstrap.Collapse") == "function"


def test_content_security_policy_blocks_an_injected_inline_script(page, console, township_a):
    login(page, township_a)
    console.allow("Content Security Policy")

    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.injected = true'; document.body.append(s); }"
    )

    assert page.evaluate("window.injected") is None
    assert any("Content Security Policy" in e for e in console.errors)
