"""The printed ledger: the export rendered by LibreOffice headless → PDF → PNG, and checked on the page.

Seed 001 附件2 is sent up on paper: wrapped text must stay in its row, 完成时限 on one line, every
page numbered, a project continued on a new page named again there, the officer's township as 属地,
and the date on its own line under the title.
"""

import re
import shutil

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ledgers import print_layout, workflow
from ledgers.excel import FIRST_DATA_ROW, WIDTHS
from tests.conftest import make_project
from tests.samples.ledger_files import soffice_available
from tests.samples.ledger_print import (
    demo_problems,
    horizontal_rules,
    pdf_words,
    render_pdf,
    render_pngs,
    words_crossing_rules,
)

LONG_NAME = "城关街道北关社区幸福里花园小区二期（东区）"
CHECK_DPI = 100


@pytest.fixture
def ledger_pages(zz, project_a, project_b, township_a_region, company_x_org):
    """A long project spanning pages, two short ones around it; one in another township."""
    long_project = make_project(LONG_NAME, township_a_region, company_x_org)
    category = zz.categories.get(code="1.1")
    for project, count, seed in ((project_a, 3, 0), (long_project, 40, 10), (project_b, 2, 60)):
        for fields in demo_problems(count, seed):
            workflow.create_item(user=None, campaign=zz, project=project, category=category, **fields)
    return long_project


@pytest.mark.parametrize(
    ("used", "heights", "breaks", "continued"),
    [
        (100, [100, 100], [], []),  # fits on what is left of the page
        (400, [100, 100], [10], []),  # fits on a page, not on the rest: moved whole to the next
        (30, [200, 200, 200], [12], [2]),  # longer than a page: split, its name repeated at offset 2
        (400, [200, 200, 200], [10, 12], [2]),  # moved to a fresh page first, then split there
        (30, [600], [], []),  # one row taller than a page stays where it is (never an empty page)
    ],
)
def test_a_project_keeps_its_rows_on_one_page_when_it_fits(used, heights, breaks, continued):
    pages = print_layout.PagePlan(capacity=500, header=30, used=used)

    assert pages.place(10, heights) == continued
    assert pages.breaks == breaks


def test_page_breaks_stop_at_excels_limit():
    pages = print_layout.PagePlan(capacity=100, header=10, used=10)
    for row in range(2000):
        pages.place(row, [80])

    assert len(pages.breaks) == print_layout.MAX_BREAKS


def exported_by(client, campaign, tmp_path):
    response = client.post(reverse("campaigns:ledger_export", args=[campaign.slug]), {"category": ""})
    assert response.status_code == 200
    path = tmp_path / "台账.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    return path


def test_every_row_is_as_tall_as_its_wrapped_text(tmp_path, zz, ledger_pages, township_a, client_for):
    sheet = load_workbook(exported_by(client_for(township_a), zz, tmp_path))["1 环境卫生"]

    merged = {
        r.min_row: r for r in sheet.merged_cells.ranges if r.min_row > FIRST_DATA_ROW and r.min_col == 2
    }
    widths = dict(zip("ABCDEFGHIJKL", WIDTHS, strict=True))
    for row in range(FIRST_DATA_ROW + 1, sheet.max_row + 1):
        height = sheet.row_dimensions[row].height
        for col in "EFGHIL":
            text = sheet[f"{col}{row}"].value
            if isinstance(text, str):
                needed = print_layout.lines_in(text, widths[col]) * print_layout.LINE_POINTS
                assert needed <= height, (row, col, needed, height)
        if row in merged:
            block = sum(sheet.row_dimensions[r].height for r in range(row, merged[row].max_row + 1))
            name_lines = print_layout.lines_in(sheet[f"B{row}"].value, widths["B"])
            assert name_lines * print_layout.LINE_POINTS <= block


@pytest.mark.skipif(
    not soffice_available() or shutil.which("pdftoppm") is None,
    reason="LibreOffice (soffice) or poppler-utils (pdftoppm) is not installed: the ledger cannot be printed",
)
def test_the_printed_ledger_keeps_text_in_its_cells_and_numbers_its_pages(
    tmp_path, zz, ledger_pages, township_a, client_for
):
    pdf = render_pdf(exported_by(client_for(township_a), zz, tmp_path), tmp_path)
    pngs = render_pngs(pdf, tmp_path / "check", dpi=CHECK_DPI)
    words = pdf_words(pdf)
    pages = {p: [w for w in words if w.page == p] for p in range(1, len(pngs) + 1)}
    text = {p: " ".join(w.text for w in ws) for p, ws in pages.items()}

    assert len(pngs) >= 3, "40 problems of a paragraph each take several pages"
    for number, png in enumerate(pngs, 1):
        crossing = words_crossing_rules(pages[number], horizontal_rules(png, CHECK_DPI))
        assert not crossing, f"page {number}: text runs over a row border: {crossing[:3]}"
        assert re.search(rf"第\s*{number}\s*页\s*共\s*{len(pngs)}\s*页", text[number]), text[number][-80:]
        assert "备注" in text[number], "the header row is repeated and no column falls off the page"
    continued = [p for p in pages if any(re.match(r"问题(1[1-9]|[2-4]\d|50)：", w.text) for w in pages[p])]
    for number in continued:
        assert any(w.text.startswith(LONG_NAME[:6]) for w in pages[number]), (
            f"page {number} lacks the project"
        )
    assert "属地：城关街道" in text[1].replace(" ", "")
    first = sorted(pages[1], key=lambda w: w.y_min)
    title_y = next(w.y_min for w in first if "攻坚行动整治工作台账" in w.text)
    date_y = next(w.y_min for w in first if re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", w.text))
    header_y = next(w.y_min for w in first if w.text == "序号")
    assert title_y < date_y < header_y, "the date has its own line between the title and the header"
    assert sum(w.text == "2026年12月28日" for w in words) == 43, "完成时限 fits on one line (43 items)"
