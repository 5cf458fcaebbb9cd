"""The demo step: two years of messy 12345 exports imported for real, and the last month computed."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from campaigns.models import Action, Campaign
from complaints.models import Complaint, ImportBatch, MonthlyRun
from orgs import demo
from orgs.models import Region

pytestmark = pytest.mark.django_db


def campaign_step(ctx) -> None:
    Campaign.objects.create(
        slug="demo", title="示范整治", jurisdiction=ctx.county, issued_on=date(2024, 6, 1)
    )


def test_the_demo_step_imports_two_years_and_computes_the_last_month(monkeypatch):
    steps = ["orgs.demo.populate", "tests.complaints.test_demo.campaign_step", "complaints.demo.populate"]
    monkeypatch.setattr(demo, "DEMO_STEPS", steps)
    call_command("load_demo", "--size", "small", "--seed", "3", stdout=StringIO())
    batch = ImportBatch.objects.get()
    assert 2500 <= Complaint.objects.count() <= 3500 and batch.refused_count == 0
    assert batch.match_rate > 80  # messy names still mostly match
    assert batch.review_count + batch.unmatched_count > 0  # and some wait for a person
    assert MonthlyRun.objects.count() == 24
    assert Action.objects.filter(kind="work_reminder").exists()
    county = Region.objects.get(name="临河县")
    assert not Complaint.objects.exclude(region_path__startswith=county.path).exists()
