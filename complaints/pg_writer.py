"""The PostgreSQL bulk path of an import: COPY, and set-based SQL where stored tickets are met.

Rows arrive parsed and matched (importing.py, shared with the portable path). Merging
follows the same rules: new tickets are inserted; a stored ticket whose 办理状态/满意度
changed, or that now matches a project confidently while it had none, is updated and the
change recorded; everything else is left alone.

The file goes in slices, each written in its own transaction (as the portable path writes
each chunk in one). A slice is written on another thread while this one parses the next:
the writing is the database's work (the thread mostly waits on the socket, without the GIL),
the parsing is Python's, so both cores work. Each write thread has its own connection, and
nothing touches that connection here until the slice's write is collected (see PostgresWriter
for why there are two).

Most files are a new day's export, every ticket new: a slice is first COPYed straight into
complaints_complaint (inside a savepoint), with no temporary table, no look-up of stored
tickets and no INSERT … SELECT; the unique (channel, ticket) index is the look-up. When that
meets a stored ticket the savepoint is rolled back and the slice merged the general way
(COPY into a temporary table, look-up, update, insert), and so is every later slice of the
file, since a file that repeats stored tickets mostly goes on doing so.
"""

import io
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from operator import attrgetter

import psycopg
from django.db import connection, connections
from django.utils import timezone
from psycopg.copy import FileWriter

from .importing import Context, Progress, Row, tally_match
from .models import ImportBatch, MatchState

# Smaller slices shorten what cannot overlap: parsing the first one and writing the last.
SLICE_MIN, SLICE_MAX, SLICES = 5_000, 50_000, 20
_COLUMNS = (
    "row_no, channel, ticket, received_at, township_id, region_path, raw_project_name, address, "
    "category, content, status, satisfaction, project_id, match_state, match_method, match_score"
)
_TYPES = (
    "int4", "text", "text", "timestamptz", "int8", "text", "text", "text",
    "text", "text", "text", "text", "int8", "text", "text", "float8",
)  # fmt: skip
# The columns of complaints_complaint a direct COPY fills: _record's, then the batch and timestamps.
_DIRECT = (
    "channel, ticket, received_at, township_id, region_path, raw_project_name, address, category, content, "
    "status, satisfaction, project_id, match_state, match_method, match_score, batch_id, created_at, updated_at"
)
_DIRECT_TYPES = (*_TYPES[1:], "int8", "timestamptz", "timestamptz")
_CREATE = """
DROP TABLE IF EXISTS complaint_import;
DROP TABLE IF EXISTS complaint_import_candidate;
DROP TABLE IF EXISTS complaint_existing;
CREATE TEMP TABLE complaint_import (
    row_no integer, channel text, ticket text, received_at timestamptz,
    township_id bigint, region_path text, raw_project_name text, address text,
    category text, content text, status text, satisfaction text,
    project_id bigint, match_state text, match_method text, match_score double precision
);
CREATE TEMP TABLE complaint_import_candidate (
    channel text, ticket text, project_id bigint, score double precision, method text
);
"""
# One look-up of the imported rows in the stored complaints; everything else reads its result.
# "improves" = the row brings a confident match the stored complaint lacked.
# LATERAL … LIMIT 1 (the key is unique) keeps it a probe of the (channel, ticket) index per row,
# whatever the statistics say: a hash join read the whole table (1 GB at city size) for every slice.
_EXISTING = """
CREATE TEMP TABLE complaint_existing AS
SELECT t.row_no, c.id, c.status AS status_before, c.satisfaction AS satisfaction_before,
    c.match_state = 'matched' AS was_matched,
    t.match_state = 'matched' AS now_matched,
    c.status <> t.status AS status_changed,
    c.satisfaction <> t.satisfaction AS satisfaction_changed,
    c.match_state <> 'matched' AND t.match_state = 'matched' AS improves
FROM complaint_import t CROSS JOIN LATERAL (
    SELECT c.id, c.status, c.satisfaction, c.match_state FROM complaints_complaint c
    WHERE c.channel = t.channel AND c.ticket = t.ticket LIMIT 1
) c
"""
_CHANGED = "(e.status_changed OR e.satisfaction_changed OR e.improves)"
_COUNT = f"SELECT count(*), count(*) FILTER (WHERE {_CHANGED}) FROM complaint_existing e"  # nosec B608  # constant fragments only
# Rows the matcher left pending whose stored complaint a person (or an earlier import) had matched.
_ALREADY_MATCHED = "SELECT row_no FROM complaint_existing WHERE NOT now_matched AND was_matched"
_CHANGES = f"""
INSERT INTO complaints_complaintchange (complaint_id, field, before, after, batch_id, at)
SELECT e.id, f.field, f.before, f.after, %(batch)s, now()
FROM complaint_existing e JOIN complaint_import t ON t.row_no = e.row_no
CROSS JOIN LATERAL (VALUES
    ('status', e.status_before, t.status, e.status_changed),
    ('satisfaction', e.satisfaction_before, t.satisfaction, e.satisfaction_changed),
    ('project', '', coalesce(t.project_id::text, ''), e.improves)
) AS f(field, before, after, changed)
WHERE {_CHANGED} AND f.changed
"""  # nosec B608  # built from the constant fragments above; values are bound parameters


