"""Public pages show only what the task force published, and nothing private."""

import pytest
from django.urls import reverse

from scoring.quarterly import compute_quarter
from scoring.services import publish_quarter

from .conftest import QUARTER


@pytest.fixture
def run(campaign, surveyed):
    return compute_quarter(campaign, QUARTER)


def test_unpublished_quarter_is_not_found(client, campaign, run):
    assert client.get(reverse("public:quarter", args=[campaign.slug, QUARTER])).status_code == 404
    assert "2024-Q1" not in client.get(reverse("public:index")).content.decode()


def test_published_quarter_shows_lists_ratings_and_their_basis(client, campaign, run, task_force):
    publish_quarter(run, task_force)
    response = client.get(reverse("public:quarter", args=[campaign.slug, QUARTER]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "东湖家园" in page and "阳光花园" in page and 'data-testid="basis"' in page
    assert [e.project.name for e in response.context["black"]] == ["东湖家园"]
    assert "13800000002" not in page and "赵一" not in page  # no managers or phone numbers
    assert "得分前1名列红榜" in page and "满意度 50" in page and "1/3以上（含本数）" in page


def test_public_project_page_by_token_shows_company_and_published_rating_only(
    client, campaign, run, task_force, surveyed
):
    url = reverse("public:project", args=[surveyed["y"].public_token])
    before = client.get(url)
    assert before.status_code == 200 and before.context["rating"] is None
    publish_quarter(run, task_force)
    page = client.get(url).content.decode()
    assert "东城物业管理有限公司" in page and "AA" in page and "12345" in page
    assert "13800000003" not in page and "孙三" not in page


def test_project_page_is_not_reachable_by_id(client, surveyed):
    assert client.get(f"/public/p/{surveyed['y'].pk}/").status_code == 404


def test_unpublished_month_is_not_found(client, campaign):
    assert client.get(reverse("public:month", args=[campaign.slug, "2024-03"])).status_code == 404


def test_second_quarter_unpublished_stays_hidden_while_first_is_public(
    client, campaign, run, task_force, surveyed
):
    from .conftest import survey

    publish_quarter(run, task_force)
    for key, value in (("a", 10), ("y", 80), ("b", 90)):
        survey(campaign, surveyed[key], value, quarter="2024-Q2")
    compute_quarter(campaign, "2024-Q2")
    assert client.get(reverse("public:quarter", args=[campaign.slug, "2024-Q2"])).status_code == 404
    response = client.get(reverse("public:project", args=[surveyed["a"].public_token]))
    # A is red in the published Q1 and black only in the unpublished Q2.
    assert [(label, e.list) for label, e in response.context["entries"]] == [("2024年第1季度", "red")]
    assert "：黑榜" not in response.content.decode()
