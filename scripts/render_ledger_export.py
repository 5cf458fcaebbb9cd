"""Render a demo ledger export the way the office prints it: xlsx → LibreOffice PDF → PNGs.

    .venv/bin/python scripts/render_ledger_export.py [--out var/screenshots] [--dpi 60] [--problems 40]

Builds a throwaway SQLite database (nothing touches var/db.sqlite3): the seed 001 campaign in a
county with one township, a township officer, and projects whose problems are paragraphs long,
one project with more problems than a page holds. Exports the ledger as that officer and writes
ledger-export.xlsx, ledger-export.pdf and ledger-export-N.png (one per page) into --out.
Needs LibreOffice (soffice) and poppler-utils (pdftoppm).
"""

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build_demo(problems: int):
    """The campaign, the officer and their items, in the throwaway database."""
    from campaigns.preset_loader import load_preset
    from ledgers import workflow
    from orgs.models import Company, Region, User
    from tests.conftest import make_project
    from tests.samples.ledger_print import demo_problems

    city = Region.objects.create(name="示范市", level=Region.Level.CITY)
    county = Region.objects.create(name="示范县", level=Region.Level.DISTRICT, parent=city)
    township = Region.objects.create(name="城关街道", level=Region.Level.TOWNSHIP, parent=county)
    community = Region.objects.create(name="北关社区", level=Region.Level.COMMUNITY, parent=township)
    company = Company.objects.create(name="示范物业服务有限公司", credit_code="91371323MA3C4XQ61H")
    campaign = load_preset("zaozhuang-2020", jurisdiction=county.pk, new_slug="demo").campaign
    officer = User.objects.create_user(username="officer", role=User.Role.TOWNSHIP, region=township)
    category = campaign.categories.get(code="1.1")
    projects = [
        (make_project("阳光花园", township, company, community=community), 3),
        (
            make_project(
                "城关街道北关社区幸福里花园小区二期（东区）", township, company, community=community
            ),
            problems,
        ),
        (make_project("锦绣苑", township, company, community=community), 4),
    ]
    seed = 0
    for project, count in projects:
        for fields in demo_problems(count, seed):
            workflow.create_item(
                user=officer, campaign=campaign, project=project, category=category, **fields
            )
        seed += count
    return campaign, officer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(ROOT / "var" / "screenshots"))
    parser.add_argument("--dpi", type=int, default=60)
    parser.add_argument("--problems", type=int, default=40, help="problems of the long project")
    args = parser.parse_args()
    if shutil.which("soffice") is None or shutil.which("pdftoppm") is None:
        sys.exit("需要 LibreOffice（soffice）和 poppler-utils（pdftoppm）。")
    work = Path(tempfile.mkdtemp(prefix="ledger-render-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'render.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from ledgers import excel
    from ledgers.models import LedgerItem
    from tests.samples.ledger_print import render_pdf, render_pngs

    call_command("migrate", verbosity=0)
    campaign, officer = build_demo(args.problems)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("ledger-export*"):
        old.unlink()
    scope = excel.ExportScope(campaign, excel.home_township(officer), campaign.categories.get(code="1"))
    xlsx = out / "ledger-export.xlsx"
    excel.write_workbook(xlsx, scope, excel.export_items(scope, LedgerItem.objects.visible_to(officer)))
    pdf = render_pdf(xlsx, out)
    for png in render_pngs(pdf, out / "ledger-export", dpi=args.dpi):
        print(png)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
