"""The directory pages: what each shows, and query counts that do not grow with the data."""

import pytest
from django.urls import reverse

from orgs.models import Manager, ProjectAlias
from tests.conftest import make_project


@pytest.fixture
def many_projects(township_a_region, community_a, company_x_org, company_y_org):
    def add(count: int, start: int = 0) -> None:
        for i in range(start, start + count):
            company = company_x_org if i % 2 else company_y_org
            manager = Manager.objects.create(name=f"经理{i}", phone=f"1380000{i:04d}", company=company)
            project = make_project(f"测试小区{i}", township_a_region, company, manager, community_a)
            ProjectAlias.objects.create(project=project, name=f"别名{i}")

    return add


def test_home_shows_the_organisation_and_figures_of_the_scope(projects, township_b, client_for):
    page = client_for(township_b).get(reverse("home"))
    assert "东城街道" in page.text
    assert page.context["figures"] == {"projects": 2, "households": 600, "companies": 2}
    assert {p.name for p in page.context["recent_projects"]} == {"东湖家园", "锦绣苑"}


def test_company_home_links_its_own_company(projects, company_y, client_for):
    page = client_for(company_y).get(reverse("home"))
    assert reverse("orgs:company_detail", args=[company_y.company_id]) in page.text
    assert [p.name for p in page.context["recent_projects"]] == ["锦绣苑"]


def test_project_list_searches_names_aliases_and_addresses(projects, task_force, client_for):
    ProjectAlias.objects.create(project=projects["y"], name="锦绣小区")
    client = client_for(task_force)
    found = client.get(reverse("orgs:project_list"), {"q": "锦绣小区"}).context["page"]
    assert [p.name for p in found] == ["锦绣苑"]


def queries_for(client, url: str, django_assert_max_num_queries) -> int:
    with django_assert_max_num_queries(50) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


# Pinned: the page's own queries plus session, user, region and the inbox badge. Other apps'
# navigation badges and home panels add to these; the growth check below does not depend on them.
@pytest.mark.parametrize(
    ("url_name", "most"),
    [("orgs:project_list", 10), ("orgs:company_list", 8), ("project-list", 6), ("home", 20)],
)
def test_list_query_counts_are_pinned_and_do_not_grow(
    url_name, most, many_projects, task_force, client_for, django_assert_max_num_queries
):
    client, url = client_for(task_force), reverse(url_name)
    many_projects(3)
    few = queries_for(client, url, django_assert_max_num_queries)
    many_projects(30, start=3)
    assert queries_for(client, url, django_assert_max_num_queries) == few <= most


def test_api_project_list_carries_aliases(many_projects, task_force, client_for):
    many_projects(20)
    rows = client_for(task_force).get(reverse("project-list")).json()["results"]
    assert len(rows) == 20 and rows[0]["aliases"]


def test_project_page_shows_history_aliases_and_committee(projects, task_force, client_for):
    from orgs.models import OwnersCommittee

    OwnersCommittee.objects.create(project=projects["a"], chair="周主任", phone="13900000009")
    ProjectAlias.objects.create(project=projects["a"], name="阳光小区")
    page = client_for(task_force).get(reverse("orgs:project_detail", args=[projects["a"].pk]))
    assert "阳光小区" in page.text and "周主任" in page.text and "示范物业服务有限公司" in page.text
    assert "2023年1月1日" in page.text


def test_htmx_filter_returns_only_the_rows_partial(projects, task_force, client_for):
    page = client_for(task_force).get(
        reverse("orgs:project_list"), {"q": "阳光"}, headers={"HX-Request": "true"}
    )
    assert "<html" not in page.text and "阳光花园" in page.text


def test_project_page_shows_the_managers_list_entries(projects, township_a, client_for):
    from orgs.models import ManagerListEntry

    ManagerListEntry.objects.create(
        manager=projects["a"].manager, kind="negative", reason="连续两月进入诉求前50名"
    )
    page = client_for(township_a).get(reverse("orgs:project_detail", args=[projects["a"].pk]))
    assert "负面清单：连续两月进入诉求前50名" in page.text
