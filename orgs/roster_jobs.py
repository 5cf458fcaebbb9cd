"""The roster import as a background job: upload → preview job → confirm → import job.

The uploaded file is kept under MEDIA_ROOT/imports/ until the real import has run,
so the preview and the import read the same bytes.
"""

import secrets
from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from . import jobs
from .excel import RosterFileError, read_roster
from .models import Job, Region, User
from .roster import import_roster

KIND = "import_projects"
KEEP_UPLOADS = timedelta(days=1)  # issue 18: a preview nobody confirmed within a day is abandoned
MAX_ROWS_IN_RESULT = 2000  # the page shows every refused row and the first rows of the rest


def can_import(user: User) -> bool:
    return user.is_authenticated and user.is_active and (user.is_admin or user.role == User.Role.TASK_FORCE)


def start_import(
    user: User, upload: UploadedFile, county: Region, dry_run: bool, create_regions: bool = False
) -> Job:
    """Keep the file, record the job and queue it; the caller redirects to the job page."""
    path = default_storage.save(f"imports/{secrets.token_hex(8)}.xlsx", upload)
    params = {"path": path, "filename": upload.name, "county_id": county.pk, "dry_run": dry_run,
              "create_regions": create_regions}  # fmt: skip
    return _queue(user, params)


def confirm_import(user: User, preview: Job, create_regions: bool = False) -> Job:
    """The preview's file imported for real; new 街道 are created only when the person said so."""
    params = {**preview.params, "dry_run": False, "preview_id": preview.pk, "create_regions": create_regions}
    return _queue(user, params)


def _queue(user: User, params: dict) -> Job:
    from .outbox import enqueue
    from .tasks import run_roster_import

    title = f"导入项目台账{'（预览）' if params['dry_run'] else ''}：{params['filename']}"
    job = Job.objects.create(kind=KIND, title=title[:200], params=params, created_by=user)
    enqueue(run_roster_import, job.pk, job=job)
    return job


def run(job: Job) -> None:
    """What the Celery task does: read, import (or preview), record counts and row errors."""
    jobs.start(job, message="正在读取文件…")
    county = Region.objects.get(pk=job.params["county_id"])
    try:
        with default_storage.open(job.params["path"], "rb") as handle:
            sheet = read_roster(handle)
    except (RosterFileError, FileNotFoundError) as exc:
        # Issue 18: a refused upload does not stay on disk.
        default_storage.delete(job.params["path"])
        job.params = {**job.params, "path": ""}
        job.save(update_fields=["params"])
        jobs.fail(job, str(exc) if isinstance(exc, RosterFileError) else "上传的文件已不存在，请重新上传。")
        return
    jobs.start(job, total=len(sheet.rows), message="正在导入…")
    report = import_roster(
        sheet,
        county,
        dry_run=job.params["dry_run"],
        check_visible_to=job.created_by,
        progress=lambda n: jobs.advance(job, n),
        create_regions=job.params.get("create_regions", False),
    )
    result = report.as_dict()
    refused = [r for r in result["rows"] if r["status"] == "refused"]
    others = [r for r in result["rows"] if r["status"] != "refused"]
    result["rows"] = refused + others[: max(0, MAX_ROWS_IN_RESULT - len(refused))]
    prefix = "预览：" if job.params["dry_run"] else "已导入："
    jobs.finish(job, result=result, row_errors=report.errors, message=prefix + report.summary())
    # The preview's file waits for the confirm; an import's file has done its work.
    if not job.params["dry_run"]:
        default_storage.delete(job.params["path"])


def remove_abandoned_uploads(now=None) -> int:
    """Delete uploaded rosters whose preview was never confirmed; returns how many files went."""
    cutoff = (now or timezone.now()) - KEEP_UPLOADS
    previews = Job.objects.filter(kind=KIND, created_at__lt=cutoff, params__dry_run=True)
    removed = 0
    for job in previews.exclude(params__path=""):
        if default_storage.exists(job.params["path"]):
            default_storage.delete(job.params["path"])
            removed += 1
        job.params = {**job.params, "path": ""}
        job.save(update_fields=["params"])
    return removed
