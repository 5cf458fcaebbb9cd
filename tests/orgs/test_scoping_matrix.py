"""Every role against every orgs page and API route, with objects inside and outside its scope.

Each row of VISIBLE says what a role may read; everything else must be refused (404 on a
detail, absent from a list) — 0 foreign reads.
"""

import pytest
from django.urls import reverse

from orgs.models import Job, Manager
from orgs.notifications import notify

pytestmark = pytest.mark.django_db

ROLES = ["task_force", "township_a", "township_b", "department", "company_x", "company_y", "admin_user"]

# role → names of the objects it may read (projects a/b/y, companies X/Y, regions, departments, managers)
VISIBLE = {
    "task_force": {
        "a",
        "b",
        "y",
        "X",
        "Y",
        "county",
        "A",
        "B",
        "community_a",
        "bureau",
        "赵一",
        "钱二",
        "孙三",
    },
    "department": {
        "a",
        "b",
        "y",
        "X",
        "Y",
        "county",
        "A",
        "B",
        "community_a",
        "bureau",
        "赵一",
        "钱二",
        "孙三",
    },
    "township_a": {"a", "X", "A", "community_a", "bureau", "赵一"},
    "township_b": {"b", "y", "X", "Y", "B", "bureau", "钱二", "孙三"},
    "company_x": {"a", "b", "X", "A", "community_a", "B", "赵一", "钱二"},
    "company_y": {"y", "Y", "B", "孙三"},
    "admin_user": {
        "a",
        "b",
        "y",
        "X",
        "Y",
        "county",
        "city",
        "A",
        "B",
        "community_a",
        "bureau",
        "赵一",
        "钱二",
        "孙三",
    },
}


@pytest.fixture
def world(
    projects,
    company_x_org,
    company_y_org,
    county,
    township_a_region,
    township_b_region,
    community_a,
    housing_bureau,
):
    managers = {m.name: m for m in Manager.objects.all()}
    return {
        **projects,
        "X": company_x_org,
        "Y": company_y_org,
        "city": county.parent,
        "county": county,
        "A": township_a_region,
        "B": township_b_region,
        "community_a": community_a,
        "bureau": housing_bureau,
        **managers,
    }


PAGE_DETAILS = [("orgs:project_detail", {"a", "b", "y"}), ("orgs:company_detail", {"X", "Y"})]
API_DETAILS = [
    ("project-detail", {"a", "b", "y"}),
    ("company-detail", {"X", "Y"}),
    ("region-detail", {"city", "county", "A", "B", "community_a"}),
    ("department-detail", {"bureau"}),
    ("manager-detail", {"赵一", "钱二", "孙三"}),
]
API_LISTS = {
    "project-list": {"a", "b", "y"},
    "company-list": {"X", "Y"},
    "region-list": {"city", "county", "A", "B", "community_a"},
    "department-list": {"bureau"},
    "manager-list": {"赵一", "钱二", "孙三"},
}


@pytest.mark.parametrize("role", ROLES)
def test_detail_pages_open_only_inside_the_scope(role, world, request, client_for):
    client = client_for(request.getfixturevalue(role))
    for url_name, keys in PAGE_DETAILS:
        for key in keys:
            expected = 200 if key in VISIBLE[role] else 404
            assert client.get(reverse(url_name, args=[world[key].pk])).status_code == expected, (
                url_name,
                key,
            )


@pytest.mark.parametrize("role", ROLES)
def test_api_details_open_only_inside_the_scope(role, world, request, client_for):
    client = client_for(request.getfixturevalue(role))
    for url_name, keys in API_DETAILS:
        for key in keys:
            expected = 200 if key in VISIBLE[role] else 404
            assert client.get(reverse(url_name, args=[world[key].pk])).status_code == expected, (
                url_name,
                key,
            )


@pytest.mark.parametrize("role", ROLES)
def test_api_lists_hold_exactly_the_scope(role, world, request, client_for):
    client = client_for(request.getfixturevalue(role))
    by_pk = {(type(obj).__name__, obj.pk): key for key, obj in world.items()}
    for url_name, keys in API_LISTS.items():
        rows = client.get(reverse(url_name)).json()["results"]
        model = type(world[next(iter(keys))]).__name__
        seen = {by_pk[(model, row["id"])] for row in rows}
        assert seen == keys & VISIBLE[role], url_name


@pytest.mark.parametrize("role", ROLES)
def test_page_lists_hold_exactly_the_scope(role, world, request, client_for):
    client = client_for(request.getfixturevalue(role))
    projects = {p.pk for p in client.get(reverse("orgs:project_list")).context["page"]}
    assert projects == {world[k].pk for k in ("a", "b", "y") if k in VISIBLE[role]}
    companies = {c.pk for c in client.get(reverse("orgs:company_list")).context["page"]}
    assert companies == {world[k].pk for k in ("X", "Y") if k in VISIBLE[role]}


def test_company_page_shows_a_township_only_its_own_projects_of_that_company(world, township_a, client_for):
    page = client_for(township_a).get(reverse("orgs:company_detail", args=[world["X"].pk]))
    assert [p.name for p in page.context["projects"]] == ["阳光花园"]
    assert {m.name for m in page.context["managers"]} == {"赵一"}
    assert "东湖家园" not in page.text