def _keep_or_take(column: str) -> str:
    return f"{column} = CASE WHEN e.improves THEN t.{column} ELSE c.{column} END"


# Only the stored complaints that changed are written: an unchanged row is not even locked.
_UPDATE = f"""
UPDATE complaints_complaint c SET
    status = t.status, satisfaction = t.satisfaction, updated_at = now(),
    {_keep_or_take("project_id")}, {_keep_or_take("region_path")}, {_keep_or_take("match_method")},
    {_keep_or_take("match_score")}, {_keep_or_take("match_state")}
FROM complaint_existing e JOIN complaint_import t ON t.row_no = e.row_no
WHERE c.id = e.id AND {_CHANGED}
"""  # nosec B608  # built from the constant fragments above and fixed column names
_INSERT = """
INSERT INTO complaints_complaint (
    channel, ticket, received_at, township_id, region_path, raw_project_name, address, category,
    content, status, satisfaction, project_id, match_state, match_method, match_score, batch_id,
    created_at, updated_at)
SELECT channel, ticket, received_at, township_id, region_path, raw_project_name, address, category,
    content, status, satisfaction, project_id, match_state, match_method, match_score, %(batch)s, now(), now()
FROM complaint_import t
WHERE NOT EXISTS (SELECT FROM complaint_existing e WHERE e.row_no = t.row_no)
ON CONFLICT (channel, ticket) DO NOTHING
"""
# Candidates of imported complaints that are matched now (new rows have none yet).
_DROP_CANDIDATES = """
DELETE FROM complaints_matchcandidate mc USING complaint_existing e
WHERE mc.complaint_id = e.id AND (e.was_matched OR e.improves)
"""
_ADD_CANDIDATES = """
INSERT INTO complaints_matchcandidate (complaint_id, project_id, score, method)
SELECT c.id, k.project_id, k.score, k.method
FROM complaint_import_candidate k CROSS JOIN LATERAL (
    SELECT c.id, c.match_state FROM complaints_complaint c
    WHERE c.channel = k.channel AND c.ticket = k.ticket LIMIT 1
) c
WHERE c.match_state <> 'matched'
ON CONFLICT (complaint_id, project_id) DO NOTHING
"""


