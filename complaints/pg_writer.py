"""The PostgreSQL bulk path of an import: COPY into a temporary table, then merge with set-based SQL.

Rows arrive parsed and matched (importing.py, shared with the portable path). Merging
follows the same rules: new tickets are inserted; a stored ticket whose 办理状态/满意度
changed, or that now matches a project confidently while it had none, is updated and the
change recorded; everything else is left alone. One transaction for the merge.
"""

from django.db import connection, transaction

from .importing import Context, Row, tally_match
from .models import ImportBatch, MatchState

_COLUMNS = (
    "row_no, channel, ticket, received_at, township_id, region_path, raw_project_name, address, "
    "category, content, status, satisfaction, project_id, match_state, match_method, match_score"
)
_CREATE = """
DROP TABLE IF EXISTS complaint_import;
DROP TABLE IF EXISTS complaint_import_candidate;
DROP TABLE IF EXISTS complaint_existing;
CREATE TEMP TABLE complaint_import (
    row_no integer, channel varchar(20), ticket varchar(64), received_at timestamptz,
    township_id bigint, region_path varchar(255), raw_project_name varchar(200), address varchar(255),
    category varchar(100), content text, status varchar(50), satisfaction varchar(50),
    project_id bigint, match_state varchar(16), match_method varchar(16), match_score double precision
);
CREATE TEMP TABLE complaint_import_candidate (
    channel varchar(20), ticket varchar(64), project_id bigint, score double precision, method varchar(16)
);
"""
# One join of the imported rows with the stored complaints; everything else reads its result.
# "improves" = the row brings a confident match the stored complaint lacked.
_EXISTING = """
CREATE TEMP TABLE complaint_existing AS
SELECT t.row_no, c.id, c.status AS status_before, c.satisfaction AS satisfaction_before,
    c.match_state = 'matched' AS was_matched,
    t.match_state = 'matched' AS now_matched,
    c.status <> t.status AS status_changed,
    c.satisfaction <> t.satisfaction AS satisfaction_changed,
    c.match_state <> 'matched' AND t.match_state = 'matched' AS improves
FROM complaint_import t JOIN complaints_complaint c ON c.channel = t.channel AND c.ticket = t.ticket
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
FROM complaint_import_candidate k
JOIN complaints_complaint c ON c.channel = k.channel AND c.ticket = k.ticket
WHERE c.match_state <> 'matched'
ON CONFLICT (complaint_id, project_id) DO NOTHING
"""


class PostgresWriter:
    def __init__(self, ctx: Context, batch: ImportBatch):
        self.ctx, self.batch = ctx, batch
        self.pending: dict[int, Row] = {}
        self.copied = 0
        with connection.cursor() as cursor:
            cursor.execute(_CREATE)

    def copy(self, chunk: list[Row]) -> None:
        """Stream one chunk into the temporary tables (autocommit: the page sees progress)."""
        with connection.cursor() as cursor:
            with cursor.copy(f"COPY complaint_import ({_COLUMNS}) FROM STDIN") as copy:
                for r in chunk:
                    copy.write_row((
                        r.number, r.channel, r.ticket, r.received_at, r.township_id, r.region_path,
                        r.raw_project_name, r.address, r.category, r.content, r.status, r.satisfaction,
                        r.project_id, r.match_state, r.match_method, r.match_score,
                    ))  # fmt: skip
            with cursor.copy("COPY complaint_import_candidate FROM STDIN") as copy:
                for r in chunk:
                    for project_id, score, method in r.candidates:
                        copy.write_row((r.channel, r.ticket, project_id, score, method))
        self.copied += len(chunk)
        for r in chunk:
            if r.match_state == MatchState.MATCHED:
                self.ctx.counts.matched += 1
            else:
                r.content = ""  # only the report's fields are kept for the rows still pending
                self.pending[r.number] = r

    @transaction.atomic
    def merge(self) -> None:
        params = {"batch": self.batch.pk}
        with connection.cursor() as cursor:
            # Fresh statistics on both sides: right after a large import autovacuum may not have
            # analysed the complaints yet, and a plan built on "0 rows" nests loops over 100k × 100k.
            cursor.execute("ANALYZE complaint_import")
            cursor.execute("ANALYZE complaints_complaint")
            cursor.execute(_EXISTING)
            cursor.execute("ANALYZE complaint_existing")
            cursor.execute(_COUNT)
            existing, updated = cursor.fetchone()
            cursor.execute(_ALREADY_MATCHED)
            matched_before = {number for (number,) in cursor.fetchall()}
            if updated:
                cursor.execute(_CHANGES, params)
                cursor.execute(_UPDATE)
            if existing < self.copied:
                cursor.execute(_INSERT, params)
            if existing:
                cursor.execute(_DROP_CANDIDATES)
            cursor.execute(_ADD_CANDIDATES)
            cursor.execute(
                "DROP TABLE complaint_import; DROP TABLE complaint_import_candidate; DROP TABLE complaint_existing"
            )
        counts = self.ctx.counts
        accepted = counts.total - counts.refused
        counts.new, counts.updated, counts.unchanged = accepted - existing, updated, existing - updated
        for number, row in self.pending.items():
            tally_match(self.ctx, row, MatchState.MATCHED if number in matched_before else row.match_state)
