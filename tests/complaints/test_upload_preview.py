"""The complaint upload page: a preview before anything is written, then confirm; refused and
abandoned uploads leave the disk."""

from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from complaints import preview, tasks
from complaints.importing import create_batch
from complaints.models import Complaint, ImportBatch
from tests.samples import complaint_files as files

from .conftest import row, write_csv


@pytest.fixture
def run_on_commit():
    with mock.patch("django.db.transaction.on_commit", side_effect=lambda fn: fn()):
        yield


def upload(client, path: Path, name: str | None = None):
    data = SimpleUploadedFile(name or path.name, path.read_bytes())
    return client.post(reverse("complaints:import"), {"file": data, "channel": "12345"}, follow=True)


def stored_files(media_root: Path) -> list[Path]:
    return [p for p in Path(media_root).rglob("*") if p.is_file() and "reports" not in p.parts]


def test_an_upload_is_previewed_with_counts_and_reasons_and_nothing_is_written(
    client_for, task_force, projects, tmp_path, run_on_commit
):
    # Old code imported on upload: the shifted row was stored with status 「无人清运」.
    response = upload(client_for(task_force), files.shifted_csv(tmp_path, "城关街道", "阳光花园"))
    batch = ImportBatch.objects.get()
    result = batch.job.result
    assert (result["total"], result["new"], result["existing"], result["refused"]) == (4, 2, 0, 2)
    assert not Complaint.objects.exists() and batch.status == ImportBatch.Status.QUEUED
    page = response.content.decode()
    assert 'data-testid="import-confirm"' in page and "确认导入（新增 2 条）" in page
    assert "本行有 7 列，表头只有 6 列" in page and "本行只有 3 列" in page


def test_confirming_the_preview_imports_and_a_second_upload_counts_the_tickets_as_already_imported(
    client_for, task_force, projects, tmp_path, run_on_commit
):
    client = client_for(task_force)
    path = files.hotline_xlsx(tmp_path, "城关街道", "阳光花园", count=3)
    upload(client, path)
    batch = ImportBatch.objects.get()
    response = client.post(reverse("complaints:import_confirm", args=[batch.pk]), follow=True)
    batch.refresh_from_db()
    assert response.status_code == 200 and batch.status == ImportBatch.Status.DONE
    assert batch.job.kind == "complaint_import" and Complaint.objects.count() == 3
    assert client.post(reverse("complaints:import_confirm", args=[batch.pk])).status_code == 302
    assert Complaint.objects.count() == 3  # a second confirm imports nothing
    upload(client, path)
    again = ImportBatch.objects.order_by("-pk").first()
    assert (again.job.result["new"], again.job.result["existing"], again.job.result["skipped"]) == (0, 3, 1)


def test_only_the_task_force_may_confirm_and_only_batches_it_sees(
    client_for, task_force, township_a, projects, tmp_path, run_on_commit
):
    upload(client_for(task_force), files.gb18030_csv(tmp_path, "城关街道", "阳光花园"))
    batch = ImportBatch.objects.get()
    assert (
        client_for(township_a).post(reverse("complaints:import_confirm", args=[batch.pk])).status_code == 403
    )
    assert not Complaint.objects.exists()


def test_a_file_refused_by_its_header_is_refused_in_the_request_and_never_stored(
    client_for, task_force, projects, tmp_path, media_root, run_on_commit
):
    path = write_csv(tmp_path / "wrong.csv", [["x", "y"]], header=["姓名", "电话"])
    response = upload(client_for(task_force), path)
    assert "找不到表头" in response.content.decode()
    exe = tmp_path / "report.xlsx"
    exe.write_bytes(b"MZ\x90\x00" + b"\x00" * 4000)  # a renamed executable
    response = upload(client_for(task_force), exe)
    assert "不是 Excel 工作簿" in response.content.decode()
    assert not ImportBatch.objects.exists() and stored_files(media_root) == []


def test_the_header_check_reads_only_the_first_rows_never_the_whole_workbook(
    client_for, task_force, projects, tmp_path, run_on_commit
):
    path = files.hotline_xlsx(tmp_path, "城关街道", "阳光花园")
    with (
        mock.patch("complaints.excel.CalamineWorkbook") as calamine,
        mock.patch("complaints.tasks.preview_complaints.delay"),
    ):
        upload(client_for(task_force), path)
    assert ImportBatch.objects.count() == 1 and not calamine.called


def test_a_file_the_worker_refuses_is_removed_from_disk(task_force, projects, tmp_path, media_root):
    # Old code kept every refused upload (15 files, 408 MB on the tested server), each with a failed batch.
    data = SimpleUploadedFile("bomb.xlsx", b"PK\x03\x04" + b"\x00" * 100)
    batch = create_batch(task_force, "12345", "bomb.xlsx", upload=data, kind="complaint_preview")
    assert len(stored_files(media_root)) == 1
    tasks.preview_complaints(batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED and batch.job.status == "failed"
    assert not batch.file and stored_files(media_root) == []
    assert "Excel" in batch.message


def test_the_import_removes_a_file_it_refuses(task_force, projects, tmp_path, media_root):
    data = SimpleUploadedFile("wrong.csv", "姓名,电话\r\n张三,1\r\n".encode())
    batch = create_batch(task_force, "12345", "wrong.csv", upload=data)
    tasks.import_complaints(batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED and stored_files(media_root) == []


def test_a_preview_left_unconfirmed_for_a_day_is_removed(task_force, projects, tmp_path, media_root):
    path = write_csv(tmp_path / "m.csv", [row("T1")])
    old, fresh = (
        create_batch(
            task_force,
            "12345",
            "m.csv",
            upload=SimpleUploadedFile("m.csv", path.read_bytes()),
            kind="complaint_preview",
        )
        for _ in range(2)
    )
    for batch in (old, fresh):
        tasks.preview_complaints(batch.pk)
    ImportBatch.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    assert preview.remove_abandoned_previews() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == ImportBatch.Status.FAILED and not old.file and "未确认" in old.message
    assert fresh.file and fresh.status == ImportBatch.Status.QUEUED
    assert len(stored_files(media_root)) == 1 and not Complaint.objects.exists()


def test_an_oversized_legacy_workbook_is_refused_before_calamine_loads_it(settings):
    import io

    from complaints.excel import FileFormatError, check_header
    from config import spreadsheets

    big = io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2048)
    with (
        mock.patch.object(spreadsheets, "LEGACY_MAX_BYTES", 1024),
        pytest.raises(FileFormatError, match="文件过大"),
    ):
        check_header(big, "old.xls")
