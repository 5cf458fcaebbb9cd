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


def test_compute_button_queues_a_job_and_the_list_polls_it(
    client_for, task_force, campaign, surveyed, monkeypatch
):
    from django.urls import reverse

    from orgs.models import Job

    queued = []
    monkeypatch.setattr(tasks.compute_quarter_job, "delay", queued.append)
    client = client_for(task_force)
    response = client.post(reverse("scoring:compute"), {"campaign": campaign.pk, "quarter": "2024-Q1"})
    job = Job.objects.get(kind="scoring_compute")
    assert queued == [job.pk] and response.url.endswith(f"?job={job.pk}")
    page = client.get(response.url).content.decode()
    assert 'data-testid="job-status"' in page and "hx-get" in page
    tasks.compute_quarter_job(job.pk)
    job.refresh_from_db()
    assert (
        job.status == "done"
        and "黑榜 1" in job.message
        and ScoreRun.objects.filter(quarter="2024-Q1").exists()
    )


def test_compute_job_records_a_refusal(campaign, surveyed, task_force):
    from orgs.models import Job

    publish_quarter(compute_quarter(campaign, "2024-Q1"), task_force)
    job = Job.objects.create(
        kind="scoring_compute",
        title="t",
        created_by=task_force,
        params={"campaign": campaign.pk, "quarter": "2024-Q1"},
    )
    tasks.compute_quarter_job(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "已公示" in job.message
