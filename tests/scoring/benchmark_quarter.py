"""Time compute_quarter at province size on a throw-away database (not collected by pytest).

    VAR_DIR=/tmp/bench-scoring .venv/bin/python tests/scoring/benchmark_quarter.py 100000

Builds one county with 20 townships, N projects (served by N/200 companies), a survey
and most inspection scores for every project, 2 complaints and 1 ledger item per
project on average, then times the quarter's computation and a rerun.
"""

import os
import random
import sys
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

SH = ZoneInfo("Asia/Shanghai")


def build(n: int) -> "Campaign":  # noqa: F821
    from campaigns.models import Campaign
    from complaints.models import Complaint
    from ledgers.models import LedgerItem
    from orgs.models import Company, Project, ProjectAssignment, Region
    from scoring.models import InspectionScore, SatisfactionSurvey

    rng = random.Random(5)
    county = Region.objects.create(name="基准县", level=Region.Level.DISTRICT)
    towns = [
        Region.objects.create(name=f"街道{i}", level=Region.Level.TOWNSHIP, parent=county) for i in range(20)
    ]
    companies = Company.objects.bulk_create(Company(name=f"企业{i}") for i in range(max(1, n // 200)))
    projects = Project.objects.bulk_create(
        (
            Project(
                name=f"小区{i}",
                township=(t := towns[i % 20]),
                region_path=t.path,
                households=rng.randint(50, 2000),
                company=companies[i % len(companies)],
            )
            for i in range(n)
        ),
        batch_size=5000,
    )
    ProjectAssignment.objects.bulk_create(
        (ProjectAssignment(project=p, company_id=p.company_id, start=date(2023, 1, 1)) for p in projects),
        batch_size=5000,
    )
    campaign = Campaign.objects.create(slug="bench", title="基准", jurisdiction=county)
    q = "2024-Q1"
    SatisfactionSurvey.objects.bulk_create(
        (
            SatisfactionSurvey(
                campaign=campaign,
                project=p,
                quarter=q,
                region_path=p.region_path,
                satisfaction=Decimal(rng.randint(5000, 9900)) / 100,
                sample_size=50,
            )
            for p in projects
        ),
        batch_size=5000,
    )
    InspectionScore.objects.bulk_create(
        (
            InspectionScore(
                campaign=campaign,
                project=p,
                quarter=q,
                region_path=p.region_path,
                score=Decimal(rng.randint(4000, 10000)) / 100,
            )
            for p in projects
            if rng.random() < 0.7
        ),
        batch_size=5000,
    )
    Complaint.objects.bulk_create(
        (
            Complaint(
                ticket=f"B{i}",
                received_at=datetime(2024, rng.randint(1, 3), rng.randint(1, 28), tzinfo=SH),
                township_id=(p := projects[rng.randrange(n)]).township_id,
                region_path=p.region_path,
                project=p,
                category="质价不符" if rng.random() < 0.1 else "环境卫生",
            )
            for i in range(2 * n)
        ),
        batch_size=5000,
    )
    LedgerItem.objects.bulk_create(
        (
            LedgerItem(
                campaign=campaign,
                project=p,
                township_id=p.township_id,
                region_path=p.region_path,
                problem="问题",
                deadline=date(2024, 2, 1),
                status="closed" if rng.random() < 0.7 else "in_progress",
                closed_at=datetime(2024, 1, rng.randint(1, 31), tzinfo=SH),
            )
            for p in projects
        ),
        batch_size=5000,
    )
    return campaign


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    call_command("migrate", verbosity=0)
    from scoring.quarterly import compute_quarter

    started = time.perf_counter()
    campaign = build(n)
    print(f"seeded {n} projects in {time.perf_counter() - started:.1f}s")
    for label in ("compute", "rerun"):
        started = time.perf_counter()
        run = compute_quarter(campaign, "2024-Q1")
        print(f"{label}: {time.perf_counter() - started:.1f}s  {run.summary}")


if __name__ == "__main__":
    main()