def test_foreign_filter_in_the_query_string_does_not_widen_the_page(world, township_a, company_x, client_for):
    page = client_for(township_a).get(reverse("orgs:project_list"), {"township": world["B"].pk})
    assert page.context["filter"].errors  # a foreign township is not a valid choice
    assert {p.pk for p in page.context["page"]} == {world["a"].pk}
    page = client_for(company_x).get(reverse("orgs:project_list"), {"company": world["Y"].pk})
    assert world["y"].pk not in {p.pk for p in page.context["page"]}


@pytest.mark.parametrize(
    ("url_name", "param", "key"),
    [("project-list", "township", "B"), ("project-list", "company", "Y"), ("manager-list", "company", "Y"),
     ("region-list", "parent", "B")],
)  # fmt: skip
def test_foreign_filter_in_the_api_is_refused(world, township_a, client_for, url_name, param, key):
    response = client_for(township_a).get(reverse(url_name), {param: world[key].pk})
    assert response.status_code == 400
    assert "results" not in response.json()


def test_anonymous_is_sent_to_login_and_refused_by_the_api(world, client):
    for url in [
        reverse("home"),
        reverse("orgs:project_list"),
        reverse("orgs:project_detail", args=[world["a"].pk]),
        reverse("orgs:company_list"),
        reverse("orgs:company_detail", args=[world["X"].pk]),
        reverse("orgs:inbox"),
        reverse("orgs:import_projects"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/login/"), url
    for url in [
        reverse("project-list"),
        reverse("users-me"),
        reverse("project-detail", args=[world["a"].pk]),
    ]:
        assert client.get(url).status_code in (401, 403), url


def test_an_inactive_user_is_treated_as_signed_out(world, task_force, client_for):
    client = client_for(task_force)
    task_force.is_active = False
    task_force.save()
    assert client.get(reverse("orgs:project_list")).status_code == 302
    assert client.get(reverse("project-list")).status_code in (401, 403)


def test_inactive_users_token_is_refused(world, task_force, client):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=task_force)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    assert client.get(reverse("project-list"), **auth).status_code == 200
    task_force.is_active = False
    task_force.save()
    assert client.get(reverse("project-list"), **auth).status_code in (401, 403)


def test_token_auth_sees_the_same_scope_as_the_session(world, township_a, client):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=township_a)
    rows = client.get(reverse("project-list"), HTTP_AUTHORIZATION=f"Token {token.key}").json()["results"]
    assert [r["name"] for r in rows] == ["阳光花园"]
    me = client.get(reverse("users-me"), HTTP_AUTHORIZATION=f"Token {token.key}").json()
    assert me["username"] == "bob" and me["organisation"] == "城关街道"


def test_jobs_and_their_files_belong_to_their_starter(task_force, township_a, client_for):
    job = Job.objects.create(kind="export", title="导出", created_by=task_force)
    assert client_for(township_a).get(reverse("orgs:job_status", args=[job.pk])).status_code == 404
    assert client_for(township_a).get(reverse("orgs:job_download", args=[job.pk])).status_code == 404
    assert client_for(task_force).get(reverse("orgs:job_status", args=[job.pk])).status_code == 200


def test_inbox_of_one_user_is_invisible_to_every_other_role(world, township_a, request, client_for):
    (note,) = notify([township_a], "x", "私信")
    for role in ROLES:
        if role == "township_a":
            continue
        client = client_for(request.getfixturevalue(role))
        assert "私信" not in client.get(reverse("orgs:inbox")).text
        assert client.post(reverse("orgs:inbox_read", args=[note.pk])).status_code == 404


def test_schema_and_docs_need_a_signed_in_user(task_force, client, client_for):
    assert client.get(reverse("schema")).status_code in (401, 403)
    signed_in = client_for(task_force)
    assert signed_in.get(reverse("schema")).status_code == 200
    assert signed_in.get(reverse("api-docs")).status_code == 200


def test_company_list_counts_only_the_viewers_projects(world, township_a, client_for):
    (company,) = client_for(township_a).get(reverse("orgs:company_list")).context["page"]
    assert company.project_count == 1  # company X serves 2 projects, one of them in township B


def test_company_list_filters_by_a_township_in_scope(world, task_force, township_a, client_for):
    page = client_for(task_force).get(reverse("orgs:company_list"), {"township": world["A"].pk})
    assert [c.name for c in page.context["page"]] == ["示范物业服务有限公司"]
    page = client_for(township_a).get(reverse("orgs:company_list"), {"township": world["B"].pk})
    assert page.context["filter"].errors and [c.pk for c in page.context["page"]] == [world["X"].pk]


@pytest.mark.parametrize("role", ROLES)
def test_roster_export_holds_exactly_the_scope(role, world, request, client_for):
    from io import BytesIO

    from openpyxl import load_workbook

    content = client_for(request.getfixturevalue(role)).get(reverse("orgs:project_export")).content
    sheet = load_workbook(BytesIO(content)).active
    names = {row[3] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert names == {world[k].name for k in ("a", "b", "y") if k in VISIBLE[role]}
