"""The complaint upload's preview: what confirming would do, before anything is written.

Issue 17: "A preview before writing, like the ledger's (today the complaint upload imports straight
away)". The worker reads the whole file the way the import will (same parsing, same refusals),
and counts, without writing, the rows that are new, the tickets already imported and the rows
refused with their reasons. The person then confirms (a second job imports) or leaves it; an
upload left unconfirmed for a day is removed from the disk (issue 18: nothing refused or
abandoned stays on disk).
"""

from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from .excel import open_table
from .importing import (
    Context,
    Progress,
    build_context,
    cycle_collection_paused,
    discard_upload,
    parsed_chunks,
    stored_lookup,
)
from .models import Complaint, ImportBatch

KEEP_PREVIEW = timedelta(days=1)
MAX_LINES = 500  # rows listed on the page; the counts cover every row
ABANDONED = "预览超过一天未确认，上传的文件已删除；如需导入请重新上传。"


@dataclass
class PreviewResult:
    total: int = 0
    new: int = 0
    existing: int = 0  # the same (channel, ticket) is already stored: updated or unchanged on import
    refused: int = 0
    duplicate: int = 0  # refused because an earlier row of the file has the ticket
    skipped: int = 0  # total and notes rows

    def as_dict(self, ctx: Context) -> dict:
        lines = sorted(ctx.report, key=lambda line: line.row)
        shown = [line for line in lines if line.outcome in ("拒收", "重复", "提示", "跳过")][:MAX_LINES]
        return {**asdict(self), "lines": [asdict(line) for line in shown]}

    def summary(self) -> str:
        return (
            f"预览：共 {self.total} 行，新增 {self.new}，已导入过（同一工单）{self.existing}，"
            f"拒收 {self.refused}（其中文件内重复 {self.duplicate}），跳过合计/说明行 {self.skipped}。确认后才会写入。"
        )


def preview_file(
    batch: ImportBatch, path: Path, user, progress: Progress | None = None
) -> tuple[PreviewResult, dict]:
    """Parse and classify every row as the import would; nothing is written."""
    ctx = build_context(user, batch.channel)
    result = PreviewResult()
    with cycle_collection_paused():
        table = open_table(path)
        for chunk in parsed_chunks(ctx, table):
            stored = set(Complaint.objects.filter(stored_lookup(chunk)).values_list("channel", "ticket"))
            existing = sum(1 for row in chunk if (row.channel, row.ticket) in stored)
            result.existing += existing
            result.new += len(chunk) - existing
            if progress is not None:
                progress(ctx.counts.total, max(table.total, ctx.counts.total))
    counts = ctx.counts
    result.total, result.refused, result.duplicate = counts.total, counts.refused, counts.duplicate
    result.skipped = counts.skipped
    return result, result.as_dict(ctx)


def awaiting_confirmation(batch: ImportBatch) -> bool:
    """A batch whose preview is done and whose file is still there to import."""
    job = batch.job
    return (
        batch.status == ImportBatch.Status.QUEUED
        and bool(batch.file)
        and job is not None
        and job.kind == "complaint_preview"
        and job.status == job.Status.DONE
    )


def remove_abandoned_previews(now=None) -> int:
    """Uploads whose preview nobody confirmed within a day: the file goes, the batch says why."""
    cutoff = (now or timezone.now()) - KEEP_PREVIEW
    stale = ImportBatch.objects.filter(status=ImportBatch.Status.QUEUED, created_at__lt=cutoff)
    removed = 0
    for batch in stale.filter(job__kind="complaint_preview").exclude(file=""):
        discard_upload(batch, ABANDONED)
        removed += 1
    return removed
