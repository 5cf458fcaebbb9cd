import django.db.models.deletion
from django.db import migrations, models

# Every index of complaints_complaint costs each imported row an insert (half the database's work in a
# million-row import). Two go:
# - region_path had two on PostgreSQL, Django's plain one and its varchar_pattern_ops "_like" twin;
#   scoping only filters by prefix (LIKE '/1/2/%'), which the pattern one serves under any collation,
#   so it stays (renamed to the model's index) and the plain one goes. SQLite only had the plain one.
# - batch_id: nothing reads complaints by batch (pg_stat_user_indexes at province size: 0 scans).
# Dropped CONCURRENTLY (no lock held against the pages while a 5M-row table is in use); the rename
# is a catalogue change. Django's AlterField would drop and re-add the foreign key instead, re-checking
# every complaint under an exclusive lock, and rebuild the whole table on SQLite.
PLAIN, LIKE, BATCH = (
    "complaints_complaint_region_path_61aaadc8",
    "complaints_complaint_region_path_61aaadc8_like",
    "complaints_complaint_batch_id_c44b0be5",
)
PREFIX = "complaint_region_path_prefix"


def forwards(apps, schema_editor):
    run = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        run(f'ALTER INDEX IF EXISTS "{LIKE}" RENAME TO "{PREFIX}"')
        run(
            f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{PREFIX}" ON complaints_complaint (region_path varchar_pattern_ops)'
        )
        run(f'DROP INDEX CONCURRENTLY IF EXISTS "{PLAIN}"')
        run(f'DROP INDEX CONCURRENTLY IF EXISTS "{BATCH}"')
    else:
        run(f'DROP INDEX IF EXISTS "{PLAIN}"')
        run(f'CREATE INDEX IF NOT EXISTS "{PREFIX}" ON complaints_complaint (region_path)')
        run(f'DROP INDEX IF EXISTS "{BATCH}"')


def backwards(apps, schema_editor):
    run = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        run(f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{BATCH}" ON complaints_complaint (batch_id)')
        run(f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{PLAIN}" ON complaints_complaint (region_path)')
        run(f'ALTER INDEX IF EXISTS "{PREFIX}" RENAME TO "{LIKE}"')
    else:
        run(f'CREATE INDEX IF NOT EXISTS "{BATCH}" ON complaints_complaint (batch_id)')
        run(f'DROP INDEX IF EXISTS "{PREFIX}"')
        run(f'CREATE INDEX IF NOT EXISTS "{PLAIN}" ON complaints_complaint (region_path)')


class Migration(migrations.Migration):
    atomic = False  # CREATE/DROP INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [
        ("complaints", "0006_complaint_fk_indexes_covered_by_composites"),
        ("orgs", "0004_outbox_and_scheduled_slots"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forwards, backwards)],
            state_operations=[
                migrations.AlterField(
                    model_name="complaint",
                    name="batch",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="complaints",
                        to="complaints.importbatch",
                        verbose_name="导入批次",
                    ),
                ),
                migrations.AlterField(
                    model_name="complaint",
                    name="region_path",
                    field=models.CharField(max_length=255),
                ),
                migrations.AddIndex(
                    model_name="complaint",
                    index=models.Index(
                        fields=["region_path"], name=PREFIX, opclasses=["varchar_pattern_ops"]
                    ),
                ),
            ],
        ),
    ]
