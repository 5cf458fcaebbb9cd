"""How tasks behave when things break: retries on transient errors, one run per scheduled slot.

Every task is acknowledged late and requeued when its worker dies (CELERY_TASK_ACKS_LATE,
CELERY_TASK_REJECT_ON_WORKER_LOST), so a task must be safe to run again: imports upsert on natural
keys, computations publish a finished run with one switch. The one task that is not (the ledger
import creates items row by row) is wrapped in `at_most_once_job`.

Scheduled tasks run once per slot, however often beat fires. Two beats (a second `make run`, a deploy that briefly overlaps the old one) or a beat restart that
replays a missed entry send the same scheduled task twice. Reminders and notices must not go out
twice, so each scheduled task claims its slot — its name and the local date it runs for — in one
database row. The claim holds for the task's own retries and for its redelivery after a worker died
(same Celery task id); another task id finds the slot taken and does nothing.
"""

import functools
import logging
from datetime import timedelta

import kombu.exceptions
import psycopg
from celery import current_task
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from .models import Job, ScheduledSlot

logger = logging.getLogger(__name__)

# A database restart or failover, a dropped connection, the broker gone while the task queues more work.
# psycopg's own errors too: the PostgreSQL import writer COPYs through the raw connection.
TRANSIENT_ERRORS = (
    OperationalError,
    InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
    kombu.exceptions.OperationalError,
)
# Spread over ~10 minutes (5, 10, 20, 40… s with jitter, capped at 5 minutes): long enough for a
# PostgreSQL restart, short enough that the user still sees the job finish.
RETRY = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 6,
}

# The daily digest also talks to the mail server (smtplib's errors are OSErrors).
MAIL_RETRY = {**RETRY, "autoretry_for": (*TRANSIENT_ERRORS, OSError)}

# A claim this old and never finished belongs to a run that is gone for good; another may take over.
STALE_AFTER = timedelta(hours=2)


def claim(task: str, slot: str, task_id: str) -> bool:
    """True when this task id may run the slot: it is new, ours, or abandoned and not finished."""
    now = timezone.now()
    with transaction.atomic():
        row, created = ScheduledSlot.objects.select_for_update().get_or_create(
            task=task, slot=slot, defaults={"task_id": task_id, "started_at": now}
        )
        if created:
            return True
        if row.finished_at is not None:
            return False
        if row.task_id != task_id and row.started_at > now - STALE_AFTER:
            return False
        row.task_id, row.started_at = task_id, now
        row.save(update_fields=["task_id", "started_at"])
        return True


def once_per_slot(func):
    """Decorate a beat task's function (under @shared_task) so each local date's run happens once.

    A direct call outside Celery (a test, a shell) has no task id and is not counted: whoever calls
    the function by hand means it.
    """
    name = f"{func.__module__}.{func.__name__}"

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        task_id = current_task.request.id if current_task else None
        if not task_id:
            return func(*args, **kwargs)
        slot = timezone.localdate().isoformat()
        if not claim(name, slot, task_id):
            logger.info("%s: slot %s already run or running, skipped (task %s)", name, slot, task_id)
            return None
        result = func(*args, **kwargs)
        ScheduledSlot.objects.filter(task=name, slot=slot).update(finished_at=timezone.now())
        return result

    return wrapper


INTERRUPTED = "任务被中断（后台进程意外退出），已写入的部分保留。为免重复写入，未自动重做：请核对后重新提交。"


def at_most_once_job(func):
    """For a task taking a Job id whose work cannot safely run twice: a second start fails the job.

    Late acknowledgement delivers the task again after its worker died mid-way (same task id);
    rows already written would then be written twice, so the job says what happened instead.
    """

    @functools.wraps(func)
    def wrapper(job_id: int, *args, **kwargs):
        with transaction.atomic():
            job = Job.objects.select_for_update().get(pk=job_id)
            if job.params.get("attempted"):
                job.status, job.finished_at, job.message = Job.Status.FAILED, timezone.now(), INTERRUPTED
                job.save(update_fields=["status", "finished_at", "message"])
                logger.warning("job %s started before and was interrupted: not run again", job_id)
                return None
            job.params["attempted"] = True
            job.save(update_fields=["params"])
        return func(job_id, *args, **kwargs)

    return wrapper
