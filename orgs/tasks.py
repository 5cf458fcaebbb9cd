"""Thin Celery wrappers: each takes ids and calls one service function."""

from celery import shared_task

from . import notifications


@shared_task
def send_daily_digest() -> int:
    return notifications.send_daily_digest()


@shared_task
def run_roster_import(job_id: int) -> None:
    from .models import Job
    from .roster_jobs import run

    run(Job.objects.select_related("created_by").get(pk=job_id))


@shared_task
def remove_abandoned_uploads() -> int:
    from .roster_jobs import remove_abandoned_uploads as remove

    return remove()
