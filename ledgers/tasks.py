"""Celery tasks of the ledger: thin wrappers taking ids around the service functions."""

from celery import shared_task

from orgs import jobs
from orgs.models import Job
from orgs.taskpolicy import RETRY, at_most_once_job, once_per_slot


@shared_task(**RETRY)
def export_ledger(job_id: int) -> None:
    from .excel import run_export_job

    job = Job.objects.get(pk=job_id)
    try:
        run_export_job(job)
    except Exception as error:
        jobs.fail_unexpected(job, "导出", error)
        raise


@shared_task(**RETRY)
def preview_ledger_import(job_id: int) -> None:
    from .ledger_import import run_preview_job

    job = Job.objects.get(pk=job_id)
    try:
        run_preview_job(job)
    except Exception as error:
        jobs.fail_unexpected(job, "预览", error)
        raise


@shared_task
@at_most_once_job
def import_ledger(job_id: int) -> None:
    from .ledger_import import run_import_job

    job = Job.objects.get(pk=job_id)
    try:
        run_import_job(job)
    except Exception as error:
        jobs.fail_unexpected(job, "导入", error)
        raise


@shared_task(**RETRY)
@once_per_slot
def daily_reminders() -> dict:
    """Every morning: overdue items and items due in 3 days, into each responsible person's inbox."""
    from django.utils import timezone

    from .reminders import send_reminders

    return send_reminders(timezone.localdate()).as_dict()


@shared_task(**RETRY)
@once_per_slot
def monthly_report_reminders() -> int:
    """Every morning: townships whose monthly report is due in 3 days and not yet submitted."""
    from django.utils import timezone

    from .monthly_reports import remind_due

    return remind_due(timezone.localdate())
