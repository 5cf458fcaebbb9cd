"""One-file backups of the database and the uploaded files, and their restore (README: 备份与恢复).

An archive (`zzt-backup-<time>.tar`) holds:
- `database.dump` — PostgreSQL: `pg_dump --format=custom` of one snapshot; SQLite: `database.sqlite3`
  made with SQLite's online backup API;
- `media/…` — every file under MEDIA_ROOT;
- `manifest.json` — when, which versions (Django, database server, the latest migration of each app),
  the row count of every table and the SHA-256 of the dump and of every file, as seen by the dump's
  own snapshot. Restore checks the hashes before writing anything and the row counts after.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

import django
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
DUMP = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in Chinese."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def row_counts() -> dict[str, int]:
    """Rows of every table of the database (not only Django's: history triggers' tables too)."""
    quote = connection.ops.quote_name
    counts = {}
    with connection.cursor() as cursor:
        for table in _tables():
            cursor.execute(f"SELECT count(*) FROM {quote(table)}")  # nosec B608 # names from the catalogue
            counts[table] = cursor.fetchone()[0]
    return counts


def latest_migrations() -> dict[str, str]:
    from django.db.migrations.recorder import MigrationRecorder

    latest: dict[str, str] = {}
    for app, name in (
        MigrationRecorder(connection).migration_qs.order_by("app", "name").values_list("app", "name")
    ):
        latest[app] = name
    return latest


def _pg_env() -> dict[str, str]:
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "PGDATABASE": db["NAME"],
        "PGUSER": db.get("USER") or "",
        "PGHOST": db.get("HOST") or "",
    }
    env["PGPORT"] = str(db.get("PORT") or "")
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return {k: v for k, v in env.items() if v != ""}


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in DUMP:
        raise BackupError(f"不支持的数据库类型：{vendor}")
    return vendor


def _media_files(root: Path) -> dict[str, dict]:
    files = {}
    if root.is_dir():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            files[path.relative_to(root).as_posix()] = {
                "sha256": sha256_file(path),
                "bytes": path.stat().st_size,
            }
    return files


def _dump_postgresql(target: Path) -> tuple[dict[str, int], dict]:
    """pg_dump of the snapshot in which the rows are counted, so the manifest describes the dump."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        snapshot, server = cursor.fetchone()
        result = subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-acl", f"--snapshot={snapshot}", f"--file={target}"],
            env=_pg_env(), capture_output=True, text=True,
        )  # fmt: skip
        if result.returncode != 0:
            raise BackupError(f"pg_dump 失败：{result.stderr.strip()}")
        tool = subprocess.run(
            ["pg_dump", "--version"], capture_output=True, text=True, check=True
        ).stdout.strip()
        return row_counts(), {
            "server": f"PostgreSQL {server}",
            "pg_dump": tool,
            "migrations": latest_migrations(),
        }


def _dump_sqlite(target: Path) -> tuple[dict[str, int], dict]:
    connection.ensure_connection()
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)  # one consistent copy, even while others write
    counts = {}
    with sqlite3.connect(target) as copy:
        listed = copy.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        tables = [name for (name,) in listed]
        for table in sorted(tables):
            counts[table] = copy.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # nosec B608
    return counts, {"server": f"SQLite {sqlite3.sqlite_version}", "migrations": latest_migrations()}


def backup(output: Path) -> tuple[Path, dict]:
    """Write one archive into the folder `output` (or to the file `output` when it ends in .tar)."""
    engine = _engine()
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    archive = output if output.suffix == ".tar" else output / f"zzt-backup-{stamp}.tar"
    archive.parent.mkdir(parents=True, exist_ok=True)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(dir=archive.parent) as work:
        dump = Path(work) / DUMP[engine]
        counts, versions = (_dump_postgresql if engine == "postgresql" else _dump_sqlite)(dump)
        files = _media_files(media_root)
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "engine": engine,
            "database": {"file": dump.name, "sha256": sha256_file(dump), "bytes": dump.stat().st_size},
            "versions": {"django": django.__version__, **versions},
            "tables": counts,
            "media": files,
        }
        partial = archive.with_name(archive.name + ".partial")
        with tarfile.open(partial, "w") as tar:
            tar.add(dump, arcname=dump.name)
            for name in files:
                tar.add(media_root / name, arcname=f"media/{name}")
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(datetime.now().timestamp())
            tar.addfile(info, fileobj=io.BytesIO(data))
        partial.rename(archive)  # a crash mid-way never leaves something that looks like a backup
    return archive, manifest


@dataclass
class Restored:
    tables: int
    rows: int
    files: int


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts


def read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(tar.extractfile(MANIFEST))
    except (KeyError, ValueError) as exc:
        raise BackupError("备份文件缺少有效的 manifest.json，不是本系统的备份") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份格式版本 {manifest.get('format')} 不受支持（应为 {FORMAT}）")
    return manifest


def restore(archive: Path) -> Restored:
    """Restore an archive into the configured database, which must be empty, and into MEDIA_ROOT."""
    engine = _engine()
    media_root = Path(settings.MEDIA_ROOT)
    if _tables():
        raise BackupError("目标数据库不是空库：请先新建一个空数据库，再把 DATABASE_URL 指向它")
    if media_root.is_dir() and any(media_root.iterdir()):
        raise BackupError(f"上传文件目录 {media_root} 不是空目录：请指定一个空目录（MEDIA_ROOT）")
    with tarfile.open(archive) as tar, tempfile.TemporaryDirectory() as work:
        manifest = read_manifest(tar)
        if manifest["engine"] != engine:
            raise BackupError(f"备份来自 {manifest['engine']}，目标数据库是 {engine}")
        names = [m.name for m in tar.getmembers() if m.isfile()]
        if not all(_safe_member(n) for n in names):
            raise BackupError("备份文件含有不安全的路径，拒绝恢复")
        tar.extractall(work, filter="data")
        folder = Path(work)
        _check(folder, manifest)
        dump = folder / manifest["database"]["file"]
        if engine == "postgresql":
            result = subprocess.run(
                ["pg_restore", "--no-owner", "--no-acl", "--exit-on-error", "--single-transaction",
                 f"--dbname={settings.DATABASES['default']['NAME']}", str(dump)],
                env=_pg_env(), capture_output=True, text=True,
            )  # fmt: skip
            if result.returncode != 0:
                raise BackupError(f"pg_restore 失败：{result.stderr.strip()}")
        else:
            connection.close()
            shutil.copyfile(dump, settings.DATABASES["default"]["NAME"])
        if (folder / "media").is_dir():
            media_root.mkdir(parents=True, exist_ok=True)
            shutil.copytree(folder / "media", media_root, dirs_exist_ok=True)
    counts = row_counts()
    wrong = {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n}
    if wrong:
        raise BackupError(f"恢复后行数与备份不符（表：应有, 实有）：{wrong}")
    return Restored(len(counts), sum(counts.values()), len(manifest["media"]))


def _check(folder: Path, manifest: dict) -> None:
    """Every byte as it was written: the dump and each file against the manifest's hashes."""
    expected = {manifest["database"]["file"]: manifest["database"]["sha256"]}
    expected |= {f"media/{name}": meta["sha256"] for name, meta in manifest["media"].items()}
    for name, digest in expected.items():
        path = folder / name
        if not path.is_file():
            raise BackupError(f"备份文件不完整：缺少 {name}")
        if sha256_file(path) != digest:
            raise BackupError(f"备份文件已损坏：{name} 的校验值不符")
