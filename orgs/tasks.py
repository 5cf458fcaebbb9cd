"""Thin Celery wrappers: each takes ids and calls one service function."""

from celery import shared_task

from . import notifications


@shared_task
def send_daily_digest() -> int:
    return notifications.send_daily_digest()
