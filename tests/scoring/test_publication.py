"""Publishing the complaints helper's monthly top-N 通报, and what the public month page shows."""

import pytest
from django.urls import reverse

from scoring.quarterly import ScoringError
from scoring.services import publish_month


@pytest.fixture
def month_run(campaign, projects):
    from complaints.models import MonthlyRanking, MonthlyRun

    run = MonthlyRun.objects.create(
        campaign=campaign, month="2024-03", total_complaints=30, params={"ranking_size": 1}
    )
    for project, count, rank, in_top in ((projects["b"], 20, 1, True), (projects["y"], 10, 2, False)):
        MonthlyRanking.objects.create(
            run=run,
            campaign=campaign,
            month="2024-03",
            project=project,
            township=project.township,
            company=project.company,
            region_path=project.region_path,
            count=count,
            rank=rank,
            in_top=in_top,
            streak=1,
        )
    return run


def test_month_is_public_only_once_published_and_shows_only_the_top(client, campaign, month_run, task_force):
    url = reverse("public:month", args=[campaign.slug, "2024-03"])
    assert client.get(url).status_code == 404
    publish_month(campaign, "2024-03", task_force)
    response = client.get(url)
    assert [r.project.name for r in response.context["rankings"]] == ["东湖家园"]
    page = response.content.decode()
    assert "锦绣苑" not in page and 'data-testid="basis"' in page


def test_month_without_a_ranking_cannot_be_published(campaign, task_force):
    with pytest.raises(ScoringError, match="尚未计算"):
        publish_month(campaign, "2024-04", task_force)


def test_only_the_task_force_publishes(campaign, month_run, township_a):
    with pytest.raises(ScoringError, match="只有专班"):
        publish_month(campaign, "2024-03", township_a)
