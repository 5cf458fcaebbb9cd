from django.db import migrations, models

# Only the two single-column indexes go: Django's own AlterField would also drop and re-add both
# foreign keys, re-checking every complaint under an exclusive lock (minutes at province size), and
# rebuild the whole table on SQLite. The index names are Django's, the same on both databases.
INDEXES = {
    "complaints_complaint_project_id_0a905413": "project_id",
    "complaints_complaint_township_id_595ed59b": "township_id",
}


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0005_ranking_top_partial_index"),
        ("orgs", "0004_outbox_and_scheduled_slots"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"',
                    f'CREATE INDEX "{name}" ON "complaints_complaint" ("{column}")',
                )
                for name, column in INDEXES.items()
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="complaint",
                    name="project",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=models.deletion.SET_NULL,
                        related_name="complaints",
                        to="orgs.project",
                        verbose_name="项目",
                    ),
                ),
                migrations.AlterField(
                    model_name="complaint",
                    name="township",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.PROTECT,
                        related_name="complaints",
                        to="orgs.region",
                        verbose_name="所属镇街",
                    ),
                ),
            ],
        ),
    ]
