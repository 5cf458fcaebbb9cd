"""The import figures: the app's own service, the floor under it, and the peer.

- app: what `manage.py import_complaints` does — create the batch, hash the file, then
  complaints.importing.run_import (parse, normalise, match, upsert, batch record and row
  report) as the task force user.
- floor: csv.reader, COPY of the same rows into a temporary table, one INSERT … ON CONFLICT
  DO NOTHING into complaints_complaint (its township looked up by name, nothing matched).
- peer: django-import-export's Resource.import_data on the same xlsx, as documented.

Every run imports tickets that are not stored yet; clean_up() removes them (and vacuums)
so each run starts from the same table.
"""

import csv
import time
from pathlib import Path

from django.db import connection

_FLOOR_TABLE = """
CREATE TEMP TABLE floor_import (
    ticket text, received text, township text, project text, address text, category text,
    content text, status text, satisfaction text, source text)
"""
_FLOOR_INSERT = """
INSERT INTO complaints_complaint (
    channel, ticket, received_at, township_id, region_path, raw_project_name, address, category,
    content, status, satisfaction, match_state, match_method, created_at, updated_at)
SELECT '12345', f.ticket, (f.received || '+08')::timestamptz, t.id, t.path, f.project, f.address,
    f.category, f.content, f.status, f.satisfaction, 'unmatched', '', now(), now()
FROM floor_import f JOIN orgs_region t ON t.level = 'township' AND t.name = regexp_replace(f.township, '办事处$', '')
WHERE f.received <> ''
ON CONFLICT (channel, ticket) DO NOTHING
"""


def app_import(path: Path) -> tuple[float, dict]:
    from complaints.importing import create_batch, file_hash, run_import
    from orgs.models import User

    user = User.objects.get(username="bench_taskforce")
    started = time.perf_counter()
    batch = create_batch(user, "12345", path.name, digest=file_hash(path))
    batch, _report = run_import(batch, path, user)
    seconds = time.perf_counter() - started
    counts = {k: getattr(batch, f"{k}_count") for k in ("new", "matched", "review", "unmatched", "refused")}
    return seconds, counts


def parse_only(path: Path) -> float:
    """The Python half of the app's import alone: read, normalise and match every row, write nothing."""
    from complaints.excel import open_table
    from complaints.importing import build_context, cycle_collection_paused, parsed_chunks
    from orgs.models import User

    started = time.perf_counter()
    with cycle_collection_paused():  # as run_import does
        ctx = build_context(User.objects.get(username="bench_taskforce"), "12345")
        for _chunk in parsed_chunks(ctx, open_table(path)):
            pass
    return time.perf_counter() - started


def floor_import(path: Path) -> float:
    started = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as fh, connection.cursor() as cursor:
        reader = csv.reader(fh)
        next(reader)
        cursor.execute("DROP TABLE IF EXISTS floor_import")
        cursor.execute(_FLOOR_TABLE)
        with cursor.copy("COPY floor_import FROM STDIN") as copy:
            for row in reader:
                copy.write_row(row)
        cursor.execute(_FLOOR_INSERT)
        cursor.execute("DROP TABLE floor_import")
    return time.perf_counter() - started


def peer_import(path: Path) -> float:
    import tablib

    from bench.peers import ComplaintResource

    started = time.perf_counter()
    with path.open("rb") as fh:
        dataset = tablib.Dataset().load(fh.read(), format="xlsx")
    result = ComplaintResource().import_data(
        dataset, dry_run=False, raise_errors=False, use_transactions=True
    )
    seconds = time.perf_counter() - started
    if result.has_errors() or result.has_validation_errors():
        rows = [str(e.error) for e in result.base_errors[:3]]
        rows += [(n, str(r.errors[0].error)) for n, r in enumerate(result.rows, 2) if r.errors][:3]
        rows += [(r.number, r.error.messages) for r in result.invalid_rows[:3]]
        raise RuntimeError(f"django-import-export refused the file: {rows}")
    return seconds


def xlsx_slice(path: Path, rows: int) -> Path:
    """The first `rows` data rows of an xlsx, as another xlsx (for a peer too slow for the whole file)."""
    import xlsxwriter
    from python_calamine import CalamineWorkbook

    target = path.with_name(f"{path.stem}-first{rows}.xlsx")
    if target.exists():
        return target
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    book = xlsxwriter.Workbook(str(target))
    out = book.add_worksheet("12345工单")
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    for r, values in enumerate(sheet.iter_rows()):
        if r > rows:
            break
        for c, value in enumerate(values):
            if hasattr(value, "year"):
                out.write_datetime(r, c, value, when)
            elif value != "":
                out.write_string(r, c, str(value))
    book.close()
    return target


# The names generate.write_import_files gives its files (and xlsx_slice its slices).
BENCH_FILES = "complaints-%-s%-v%"
_IMPORTED = "SELECT id FROM complaints_complaint WHERE channel = '12345' AND ticket >= 'IM' AND ticket < 'IN'"


def _referencing_tables(cursor) -> list[tuple[str, str]]:
    """(table, column) of every foreign key to complaints_complaint, read from the schema."""
    if connection.vendor != "postgresql":
        return [("complaints_matchcandidate", "complaint_id"), ("complaints_complaintchange", "complaint_id")]
    cursor.execute(
        """SELECT c.conrelid::regclass::text, a.attname FROM pg_constraint c
           JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
           WHERE c.confrelid = 'complaints_complaint'::regclass AND c.contype = 'f'"""
    )
    return cursor.fetchall()


def _skip_foreign_key_checks(cursor) -> bool:
    """Deleting a million complaints queues a million deferred foreign-key checks per referencing table,
    run one by one at the commit (that was most of a run's clean-up). The referencing rows are deleted
    first, so the checks would find nothing: a superuser skips them (session_replication_role)."""
    if connection.vendor != "postgresql":
        return False
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if not cursor.fetchone()[0]:
        return False
    cursor.execute("SET session_replication_role = replica")
    return True


def clean_up() -> float:
    """Remove the rows an import run added (tickets IM…), so the next run starts from the same table;
    returns the seconds it took."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Fresh statistics first: planned on the pre-import estimate ("no IM tickets"), the deletes
            # below became a nested loop over a million rows that ran for many minutes.
            cursor.execute("ANALYZE complaints_complaint")
        referencing = _referencing_tables(cursor)
        skipped = _skip_foreign_key_checks(cursor)
        try:
            for table, column in referencing:
                cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({_IMPORTED})")  # nosec B608  # names from the schema
            cursor.execute(f"DELETE FROM complaints_complaint WHERE id IN ({_IMPORTED})")  # nosec B608  # _IMPORTED is a constant
        finally:
            if skipped:
                cursor.execute("RESET session_replication_role")
        # Only the batches and progress jobs of the bench's own files: a database may hold other imports.
        cursor.execute("DELETE FROM complaints_importbatch WHERE file_name LIKE %s", [BENCH_FILES])
        cursor.execute(
            "DELETE FROM orgs_job WHERE kind = 'complaint_import' AND title LIKE %s",
            [f"导入诉求：{BENCH_FILES}"],
        )
        # VACUUM cannot run inside a transaction (a test's, for one); the next run then merely reads a
        # table with dead rows.
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            cursor.execute("VACUUM ANALYZE complaints_complaint")
    return time.perf_counter() - started
