"""Every list page of every role: no link written '??…', every page link leads somewhere, tab badges true.

Django 6's {% querystring %} writes its own '?', so href="?{% querystring %}" gave '??page=2' and no list
passed its first page (issue 14). These render each page a role can open with data for three pages.
"""

import re

import pytest
from django.urls import reverse

from tests.samples.ledger_rows import many_items
from tests.security.matrix import url_inventory

ROLES = ["task_force", "township_a", "department", "company_x", "admin_user"]
# Pages that are not lists: actions, downloads, pickers and the admin site (Django's own).
NOT_LISTS = re.compile(r"logout|export|print|template|pick_|search|compute|bulk|_open|read_all|create|new|submit|"
                       r"import|publish|password|login|admin:|posters")  # fmt: skip
HREF = re.compile(r'href="([^"]*)"')


@pytest.fixture
def busy(project_a, project_b, campaign, housing_bureau):
    """130 items in township A (page 3 exists), 60 in B, half of A's with the housing bureau responsible."""
    many_items(project_a, campaign, 65, unit=housing_bureau)
    many_items(project_a, campaign, 65)
    many_items(project_b, campaign, 60, unit=housing_bureau)


def list_urls() -> list[str]:
    routes = url_inventory().values()
    return [
        reverse(r.name)
        for r in routes
        if not (r.kwargs or r.positional or r.is_api or NOT_LISTS.search(r.name))
    ]


def hrefs(response) -> list[str]:
    return HREF.findall(response.content.decode())


@pytest.mark.parametrize("role", ROLES)
def test_no_list_of_any_role_writes_a_double_question_mark(client, request, role, busy):
    client.force_login(request.getfixturevalue(role))
    opened = 0
    for url in list_urls():
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        opened += 1
        links = hrefs(response)
        assert not [h for h in links if "??" in h], url
        for link in {h for h in links if "page=" in h}:
            target = link if link.startswith("/") else url.split("?")[0] + link
            paged = client.get(target)
            assert paged.status_code == 200, target
            assert not [h for h in hrefs(paged) if "??" in h], target
    assert opened >= 8, f"{role} opened only {opened} list pages"


TAB = re.compile(r'<a class="nav-link[^"]*" href="([^"]*)">[^<]*<span class="badge[^"]*">([\d,]+)</span>')


@pytest.mark.parametrize("role", ["task_force", "township_a", "department"])
def test_every_ledger_tab_badge_equals_the_rows_its_tab_lists(client, request, role, busy):
    client.force_login(request.getfixturevalue(role))
    page = client.get(reverse("ledgers:item_list")).content.decode()
    block = page[page.index('data-testid="status-counts"') :]
    tabs = TAB.findall(block[: block.index("</ul>")])

    assert len(tabs) == 7  # 全部, five statuses, 逾期
    assert int(tabs[0][1]) > 50, "enough rows for a second page"
    for href, badge in tabs:
        listed = client.get(reverse("ledgers:item_list") + href.replace("&amp;", "&"))
        assert listed.context["page"].paginator.count == int(badge.replace(",", "")), href
