"""The quarterly beat job computes the quarter just ended for every active campaign, and skips a published one."""

from datetime import date

import pytest

from scoring import tasks
from scoring.models import ScoreRun
from scoring.quarterly import compute_quarter
from scoring.services import publish_quarter


@pytest.fixture
def on_first_of_april(monkeypatch):
    monkeypatch.setattr(tasks.timezone, "localdate", lambda: date(2024, 4, 1))


def test_beat_job_computes_the_quarter_just_ended(campaign, surveyed, on_first_of_april):
    assert tasks.compute_last_quarter() == [campaign.slug]
    assert ScoreRun.objects.get().quarter == "2024-Q1"


def test_beat_job_leaves_a_published_quarter_alone(campaign, surveyed, task_force, on_first_of_april):
    publish_quarter(compute_quarter(campaign, "2024-Q1"), task_force)
    assert tasks.compute_last_quarter() == []


def test_beat_schedule_runs_quarterly_and_expires(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["scoring-last-quarter"]
    assert entry["task"] == "scoring.tasks.compute_last_quarter" and entry["options"]["expires"] > 0
    assert entry["schedule"].month_of_year == {1, 4, 7, 10}
