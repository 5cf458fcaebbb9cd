# The table of the "shared" database cache (config/settings.py CACHES), where the ledger list keeps its
# status counts for every worker process. createcachetable creates only the tables that are missing.

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("ledgers", "0004_audit_records_and_triggers")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
