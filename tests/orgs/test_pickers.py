"""Type-ahead filters: choices that grow with the data come from small scoped endpoints, never a select."""

import re

import pytest
from django.urls import reverse

from orgs.views import PICK_LIMIT
from tests.conftest import make_project


def picked(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'data-pick="\d+">([^<]*)<', response.text)


def test_a_township_officer_is_offered_only_own_projects(projects, township_a, client_for):
    assert picked(client_for(township_a).get(reverse("orgs:pick_project"))) == ["阳光花园（城关街道）"]
    assert picked(client_for(township_a).get(reverse("orgs:pick_project"), {"q": "锦绣"})) == []


def test_a_company_is_offered_only_its_own_company_and_the_townships_it_serves(
    projects, company_y, client_for
):
    client = client_for(company_y)
    assert picked(client.get(reverse("orgs:pick_company"))) == ["东城物业管理有限公司"]
    assert picked(client.get(reverse("orgs:pick_township"))) == ["东城街道"]


def test_the_search_matches_part_of_a_name_or_an_exact_id(projects, task_force, client_for):
    client = client_for(task_force)
    assert picked(client.get(reverse("orgs:pick_project"), {"q": "家园"})) == ["东湖家园（东城街道）"]
    by_id = client.get(reverse("orgs:pick_project"), {"q": str(projects["y"].pk)})
    assert "锦绣苑（东城街道）" in picked(by_id)
    # Digits too long for an id are only searched as a name, not turned into a database error.
    assert picked(client.get(reverse("orgs:pick_project"), {"q": "9" * 30})) == []
    assert "没有找到匹配的名称" in client.get(reverse("orgs:pick_project"), {"q": "无此小区"}).text


def test_communities_are_named_with_their_township(projects, task_force, client_for):
    assert picked(client_for(task_force).get(reverse("orgs:pick_community"))) == ["北关社区（城关街道）"]


def test_the_offer_is_bounded_and_costs_the_same_queries_at_any_size(
    township_a_region, company_x_org, task_force, client_for, django_assert_max_num_queries
):
    client = client_for(task_force)
    for i in range(3):
        make_project(f"小区{i:02d}", township_a_region, company_x_org)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("orgs:pick_project"))
    for i in range(3, PICK_LIMIT + 5):
        make_project(f"小区{i:02d}", township_a_region, company_x_org)
    with django_assert_max_num_queries(20) as many:
        names = picked(client.get(reverse("orgs:pick_project")))
    assert len(names) == PICK_LIMIT and names[0] == "小区00（城关街道）"
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize(
    ("url_name", "field", "picker"),
    [
        ("orgs:project_list", "company", "orgs:pick_company"),
        ("ledgers:item_list", "community", "orgs:pick_community"),
        ("complaints:list", "project", "orgs:pick_project"),
    ],
)
def test_list_pages_render_a_type_ahead_instead_of_every_choice(
    projects, task_force, client_for, url_name, field, picker
):
    page = client_for(task_force).get(reverse(url_name)).text
    assert f'data-picker-url="{reverse(picker)}"' in page
    assert f'<select name="{field}"' not in page
    # No project, community, company or township is rendered up front as a choice.
    assert not re.search(r"<option[^>]*>\s*(阳光花园|北关社区|示范物业服务有限公司|城关街道)", page)


def test_a_chosen_value_shows_its_name_and_a_foreign_one_is_refused(projects, township_a, client_for):
    client = client_for(township_a)
    own = client.get(reverse("orgs:project_list"), {"company": projects["a"].company_id})
    assert 'value="示范物业服务有限公司"' in own.text
    foreign = client.get(reverse("complaints:list"), {"project": projects["y"].pk})
    assert foreign.context["filter"].errors and "锦绣苑" not in foreign.text


def test_filter_selects_read_their_choices_in_one_plain_query(
    projects, department, client_for, django_assert_max_num_queries
):
    """On PostgreSQL Django's default is a server-side cursor per select (DECLARE, FETCH, CLOSE)."""
    with django_assert_max_num_queries(50) as captured:
        page = client_for(department).get(reverse("ledgers:item_list"))
    assert '<select name="responsible_unit"' in page.text
    assert not [q["sql"] for q in captured.captured_queries if q["sql"].startswith("DECLARE")]
