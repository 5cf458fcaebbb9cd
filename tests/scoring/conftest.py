"""Scoring fixtures: survey results for the shared projects and a quick way to compute a quarter."""

from decimal import Decimal

import pytest

from scoring.models import SatisfactionSurvey

QUARTER = "2024-Q1"


def survey(campaign, project, value, quarter=QUARTER, sample=50):
    return SatisfactionSurvey.objects.update_or_create(
        campaign=campaign,
        project=project,
        quarter=quarter,
        defaults={"satisfaction": Decimal(value), "sample_size": sample, "region_path": project.region_path},
    )[0]


@pytest.fixture
def surveyed(campaign, projects):
    """A: 90, Y: 80, B: 40 — B is the worst of the quarter."""
    campaign.list_rule = {"mode": "size", "red": 1, "black": 1}
    campaign.save()
    survey(campaign, projects["a"], 90)
    survey(campaign, projects["y"], 80)
    survey(campaign, projects["b"], 40)
    return projects
