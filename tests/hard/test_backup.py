"""`manage.py backup`, then `manage.py restore` into a new, empty PostgreSQL database and an empty
MEDIA_ROOT: every table has the same rows and every uploaded file the same bytes (issue 8, Backups)."""

import hashlib
import io
import json
import tarfile
from pathlib import Path

from .conftest import App


def media_hashes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def table_counts(app: App) -> dict[str, int]:
    tables = [t for (t,) in app.sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
    return {t: app.sql(f'SELECT count(*) FROM "{t}"')[0][0] for t in tables}


def test_backup_and_restore_end_to_end(stack, tmp_path):
    source = App(stack, stack.fresh_database("tiny"), tmp_path / "source")
    # Uploaded files as the app keeps them: nested folders, binary content, Chinese names.
    media = tmp_path / "source" / "media"
    (media / "evidence" / "2026" / "11").mkdir(parents=True)
    (media / "evidence" / "2026" / "11" / "整改前.jpg").write_bytes(bytes(range(256)) * 40)
    (media / "complaint-imports").mkdir()
    (media / "complaint-imports" / "july.csv").write_text("工单编号\nT1\n", encoding="utf-8")
    # A write the app makes, so the dump has more than the generator's rows.
    source.sql(
        "INSERT INTO orgs_outboxmessage (task, args, status, attempts, last_error, created_at) "
        "VALUES ('orgs.tasks.relay_outbox', '[]', 'waiting', 0, '', now())"
    )

    out = source.manage("backup", "--output", str(tmp_path / "backups"))
    archive = next((tmp_path / "backups").glob("zzt-backup-*.tar"))
    assert "已备份到" in out.stdout
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    before = table_counts(source)
    assert manifest["tables"] == before and before["complaints_complaint"] > 1000
    assert manifest["media"].keys() == media_hashes(media).keys()
    assert (
        manifest["versions"]["server"].startswith("PostgreSQL") and manifest["versions"]["migrations"]["orgs"]
    )

    target = App(stack, stack.empty_database("zzt_hard_restored"), tmp_path / "target")
    out = target.manage("restore", str(archive))
    assert "校验值与行数均与备份清单一致" in out.stdout
    assert table_counts(target) == before
    assert media_hashes(tmp_path / "target" / "media") == media_hashes(media)
    # The restored copy is a working app: same newest complaint, same sequence position.
    newest = "SELECT id, ticket FROM complaints_complaint ORDER BY id DESC LIMIT 1"
    assert target.sql(newest) == source.sql(newest)
    assert target.manage("migrate", "--check").returncode == 0

    # Into a database that is not empty: refused, nothing touched.
    again = target.manage("restore", str(archive), check=False)
    assert again.returncode != 0 and "不是空库" in again.stderr
    assert table_counts(target) == before


def test_a_damaged_archive_is_refused_before_anything_is_written(stack, tmp_path):
    source = App(stack, stack.database("tiny"), tmp_path / "source")
    (tmp_path / "source" / "media" / "a.txt").write_text("原件", encoding="utf-8")
    source.manage("backup", "--output", str(tmp_path / "good.tar"))
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(tmp_path / "good.tar") as good, tarfile.open(damaged, "w") as bad:
        for member in good.getmembers():
            data = good.extractfile(member).read()
            if member.name == "media/a.txt":
                data = "改过".encode()
                member.size = len(data)
            bad.addfile(member, io.BytesIO(data))
    target = App(stack, stack.empty_database("zzt_hard_damaged"), tmp_path / "target")
    result = target.manage("restore", str(damaged), check=False)
    assert result.returncode != 0 and "media/a.txt 的校验值不符" in result.stderr
    assert target.sql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == [(0,)]


def test_restore_refuses_a_missing_archive(stack, tmp_path):
    target = App(stack, stack.empty_database("zzt_hard_missing"), tmp_path / "target")
    result = target.manage("restore", str(tmp_path / "nope.tar"), check=False)
    assert result.returncode != 0 and "找不到备份文件" in result.stderr
