"""Tasks survive retries, redelivery and a second beat: each scheduled slot runs once (issue 8)."""

from datetime import timedelta

import pytest
from celery import current_app
from django.conf import settings
from django.core import mail
from django.db import OperationalError
from django.utils import timezone

from orgs import taskpolicy
from orgs.models import Job, ScheduledSlot
from orgs.notifications import notify
from orgs.tasks import send_daily_digest


def _project_tasks():
    return {
        name: task
        for name, task in current_app.tasks.items()
        if name.split(".")[0] in settings.INSTALLED_APPS
    }


def test_every_task_is_acknowledged_late_and_requeued_when_its_worker_dies():
    tasks = _project_tasks()
    assert len(tasks) >= 10
    for name, task in tasks.items():
        assert task.acks_late and task.reject_on_worker_lost, name


def test_every_scheduled_task_exists_and_the_outbox_is_relayed_often():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert all(entry["task"] in current_app.tasks for entry in schedule.values())
    assert schedule["orgs-relay-outbox"]["schedule"] <= 60


@pytest.mark.parametrize(
    "name",
    [
        "orgs.tasks.send_daily_digest",
        "ledgers.tasks.daily_reminders",
        "ledgers.tasks.monthly_report_reminders",
        "complaints.tasks.compute_previous_month",
        "scoring.tasks.compute_last_quarter",
    ],
)
def test_slot_tasks_retry_transient_database_errors(name):
    task = current_app.tasks[name]
    assert OperationalError in task.autoretry_for and task.max_retries >= 3 and task.retry_backoff


def test_a_second_beat_in_the_same_slot_does_nothing(township_a):
    township_a.email = "bob@example.cn"
    township_a.save()
    notify([township_a], "x", "逾期提醒")
    assert send_daily_digest.delay().get() == 1
    notify([township_a], "x", "又一条")
    assert send_daily_digest.delay().get() is None  # the same day's slot is taken
    assert len(mail.outbox) == 1
    slot = ScheduledSlot.objects.get()
    assert slot.task == "orgs.tasks.send_daily_digest" and slot.slot == timezone.localdate().isoformat()
    assert slot.finished_at is not None


def test_a_claim_holds_for_its_own_redelivery_but_not_for_another_run(db):
    assert taskpolicy.claim("t", "2026-12-01", "run-1")
    assert taskpolicy.claim("t", "2026-12-01", "run-1")  # a retry or a redelivery after a worker died
    assert not taskpolicy.claim("t", "2026-12-01", "run-2")  # a second beat while the first runs
    assert taskpolicy.claim("t", "2026-12-02", "run-2")  # the next day is another slot
    ScheduledSlot.objects.filter(slot="2026-12-01").update(started_at=timezone.now() - timedelta(hours=3))
    assert taskpolicy.claim("t", "2026-12-01", "run-3")  # abandoned long ago: taken over
    ScheduledSlot.objects.filter(slot="2026-12-01").update(finished_at=timezone.now())
    assert not taskpolicy.claim("t", "2026-12-01", "run-3")  # done: never again


def test_a_transient_database_error_is_retried(township_a, monkeypatch):
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return 5

    monkeypatch.setattr("orgs.notifications.send_daily_digest", flaky)
    # Eager, the retry runs at once (no countdown); apply(throw=False) follows it as a worker would.
    assert send_daily_digest.apply(throw=False).get() == 5 and len(calls) == 2


def test_work_that_cannot_run_twice_fails_its_job_when_delivered_again(task_force):
    job = Job.objects.create(kind="x", title="导入", created_by=task_force)
    runs = []
    guarded = taskpolicy.at_most_once_job(runs.append)
    guarded(job.pk)
    guarded(job.pk)  # the worker died; the broker delivers the task again
    job.refresh_from_db()
    assert runs == [job.pk]
    assert job.status == Job.Status.FAILED and job.message == taskpolicy.INTERRUPTED
