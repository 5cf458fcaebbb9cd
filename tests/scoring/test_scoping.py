"""Every scoring page and API for each role: foreign rows never appear, foreign ids give 404."""

import pytest
from django.urls import reverse

from campaigns.models import Action
from scoring.quarterly import compute_quarter

from .conftest import QUARTER

# role fixture → project keys whose scores it must see (surveyed: a in A/X, b in B/X, y in B/Y)
SEES = {
    "task_force": "aby",
    "department": "aby",
    "admin_user": "aby",
    "township_a": "a",
    "township_b": "by",
    "company_x": "ab",
    "company_y": "y",
}


@pytest.fixture
def run(campaign, surveyed):
    return compute_quarter(campaign, QUARTER)


@pytest.mark.parametrize("role", SEES)
def test_each_role_sees_exactly_its_own_scores_on_page_and_api(
    request, client_for, campaign, run, surveyed, role
):
    client = client_for(request.getfixturevalue(role))
    expected = {surveyed[k].pk for k in SEES[role]}
    page = client.get(reverse("scoring:quarter_detail", args=[campaign.slug, QUARTER]))
    assert page.status_code == 200
    assert {s.project_id for s in page.context["page"]} == expected
    lists = client.get("/api/lists/", {"quarter": QUARTER}).json()["results"]
    assert {e["project"]["id"] for e in lists} <= expected
    actions = client.get("/api/actions/").json()["results"]
    project_actions = Action.objects.filter(pk__in=[a["id"] for a in actions]).exclude(project=None)
    assert {a.project_id for a in project_actions} <= expected


@pytest.mark.parametrize("role", ["township_a", "company_y"])
def test_foreign_black_listed_projects_actions_are_404_on_page_and_api(
    request, client_for, run, surveyed, role
):
    client = client_for(request.getfixturevalue(role))
    for action in Action.objects.filter(project=surveyed["b"]):
        assert client.get(reverse("actions:detail", args=[action.pk])).status_code == 404
        assert client.get(f"/api/actions/{action.pk}/").status_code == 404


def test_township_officer_cannot_see_another_townships_statement(
    client_for, township_a, run, township_b_region
):
    statement = Action.objects.get(target_type="township")
    assert statement.township == township_b_region
    assert client_for(township_a).get(reverse("actions:detail", args=[statement.pk])).status_code == 404


def test_company_sees_no_foreign_credit_rating(client_for, company_y, run, surveyed):
    data = client_for(company_y).get("/api/credit-ratings/").json()["results"]
    assert [r["company"]["id"] for r in data] == [surveyed["y"].company_id]


def test_foreign_township_filter_value_is_refused(client_for, township_a, run, township_b_region):
    response = client_for(township_a).get("/api/actions/", {"township": township_b_region.pk})
    assert response.status_code == 400


def test_user_without_scope_sees_nothing(client_for, run):
    from tests.conftest import make_user

    orphan = make_user("nobody", "township")  # a township officer with no township set
    client = client_for(orphan)
    assert client.get("/api/actions/").json()["results"] == []
    assert client.get(reverse("scoring:quarter_list")).context["runs"] == []
