"""The score import as a background job: the request checks the header and keeps the file; the
worker reads it whole (issue 18: every read of a whole file in the worker, not the request).

The upload is removed when the job ends, whatever the outcome: nothing refused stays on disk.
"""

import secrets

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile

from campaigns.models import Campaign
from orgs import jobs
from orgs.models import Job, User

from .excel import ImportFileError, import_scores
from .periods import PeriodError

KIND = "score_import"
KIND_LABELS = {"satisfaction": "满意度测评", "inspection": "督查得分"}


def start_import(user: User, upload: UploadedFile, campaign: Campaign, quarter: str, kind: str) -> Job:
    """Keep the file (streamed to storage in chunks), record the job and queue it."""
    from orgs.outbox import enqueue

    from .tasks import import_scores_job

    path = default_storage.save(f"imports/scores-{secrets.token_hex(8)}.xlsx", upload)
    params = {
        "path": path,
        "campaign": campaign.pk,
        "quarter": quarter,
        "kind": kind,
        "filename": upload.name,
    }
    title = f"导入{KIND_LABELS[kind]}（{quarter}）：{upload.name}"
    job = Job.objects.create(kind=KIND, title=title[:200], params=params, created_by=user)
    enqueue(import_scores_job, job.pk, job=job)
    return job


def run(job: Job) -> None:
    """What the Celery task does: import the kept file, report every row error, remove the file."""
    params = job.params
    jobs.start(job, message="正在读取并导入……")
    try:
        with default_storage.open(params["path"], "rb") as handle:
            result = import_scores(
                handle,
                Campaign.objects.get(pk=params["campaign"]),
                params["quarter"],
                params["kind"],
                job.created_by,
            )
    except (ImportFileError, PeriodError, FileNotFoundError) as exc:
        jobs.fail(job, "上传的文件已不存在，请重新上传。" if isinstance(exc, FileNotFoundError) else str(exc))
        return
    finally:
        default_storage.delete(params["path"])
    errors = [f"第 {e.row} 行 [{e.column}] {e.reason}" for e in result.errors]
    message = f"新增 {result.created} 条，更新 {result.updated} 条，错误 {len(result.errors)} 行"
    jobs.finish(
        job, result={"created": result.created, "updated": result.updated}, row_errors=errors, message=message
    )
