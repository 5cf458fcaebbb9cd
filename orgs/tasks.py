"""Thin Celery wrappers: each takes ids and calls one service function."""

from celery import shared_task

from . import notifications
from .taskpolicy import MAIL_RETRY, RETRY, once_per_slot


@shared_task(**MAIL_RETRY)
@once_per_slot
def send_daily_digest() -> int:
    return notifications.send_daily_digest()


@shared_task(**RETRY)
def run_roster_import(job_id: int) -> None:
    from .models import Job
    from .roster_jobs import run

    run(Job.objects.select_related("created_by").get(pk=job_id))


@shared_task(**RETRY)
def remove_abandoned_uploads() -> int:
    from .roster_jobs import remove_abandoned_uploads as remove

    return remove()


@shared_task(**RETRY)
def relay_outbox() -> int:
    """Beat, every 30 s, and at worker start: send what requests queued while the broker was down."""
    from . import outbox

    return outbox.relay()[0]
