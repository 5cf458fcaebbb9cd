"""Progress reporting for long work. Tasks call these; pages poll `orgs:job_status`."""

import logging

from django.core.files.base import ContentFile
from django.utils import timezone

from .models import Job

logger = logging.getLogger(__name__)


def start(job: Job, total: int = 0, message: str = "") -> None:
    job.status, job.total, job.message = Job.Status.RUNNING, total, message
    job.save(update_fields=["status", "total", "message"])


def advance(job: Job, progress: int, message: str = "") -> None:
    """Record progress; cheap enough to call every few thousand rows."""
    job.progress = progress
    fields = ["progress"]
    if message:
        job.message = message
        fields.append("message")
    job.save(update_fields=fields)


def finish(
    job: Job,
    result: dict | None = None,
    row_errors: list | None = None,
    file_name: str = "",
    file_bytes: bytes | None = None,
    message: str = "",
) -> None:
    job.status, job.finished_at = Job.Status.DONE, timezone.now()
    job.progress = max(job.progress, job.total)
    job.result = result or {}
    job.row_errors = row_errors or []
    if message:
        job.message = message
    if file_bytes is not None:
        job.result_file.save(file_name, ContentFile(file_bytes), save=False)
    job.save()


def fail(job: Job, message: str) -> None:
    job.status, job.finished_at, job.message = Job.Status.FAILED, timezone.now(), message
    job.save(update_fields=["status", "finished_at", "message"])


def fail_unexpected(job: Job, what: str, error: BaseException) -> None:
    """An error nobody foresaw: its traceback goes to the log, the user reads a sentence without library names."""
    logger.error("job %s (%s) failed", job.pk, job.kind, exc_info=error)
    fail(job, f"{what}：系统内部错误，已记录（任务编号 {job.pk}），请稍后重试或联系管理员。")
