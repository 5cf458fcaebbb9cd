"""Work asked for by a request survives a broker outage: an outbox row in the application's database.

`enqueue(task, *args, job=...)` writes the row in the caller's transaction and hands the task to
the broker once that transaction has committed (so the worker always finds the rows it is given).
When the broker cannot be reached the page still answers: the row stays 待发送, the job's status
says the work is queued until the message service is back, and `relay()` sends it then — from a
beat task every 30 s, when a worker starts, and from `manage.py relay_outbox`.

A message can go out twice (a relay that dies between sending and marking): every task is written
to run again safely (orgs/taskpolicy.py).
"""

import logging
from datetime import timedelta

import kombu.exceptions
from celery import current_app
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Job, OutboxMessage

logger = logging.getLogger(__name__)

BROKER_DOWN = "排队中：消息服务暂时不可用，恢复后自动执行"
# The relay leaves the newest rows to the request that wrote them, which sends right after commit.
RELAY_AFTER = timedelta(seconds=10)


def enqueue(task, *args, job: Job | None = None) -> OutboxMessage:
    """Record `task(*args)` and send it after commit; returns the row (status says whether it went)."""
    message = OutboxMessage.objects.create(task=task.name, args=list(args), job=job)
    if current_app.conf.task_always_eager:
        # An eager task runs here, on this connection: it sees the uncommitted rows already.
        send(message)
    else:
        transaction.on_commit(lambda: send(message))
    return message


def send(message: OutboxMessage) -> bool:
    """Hand one message to the broker; False (and the row kept waiting) when the broker is unreachable."""
    task = current_app.tasks[message.task]
    try:
        task.delay(*message.args)
    except kombu.exceptions.OperationalError as exc:
        logger.warning("broker unreachable, %s kept in the outbox: %s", message, exc)
        OutboxMessage.objects.filter(pk=message.pk).update(
            attempts=F("attempts") + 1, last_error=str(exc)[:1000]
        )
        if message.job_id:
            Job.objects.filter(pk=message.job_id, status=Job.Status.QUEUED).update(message=BROKER_DOWN)
        return False
    message.status, message.sent_at = OutboxMessage.Status.SENT, timezone.now()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=message.status, sent_at=message.sent_at, attempts=F("attempts") + 1
    )
    if message.job_id:
        Job.objects.filter(pk=message.job_id, status=Job.Status.QUEUED, message=BROKER_DOWN).update(
            message=""
        )
    return True


def relay(older_than: timedelta = RELAY_AFTER, limit: int = 1000) -> tuple[int, int]:
    """Send waiting messages, oldest first; stops at the first refusal. Returns (sent, still waiting)."""
    sent = 0
    cutoff = timezone.now() - older_than
    waiting = OutboxMessage.objects.filter(status=OutboxMessage.Status.WAITING, created_at__lte=cutoff)
    while sent < limit:
        with transaction.atomic():
            # Two relays (beat and a worker start) never send the same row: each skips the other's.
            batch = list(waiting.select_for_update(skip_locked=True).order_by("pk")[:100])
            if not batch:
                break
            for message in batch:
                if not send(message):
                    return sent, waiting.count()
                sent += 1
    return sent, waiting.count()
