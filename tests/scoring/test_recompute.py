"""Decided quarters never move (issue 16): a computed quarter keeps the parameters it was computed with,
and recomputing it shows what would change and applies only when confirmed.

SPEC.md: "Each computed month or quarter keeps the parameters it was computed with; a changed parameter
applies from a stated period on and never rewrites a decided one."
"""

from unittest import mock

from django.urls import reverse

from campaigns import parameters
from campaigns.models import ParameterVersion
from scoring.models import ListEntry
from scoring.quarterly import compute_quarter

from .conftest import QUARTER, survey


def test_a_computed_quarter_keeps_its_parameters_when_recomputed(campaign, projects, task_force):
    campaign.list_rule = {"mode": "size", "red": 1, "black": 1}
    campaign.save()
    for key, value in (("a", 90), ("y", 80), ("b", 40)):
        survey(campaign, projects[key], value)
    compute_quarter(campaign, QUARTER)
    values = {**parameters.current(campaign, "monthly"), **parameters.current(campaign, "quarterly")}
    values["list_rule"] = {"mode": "size", "red": 2, "black": 2}
    parameters.change(
        campaign, values, parameters.default_starts(campaign, campaign.created_at.date()), task_force
    )
    campaign.list_rule = values["list_rule"]
    campaign.save()
    run = compute_quarter(campaign, QUARTER)
    assert run.params["list_rule"] == {"mode": "size", "red": 1, "black": 1}
    assert (
        ParameterVersion.objects.get(scope="quarterly", applies_from="2024-Q2").values["list_rule"]["red"]
        == 2
    )


def test_recomputing_a_quarter_shows_what_would_change_and_applies_only_when_confirmed(
    client_for, task_force, campaign, projects
):
    campaign.list_rule = {"mode": "size", "red": 1, "black": 1}
    campaign.save()
    for key, value in (("a", 90), ("y", 80), ("b", 40)):
        survey(campaign, projects[key], value)
    compute_quarter(campaign, QUARTER)
    survey(campaign, projects["a"], 30)  # a corrected survey: 阳光花园 is now the worst
    client = client_for(task_force)
    with mock.patch("scoring.views.enqueue") as enqueue:
        response = client.post(reverse("scoring:compute"), {"campaign": campaign.pk, "quarter": QUARTER})
        assert response.status_code == 302 and response.url.endswith("/recompute/") and not enqueue.called
        page = client.get(response.url).content.decode()
        assert "进入名单：黑榜 · 阳光花园" in page and "移出名单：黑榜 · 东湖家园" in page
        assert "进入名单：红榜 · 锦绣苑" in page
        blacks = ListEntry.objects.filter(list="black").values_list("project__name", flat=True)
        assert list(blacks) == ["东湖家园"]  # the preview changed nothing
        client.post(
            reverse("scoring:compute"), {"campaign": campaign.pk, "quarter": QUARTER, "confirmed": "1"}
        )
        enqueue.assert_called_once()


def test_only_the_task_force_previews_a_recomputation(client_for, township_a, campaign, projects):
    survey(campaign, projects["a"], 90)
    compute_quarter(campaign, QUARTER)
    url = reverse("scoring:recompute", args=[campaign.slug, QUARTER])
    assert client_for(township_a).get(url).status_code == 404
