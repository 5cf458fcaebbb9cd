"""Audit the application cannot rewrite (issue 8 "No data lost": every change recorded, audit rows immutable).

Two guarantees held by the database itself, so they hold for code paths that bypass signals:

1. Append-only audit tables. `LedgerEvent`, `ComplaintChange`, every django-simple-history table and
   `AuditRecord` refuse UPDATE and DELETE with a trigger that raises (PostgreSQL: PL/pgSQL; SQLite:
   `RAISE(ABORT, ...)`). Nothing in the application deletes audit rows, and their parents are protected by
   the same trigger: deleting a complaint that has change records is refused, not cascaded away.
2. Row changes on PostgreSQL. An UPDATE or DELETE of ledger items, actions or scores writes one
   `AuditRecord` per row with the changed columns before and after (all columns for a delete). The
   triggers are statement-level with transition tables, so a bulk `QuerySet.update()` of 10,000 rows
   costs one INSERT ... SELECT, not 10,000 trigger calls. SQLite (development, tests) keeps only (1):
   its triggers cannot read a whole row as JSON without listing every column.

Why not django-pghistory: its event tables and triggers belong to each tracked model's app (campaigns,
scoring), one event table per model, and pgtrigger skips SQLite silently; one generic table and two
functions here cover every tracked table and both databases' append-only rule.

The triggers are (re)installed after every `migrate` (post_migrate), because SQLite drops a table's
triggers when a migration rebuilds the table; the migration ledgers 0004 installs them the first time.
The one way past the SQLite guard is `flush` (tests, `load_demo --reset`), which wipes the whole
database: PostgreSQL flushes with TRUNCATE, which row triggers do not see either.
"""

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

REFUSAL = "审计记录只能追加，不能修改或删除"

# Tables whose UPDATE/DELETE leave an AuditRecord (PostgreSQL): cases, actions and scores.
TRACKED_MODELS = (
    "ledgers.LedgerItem",
    "campaigns.Action",
    "scoring.ProjectScore",
    "scoring.UnitScore",
    "scoring.CompanyAssessment",
    "scoring.CreditRating",
    "scoring.ListEntry",
    "scoring.CompanyBlacklist",
    "scoring.InspectionScore",
    "scoring.SatisfactionSurvey",
    "scoring.QualityEvaluation",
)
APPEND_ONLY_MODELS = ("ledgers.LedgerEvent", "complaints.ComplaintChange", "ledgers.AuditRecord")

_wiping = ContextVar("audit_wiping", default=False)
# The PostgreSQL setting the row-change trigger reads the person from (a custom, dotted name).
APP_USER_SETTING = "zzt.app_user_id"
WRITES = ("UPDATE", "DELETE")


class AuditRecord(models.Model):
    """One row changed or deleted in a tracked table, written by a database trigger (PostgreSQL)."""

    class Op(models.TextChoices):
        UPDATE = "UPDATE", _("修改")
        DELETE = "DELETE", _("删除")

    table_name = models.CharField(_("表"), max_length=63)
    row_id = models.BigIntegerField(_("记录ID"))
    op = models.CharField(_("操作"), max_length=6, choices=Op.choices)
    before = models.JSONField(_("变更前"))
    after = models.JSONField(_("变更后"), null=True, blank=True)
    at = models.DateTimeField(_("时间"))
    txid = models.BigIntegerField(_("事务号"))
    db_user = models.CharField(_("数据库用户"), max_length=63)
    # The person: the database role is the app's for every request. Set per request (acting_user);
    # no constraint, so a trigger never fails on it and a user's record outlives nothing.
    app_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.DO_NOTHING,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="+",
        verbose_name=_("操作人"),
    )

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-id"]
        indexes = [models.Index(fields=["table_name", "row_id"], name="audit_table_row")]

    def __str__(self) -> str:
        return f"{self.table_name}#{self.row_id} {self.op} {timezone.localtime(self.at):%Y-%m-%d %H:%M}"


def append_only_tables() -> list[str]:
    """The audit tables: the named ones plus every simple-history table, present and future."""
    from simple_history.models import HistoricalChanges

    named = [apps.get_model(label)._meta.db_table for label in APPEND_ONLY_MODELS]
    history = [m._meta.db_table for m in apps.get_models() if issubclass(m, HistoricalChanges)]
    return sorted(set(named + history))


def tracked_tables() -> list[str]:
    return [apps.get_model(label)._meta.db_table for label in TRACKED_MODELS]


PG_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION zzt_audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{REFUSAL}（%）', TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END $$;

CREATE OR REPLACE FUNCTION zzt_audit_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        INSERT INTO {{audit}} (table_name, row_id, op, before, after, at, txid, db_user, app_user_id)
        SELECT TG_TABLE_NAME, n.id, TG_OP, d.before, d.after, now(), txid_current(), current_user,
               NULLIF(current_setting('{APP_USER_SETTING}', true), '')::bigint
        FROM zzt_new n JOIN zzt_old o ON o.id = n.id
        CROSS JOIN LATERAL (
            SELECT jsonb_object_agg(b.key, b.value) AS before, jsonb_object_agg(a.key, a.value) AS after
            FROM jsonb_each(to_jsonb(o)) b JOIN jsonb_each(to_jsonb(n)) a ON a.key = b.key
            WHERE a.value IS DISTINCT FROM b.value
        ) d
        WHERE d.before IS NOT NULL;
    ELSE
        INSERT INTO {{audit}} (table_name, row_id, op, before, after, at, txid, db_user, app_user_id)
        SELECT TG_TABLE_NAME, o.id, TG_OP, to_jsonb(o), NULL, now(), txid_current(), current_user,
               NULLIF(current_setting('{APP_USER_SETTING}', true), '')::bigint
        FROM zzt_old o;
    END IF;
    RETURN NULL;