class PostgresWriter:
    """Slices of parsed rows → write (on the write threads); `finish` waits for the last.

    Outside a transaction the slices go through two connections in turn, each with its own write
    thread: PostgreSQL works a connection on one core, and a slice is half index upkeep, half the
    foreign-key checks of its commit, so one connection kept the database the slowest part while
    the parsing left part of a core idle. Slices hold different tickets (a file's repeats are
    refused before), so the two never wait for each other. Inside a caller's transaction (a test's)
    everything stays on its connection, where that transaction can see and undo it."""

    def __init__(self, ctx: Context, batch: ImportBatch, total: int, progress: Progress | None = None):
        self.ctx, self.batch, self.total, self.progress = ctx, batch, total, progress
        # The first slice is small: the database has nothing to do until it is parsed.
        self.slice, self.next_slice = SLICE_MIN, min(max(total // SLICES, SLICE_MIN), SLICE_MAX)
        self.rows: list[Row] = []
        self.pending: dict[int, Row] = {}  # rows not matched yet: their final state comes from the merge
        self.existing = self.updated = 0
        self.matched_before: set[int] = set()
        self.direct = True  # until a slice meets a stored ticket
        self.lanes = [connection.connection]
        # The second lane is a connection of its own, opened and set up the way Django sets up every
        # connection of this database (time zone, role, isolation level), not a bare psycopg one.
        self.second = None
        if not connection.in_atomic_block:
            self.second = connections.create_connection(connection.alias)
            self.second.ensure_connection()
            self.lanes.append(self.second.connection)
        self.threads = [ThreadPoolExecutor(1, thread_name_prefix="complaint-write") for _ in self.lanes]
        self.writing: deque[tuple[Future, list[Row]]] = deque()  # slices sent, oldest first
        self.sent = 0
        # Only formats COPY data in memory (it never talks to the server), so this thread can use it
        # while a write thread has the connection.
        self.formatting = connection.connection.cursor()
        for raw in self.lanes:
            with raw.cursor() as cursor:
                cursor.execute(_CREATE)

    def add(self, chunk: list[Row]) -> None:
        self.rows.extend(chunk)
        if len(self.rows) >= self.slice:
            self._send()

    def finish(self) -> None:
        """Write what is left, wait for it, and count every row's final match state."""
        try:
            if self.rows:
                self._send()
            while self.writing:
                self._collect()
        finally:
            self.close()
        with connection.cursor() as cursor:
            cursor.execute(
                "DROP TABLE complaint_import; DROP TABLE complaint_import_candidate;"
                "DROP TABLE IF EXISTS complaint_existing"
            )
        counts = self.ctx.counts
        accepted = counts.total - counts.refused
        counts.new, counts.updated, counts.unchanged = (
            accepted - self.existing, self.updated, self.existing - self.updated,
        )  # fmt: skip
        for number, row in self.pending.items():
            state = MatchState.MATCHED if number in self.matched_before else row.match_state
            tally_match(self.ctx, row, state)

    def close(self) -> None:
        """Never leave a write running on a connection (a file that fails half-way still waits)."""
        for writing, _rows in self.writing:
            writing.exception()  # waits; the error, if any, was raised by _collect already
        for thread in self.threads:
            thread.shutdown()
        if self.second is not None:
            self.second.close()  # its temporary tables go with it
        self.formatting.close()

    def _collect(self) -> None:
        """Wait for the oldest slice being written; its counts join the import's."""
        writing, sent = self.writing.popleft()
        existing, updated, matched_before, direct = writing.result()
        self.existing += existing
        self.updated += updated
        self.matched_before |= matched_before
        self.direct = self.direct and direct
        for r in sent:
            if r.match_state == MatchState.MATCHED:
                self.ctx.counts.matched += 1
            else:
                r.content = ""  # only the report's fields are kept for the rows still pending
                self.pending[r.number] = r
        if self.progress is not None:
            self.progress(self.ctx.counts.total, max(self.total, self.ctx.counts.total))

    def _send(self) -> None:
        """Format the slice's COPY data here, while earlier slices are being written, then hand the
        slice to the next connection's write thread (once its previous slice is written) and
        return to parsing.

        Formatting is Python's work: on a write thread it would wait for the GIL behind the parsing
        at every row, and the database would starve; there the thread only sends the bytes."""
        rows, self.rows = self.rows, []
        self.slice = self.next_slice
        data = _direct_copy_data(self.formatting, self.batch.pk, rows) if self.direct else None
        while len(self.writing) >= len(self.lanes):
            self._collect()
        lane = self.sent % len(self.lanes)  # the oldest slice in flight used it and is collected
        self.sent += 1
        writing = self.threads[lane].submit(
            _write, self.lanes[lane], self.batch.pk, rows, data if self.direct else None
        )
        self.writing.append((writing, rows))


# A row's values in _COLUMNS order after row_no (attrgetter builds the tuple in C).
_record = attrgetter(
    "channel", "ticket", "received_at", "township_id", "region_path", "raw_project_name", "address",
    "category", "content", "status", "satisfaction", "project_id", "match_state", "match_method",
    "match_score",
)  # fmt: skip


def _direct_copy_data(cursor, batch_id: int, rows: list[Row]) -> bytes:
    """The slice as binary COPY data for complaints_complaint (_DIRECT columns)."""
    now = timezone.now()
    stamp = (batch_id, now, now)
    buffer = io.BytesIO()
    with psycopg.Copy(cursor, binary=True, writer=FileWriter(buffer)) as copy:
        copy.set_types(_DIRECT_TYPES)
        for r in rows:
            copy.write_row(_record(r) + stamp)
    return buffer.getvalue()


def _write(raw, batch_id: int, rows: list[Row], data: bytes | None) -> tuple[int, int, set[int], bool]:
    """One slice into complaints_complaint, in one transaction; runs on the write thread with the
    psycopg connection itself (Django's wrapper belongs to the importing thread). With `data` (the
    slice formatted for a direct COPY) the slice is first tried straight into the table.

    Returns (stored before, of which changed, row numbers whose stored complaint was matched before,
    whether the next slice is tried straight into the table)."""
    with raw.transaction(), raw.cursor() as cursor:
        # An import lost in a crash is simply run again (it is idempotent on the ticket), so a
        # slice need not wait for its WAL to reach the disk: the flush overlaps the next slice.
        cursor.execute("SET LOCAL synchronous_commit = off")
        direct = data is not None and _copy_new(raw, cursor, data)
        result = (0, 0, set()) if direct else _merge(cursor, batch_id, rows)
        candidates = [(r.channel, r.ticket, *c) for r in rows for c in r.candidates]
        if candidates:
            cursor.execute("TRUNCATE complaint_import_candidate")
            with cursor.copy("COPY complaint_import_candidate FROM STDIN") as copy:
                for candidate in candidates:
                    copy.write_row(candidate)
            cursor.execute(_ADD_CANDIDATES)
    return (*result, direct)


def _copy_new(raw, cursor, data: bytes) -> bool:
    """COPY the slice straight into complaints_complaint; False (and nothing written) when one of
    its tickets is stored already."""
    try:
        with raw.transaction():  # a savepoint: a stored ticket undoes the COPY, not the slice
            with cursor.copy(f"COPY complaints_complaint ({_DIRECT}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.write(data)
    except psycopg.errors.UniqueViolation:
        return False
    return True


def _merge(cursor, batch_id: int, rows: list[Row]) -> tuple[int, int, set[int]]:
    """The general way: COPY into a temporary table, look the tickets up, update the stored ones
    that changed and insert the others. Returns (stored before, of which changed, row numbers
    whose stored complaint was matched before)."""
    params = {"batch": batch_id}
    cursor.execute("TRUNCATE complaint_import")
    with cursor.copy(f"COPY complaint_import ({_COLUMNS}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(_TYPES)
        for r in rows:
            copy.write_row((r.number, *_record(r)))
    cursor.execute("DROP TABLE IF EXISTS complaint_existing")
    cursor.execute(_EXISTING)
    cursor.execute(_COUNT)
    existing, updated = cursor.fetchone()
    matched_before: set[int] = set()
    if existing:
        # Planned on fresh statistics: the joins below go by row number through this table.
        cursor.execute("ANALYZE complaint_existing")
        cursor.execute(_ALREADY_MATCHED)
        matched_before = {number for (number,) in cursor.fetchall()}
    if updated:
        cursor.execute(_CHANGES, params)
        cursor.execute(_UPDATE)
    if existing < len(rows):
        cursor.execute(_INSERT, params)
    if existing:
        cursor.execute(_DROP_CANDIDATES)
    return existing, updated, matched_before
