"""Every list can be paged and every tab lists what its badge counts.

Django 6's {% querystring %} writes the leading "?" itself; templates that wrote href="?{% querystring %}"
produced "??page=2", which browsers read as the parameter "?page", so no list went past its first page
and the 逾期 tab showed every item, closed ones included.
"""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ledgers.models import LedgerItem
from ledgers.views import PAGE_SIZE

from .conftest import make_item

HREF = re.compile(r'href="([^"]*)"')


def _hrefs(html: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in HREF.findall(html)]


@pytest.fixture
def many_items(project_a, campaign, category):
    """Two and a half pages: open items due yesterday (overdue), open ones due later, closed ones."""
    today = timezone.localdate()
    rows = []
    for n in range(PAGE_SIZE * 2 + 25):
        status, deadline = [
            (LedgerItem.Status.REGISTERED, today - timedelta(days=1)),
            (LedgerItem.Status.IN_PROGRESS, today + timedelta(days=5)),
            (LedgerItem.Status.CLOSED, date(2020, 1, 1)),
        ][n % 3]
        rows.append(
            make_item(project_a, campaign, category, problem=f"问题 {n}", status=status, deadline=deadline)
        )
    return rows


def test_no_link_on_the_ledger_carries_a_doubled_question_mark(client_for, task_force, many_items):
    html = client_for(task_force).get(reverse("ledgers:item_list")).content.decode()
    links = _hrefs(html)
    assert any("page=2" in h for h in links)
    assert not [h for h in links if "??" in h or h.startswith("?%3F")]


def test_next_page_and_last_page_show_other_rows(client_for, task_force, many_items):
    client = client_for(task_force)
    first = client.get(reverse("ledgers:item_list"))
    next_link = next(h for h in _hrefs(first.content.decode()) if "page=2" in h)
    second = client.get(reverse("ledgers:item_list") + next_link)
    last = client.get(reverse("ledgers:item_list") + "?page=3")

    def listed(response):
        return {item.pk for item in response.context["page"].object_list}

    assert second.context["page"].number == 2
    assert len(listed(first)) == len(listed(second)) == PAGE_SIZE and len(listed(last)) == 25
    assert not listed(first) & listed(second) and not listed(second) & listed(last)


def test_each_tab_lists_as_many_rows_as_its_badge_says(client_for, task_force, many_items):
    client = client_for(task_force)
    html = client.get(reverse("ledgers:item_list")).content.decode()
    tabs = re.search(r'data-testid="status-counts">(.*?)</ul>', html, re.S).group(1)
    for href, badge in re.findall(r'href="([^"]*)">[^<]*<span class="badge[^"]*">([\d,]+)</span>', tabs):
        href = href.replace("&amp;", "&")
        response = client.get(reverse("ledgers:item_list") + href)
        page = response.context["page"]
        assert page.paginator.count == int(badge.replace(",", "")), href
        assert page.paginator.count == response.context["filter"].qs.count(), href


def test_the_overdue_tab_lists_only_open_items_past_their_deadline(client_for, task_force, many_items):
    response = client_for(task_force).get(reverse("ledgers:item_list") + "?overdue=true")
    shown = list(LedgerItem.objects.filter(pk__in=[i.pk for i in response.context["page"].object_list]))
    today = timezone.localdate()
    assert shown and all(i.status in LedgerItem.OPEN_STATUSES and i.deadline < today for i in shown)
    assert response.context["page"].paginator.count == len(
        [i for i in many_items if i.status == "registered"]
    )
