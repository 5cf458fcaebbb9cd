from django.db import migrations, models

# The (match_state, township) index goes: its one reader, the home panel's count of complaints
# waiting for review, now asks for the pending states by name (ComplaintQuerySet.pending), a range of
# complaint_state_received (EXPLAIN at city size: 78 ms, against 104 ms reading all of this one),
# and every index costs each imported row an insert. Dropped concurrently on PostgreSQL.
NAME = "complaints__match_s_109c0f_idx"
INDEX = models.Index(fields=["match_state", "township"], name=NAME)


def drop(apps, schema_editor):
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS {NAME}")


def create(apps, schema_editor):
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(
        f"CREATE INDEX {concurrently}IF NOT EXISTS {NAME} ON complaints_complaint (match_state, township_id)"
    )


class Migration(migrations.Migration):
    atomic = False  # DROP INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [("complaints", "0007_region_path_prefix_index_only_no_batch_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.RemoveIndex(model_name="complaint", name=NAME)],
            database_operations=[migrations.RunPython(drop, create)],
        )
    ]
