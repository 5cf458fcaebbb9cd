"""The benchmark suite at a tiny size, so it cannot rot while the apps change under it.

The generator writes the same tables the app writes (straight SQL: COPY on PostgreSQL,
executemany on SQLite), so a new NOT NULL column or a renamed table breaks it here first.
"""

import csv

import pytest

from bench import figures, generate, importing
from complaints.models import Complaint, ImportBatch
from ledgers.models import LedgerItem
from orgs.models import Job, Project, Region


@pytest.fixture
def tiny(db, tmp_path, monkeypatch):
    monkeypatch.setattr(generate, "DATA_DIR", tmp_path)
    facts = generate.generate("tiny", seed=3, log=lambda _text: None)
    return facts


def test_generator_fills_the_tables_the_app_reads_with_consistent_keys_and_paths(tiny):
    size = generate.SIZES["tiny"]
    assert Project.objects.count() == size.projects == tiny["projects"]
    assert LedgerItem.objects.count() == size.items == tiny["items"]
    # Two years: the last 12 months hold the size's volume, the 12 before a little more.
    assert size.complaints * 2 < Complaint.objects.count() == tiny["complaints"] < size.complaints * 3
    township_paths = dict(Region.objects.townships().values_list("pk", "path"))
    for project in Project.objects.select_related("community"):
        assert project.region_path == project.community.path
        assert project.region_path.startswith(township_paths[project.township_id])
    for township_id, path, project_path in Complaint.objects.values_list(
        "township_id", "region_path", "project__region_path"
    )[:500]:
        assert path == (project_path or township_paths[township_id])


def test_import_files_are_read_by_the_apps_importer_and_mostly_matched_and_a_figure_is_measured(tiny):
    csv_path, xlsx_path = generate.write_import_files("tiny", seed=3, log=lambda _text: None)
    with csv_path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == generate.IMPORT_HEADER
    assert len(rows) == generate.SIZES["tiny"].csv_rows + 1
    seconds, counts = importing.app_import(csv_path)
    assert seconds > 0
    accepted = counts["new"]
    assert counts["refused"] > 0  # the file carries a few rows without a date and a few duplicates
    assert counts["matched"] > 0.8 * accepted

    suite = figures.Suite("tiny", 3, runs=1, facts=tiny, log=lambda _text: None)
    suite.bench_quarterly()
    quarterly, rerun = suite.results
    assert quarterly["name"].startswith("quarterly computation") and rerun["name"].endswith(", rerun")
    assert quarterly["value"] > 0 and len(quarterly["runs"]) == 1 and len(rerun["runs"]) == 1
    assert "projects" in quarterly["note"] and "from scratch" in quarterly["note"]


def test_the_generated_complaints_are_the_campaign_year_and_the_year_before_for_year_on_year(tiny):
    from django.db import connection

    with connection.cursor() as cursor:
        years = generate.complaint_years(cursor)
    assert years["months"] == "2025-11..2026-10"
    assert years["complaints_12_months"] + years["complaints_12_months_before"] == tiny["complaints"]
    assert years["complaints_12_months"] >= generate.SIZES["tiny"].complaints
    assert years["complaints_other"] == 0


def test_clean_up_removes_exactly_what_an_import_run_added(tiny):
    csv_path, _xlsx = generate.write_import_files("tiny", seed=3, log=lambda _text: None)
    before = set(Complaint.objects.values_list("pk", flat=True))
    someone_elses = ImportBatch.objects.create(channel="12345", file_name="东庄镇10月.xlsx", region_path="/")
    importing.app_import(csv_path)
    assert Complaint.objects.count() > len(before)
    assert ImportBatch.objects.filter(file_name=csv_path.name).exists()
    importing.clean_up()
    assert set(Complaint.objects.values_list("pk", flat=True)) == before
    assert list(ImportBatch.objects.values_list("pk", flat=True)) == [someone_elses.pk]
    assert not Job.objects.filter(kind="complaint_import").exists()
