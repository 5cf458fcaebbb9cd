"""Thin Celery wrappers: each takes ids and calls one service function."""

from pathlib import Path

from celery import shared_task
from django.utils import timezone

from campaigns.models import Campaign
from orgs import jobs
from orgs.models import Job
from orgs.taskpolicy import RETRY, once_per_slot

from . import monthly, preview, rules
from .excel import FileFormatError
from .importing import discard_upload, run_import, summary_text
from .models import ImportBatch


def _progress(job: Job | None):
    def progress(done: int, total: int) -> None:
        if job is None:
            return
        if job.total != total:  # jobs.advance saves only the progress
            job.total = total
            job.save(update_fields=["total"])
        jobs.advance(job, done)

    return progress


@shared_task(**RETRY)
def preview_complaints(batch_id: int) -> None:
    """Read the whole upload in the worker and tell what confirming would do; a refused file is removed."""
    batch = ImportBatch.objects.select_related("job", "created_by").get(pk=batch_id)
    job = batch.job
    jobs.start(job, message="正在读取并检查……")
    try:
        result, details = preview.preview_file(batch, Path(batch.file.path), batch.created_by, _progress(job))
    except (FileFormatError, FileNotFoundError) as exc:
        message = str(exc) if isinstance(exc, FileFormatError) else "上传的文件已不存在，请重新上传。"
        discard_upload(batch, message)
        jobs.fail(job, message)
        return
    jobs.finish(job, result={"batch": batch.pk, **details}, message=result.summary())


@shared_task(expires=6 * 3600, **RETRY)
def remove_abandoned_previews() -> None:
    """Beat, daily: uploads nobody confirmed within a day leave the disk."""
    preview.remove_abandoned_previews()


@shared_task(**RETRY)
def import_complaints(batch_id: int) -> None:
    batch = ImportBatch.objects.select_related("job", "created_by").get(pk=batch_id)
    job = batch.job
    if job is not None:
        jobs.start(job, message="正在读取并匹配……")
    progress = _progress(job)
    try:
        _, report = run_import(batch, Path(batch.file.path), batch.created_by, progress)
    except FileFormatError as exc:
        if job is not None:
            jobs.fail(job, str(exc))
        return
    if job is not None:
        # The page lists the refused rows; the batch's CSV report has every row that needs attention.
        refused = [f"第 {r.row} 行 {r.column}：{r.message}" for r in report if r.outcome in ("拒收", "重复")]
        jobs.finish(job, result={"batch": batch.pk}, row_errors=refused[:500], message=summary_text(batch))


@shared_task(expires=6 * 3600, **RETRY)
def compute_month(campaign_id: int, month: str) -> None:
    monthly.compute_month(Campaign.objects.get(pk=campaign_id), month)


@shared_task(expires=20 * 3600, **RETRY)
@once_per_slot
def compute_previous_month() -> None:
    """Beat, on the 1st: the month before, for every active campaign."""
    month = rules.shift_month(rules.month_key(timezone.localdate()), -1)
    for campaign_id in Campaign.objects.filter(is_active=True).values_list("pk", flat=True):
        compute_month.delay(campaign_id, month)