END $$;
"""  # nosec B608  # a constant message and a table name from the model, never user input


def _postgresql(connection: BaseDatabaseWrapper, existing: set[str]) -> list[str]:
    q = connection.ops.quote_name
    sql = [PG_FUNCTIONS.replace("{audit}", q(AuditRecord._meta.db_table))]
    for table in append_only_tables():
        if table in existing:
            sql.append(
                f"CREATE OR REPLACE TRIGGER zzt_append_only BEFORE UPDATE OR DELETE ON {q(table)} "
                "FOR EACH ROW EXECUTE FUNCTION zzt_audit_refuse()"
            )
    for table in tracked_tables():
        if table in existing:
            # A transition table may serve one event only, hence two triggers per table.
            sql.append(
                f"CREATE OR REPLACE TRIGGER zzt_audit_update AFTER UPDATE ON {q(table)} "
                "REFERENCING OLD TABLE AS zzt_old NEW TABLE AS zzt_new "
                "FOR EACH STATEMENT EXECUTE FUNCTION zzt_audit_changes()"
            )
            sql.append(
                f"CREATE OR REPLACE TRIGGER zzt_audit_delete AFTER DELETE ON {q(table)} "
                "REFERENCING OLD TABLE AS zzt_old FOR EACH STATEMENT EXECUTE FUNCTION zzt_audit_changes()"
            )
    return sql


def _sqlite(connection: BaseDatabaseWrapper, existing: set[str]) -> list[str]:
    q = connection.ops.quote_name
    return [
        f"CREATE TRIGGER IF NOT EXISTS {q(f'zzt_append_only_{event.lower()}_{table}')} "
        f"BEFORE {event} ON {q(table)} WHEN NOT zzt_audit_wiping() "
        f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
        for table in append_only_tables()
        if table in existing
        for event in ("UPDATE", "DELETE")
    ]


def install(connection: BaseDatabaseWrapper) -> None:
    """Create (or refresh) every audit trigger on the tables that exist now; safe to run again."""
    builders = {"postgresql": _postgresql, "sqlite": _sqlite}
    if connection.vendor not in builders:
        return
    existing = set(connection.introspection.table_names())
    if AuditRecord._meta.db_table not in existing:
        return  # before ledgers 0004: the migration itself installs them
    with connection.cursor() as cursor:
        for statement in builders[connection.vendor](connection, existing):
            cursor.execute(statement)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    """Undo `install` (migrating ledgers back before 0004)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP FUNCTION IF EXISTS zzt_audit_changes(), zzt_audit_refuse() CASCADE")
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'zzt_append_only_%'"
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(name)}")


def register_sqlite_function(sender, connection: BaseDatabaseWrapper, **kwargs) -> None:
    """The SQLite guard's way to know a flush is running; a connection without it refuses (fails closed)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("zzt_audit_wiping", 0, lambda: _wiping.get())


@contextmanager
def wiping_database() -> Iterator[None]:
    """While `flush` empties every table: the audit trail goes with the whole database, not on its own."""
    token = _wiping.set(True)
    try:
        yield
    finally:
        _wiping.reset(token)


def reinstall_after_migrate(sender, using: str, **kwargs) -> None:
    from django.db import connections

    install(connections[using])


def _user_id(request) -> str:
    user = getattr(request, "user", None)
    return str(user.pk) if user is not None and user.is_authenticated else ""


@contextmanager
def acting_user(request) -> Iterator[None]:
    """Name the signed-in person in every AuditRecord this request's writes leave (PostgreSQL).

    Before each UPDATE or DELETE, `zzt.app_user_id` is set on the connection to the user as known
    at that moment (a DRF token user is known only once the view runs, hence per statement, not at the
    start). It is set on the raw cursor, so query counts stay the same, and cleared at the end, because
    the connection is kept for the next request. SQLite writes no AuditRecord, so nothing to set there.
    """
    if connection.vendor != "postgresql":
        yield
        return
    import psycopg

    used = False

    def name_the_user(execute, sql, params, many, context):
        nonlocal used
        if sql.lstrip()[:6].upper() in WRITES:
            context["cursor"].cursor.execute(
                "SELECT set_config(%s, %s, false)", [APP_USER_SETTING, _user_id(request)]
            )
            used = True
        return execute(sql, params, many, context)

    with connection.execute_wrapper(name_the_user):
        try:
            yield
        finally:
            if used and connection.connection is not None:
                # A broken connection is discarded anyway: nothing of it reaches the next request.
                with suppress(DatabaseError, psycopg.Error):
                    connection.connection.execute("SELECT set_config(%s, '', false)", [APP_USER_SETTING])
