"""Each role's day in Chromium, at desktop (1366×768) and phone (390×844) size (issue 14 "Proof").

With three pages of ledger items and complaints, each role pages every list it has with 下一页 until the
link disappears (the last page), clicks every status tab and checks the tab's badge equals the rows the
tab lists, and, where the role may, uploads a 12-megapixel camera photo with EXIF orientation. The old
'??page=2' links, a badge counting other rows, or a refused phone photo each fail here.
"""

import re
from datetime import UTC, datetime, timedelta
from functools import cache

import pytest
from playwright.sync_api import Page

from campaigns.models import Category
from complaints.models import Complaint
from ledgers.models import Evidence, LedgerItem
from tests.browser.conftest import PHONE, _open_page, expect, login
from tests.samples.ledger_rows import many_items
from tests.samples.photos import camera_jpeg

CAMERA_PHOTO = cache(camera_jpeg)  # 12 MP of noise takes a second or two to encode: once per run
DESKTOP = {"viewport": {"width": 1366, "height": 768}}
LEDGER_ROWS = ".ledger-table tbody tr:has(a)"
COMPLAINT_ROWS = "#results tbody tr:has(td + td)"
PAGE_OF = re.compile(r"第 (\d+) / (\d+) 页")


@pytest.fixture(params=["desktop", "phone"])
def screen(request, browser, live_server, console):
    """A page at the size of the parameter: the same journey runs on a desktop and on a phone."""
    options = DESKTOP if request.param == "desktop" else PHONE
    yield from _open_page(browser, live_server.url, console, **options)


@pytest.fixture
def busy(project_a, project_b, campaign, housing_bureau):
    """130 ledger items in township A (three pages), 60 in B, half with the housing bureau responsible,
    and 60 complaints about project A (three pages of 25)."""
    category = Category.objects.create(campaign=campaign, code="1", name="环境卫生")
    many_items(project_a, campaign, 65, unit=housing_bureau, category=category)
    many_items(project_a, campaign, 65, category=category)
    many_items(project_b, campaign, 60, unit=housing_bureau, category=category)
    start = datetime(2026, 11, 1, 9, tzinfo=UTC)
    Complaint.objects.bulk_create(
        Complaint(
            ticket=f"GD{n:05d}",
            received_at=start + timedelta(hours=n),
            township=project_a.township,
            region_path=project_a.region_path,
            project=project_a,
            match_state="matched",
            content=f"{n}号楼楼道堆放杂物",
        )
        for n in range(60)
    )


def walk(page: Page, rows: str) -> int:
    """Rows on every page from this one to the last, clicking 下一页 until it disappears."""
    total, seen = 0, 0
    while True:
        assert "??" not in page.url
        total += page.locator(rows).count()
        seen += 1
        pager = page.locator("nav[aria-label='分页']")
        if pager.count():
            number, last = map(int, PAGE_OF.search(pager.inner_text()).groups())
            assert number == seen
        following = page.get_by_role("link", name="下一页", exact=True)
        if not following.count():
            assert not pager.count() or number == last, "下一页 vanished before the last page"
            return total
        following.click()
        page.wait_for_load_state()


def tabs(page: Page) -> list[tuple[str, int]]:
    links = page.get_by_test_id("status-counts").get_by_role("link")
    found = []
    for i in range(links.count()):
        link = links.nth(i)
        badge = link.locator(".badge").inner_text().replace(",", "")
        found.append((link.inner_text().replace(badge, "").strip(), int(badge)))
    return found


def check_ledger(page: Page, expect_pages: bool) -> None:
    """Every tab of the ledger list: its badge equals the rows listed on its pages, page by page."""
    page.goto("/ledgers/")
    shown = tabs(page)
    assert len(shown) == 7
    for label, badge in shown:  # the tabs are on every page of the list: click from wherever the walk ended
        page.get_by_test_id("status-counts").get_by_role("link", name=label).click()
        page.wait_for_load_state()
        assert walk(page, LEDGER_ROWS) == badge, label
    if expect_pages:
        page.goto("/ledgers/?page=2")
        expect(page.locator("nav[aria-label='分页']")).to_contain_text(re.compile(r"第 2 / [34] 页"))


def upload_photo(page: Page, tmp_path, item: LedgerItem) -> None:
    photo = tmp_path / "camera.jpg"
    photo.write_bytes(CAMERA_PHOTO())
    page.goto(f"/ledgers/{item.pk}/")
    page.locator("input[type=file][name=file]").set_input_files(str(photo))
    page.get_by_role("button", name="上传", exact=True).click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("evidence").locator("img")).to_have_count(1)
    assert Evidence.objects.filter(item=item).count() == 1


# role fixture, ledger has three pages, may upload to an open item of township A, sees complaints
DAYS = [
    ("task_force", True, True, True),
    ("township_a", True, True, True),
    ("department", True, True, False),
    ("company_x", True, True, False),
    ("admin_user", True, False, True),
]


@pytest.mark.parametrize(("role", "paged", "uploads", "complaints"), DAYS)
def test_a_roles_day_pages_every_list_counts_every_tab_and_uploads_a_phone_photo(
    screen, request, busy, tmp_path, role, paged, uploads, complaints
):
    user = request.getfixturevalue(role)
    login(screen, user)

    check_ledger(screen, paged)
    if complaints:
        screen.goto("/complaints/")
        assert walk(screen, COMPLAINT_ROWS) == 60
    if uploads:
        item = LedgerItem.objects.visible_to(user).filter(status=LedgerItem.Status.IN_PROGRESS).first()
        upload_photo(screen, tmp_path, item)


def test_the_public_finds_every_public_list_and_the_report_form(screen, project_a):
    screen.goto("/public/")
    for name in ("双随机抽查结果", "典型案例", "查询随手拍办理进度"):
        expect(screen.get_by_test_id("public-lists").get_by_role("link", name=name)).to_be_visible()
    screen.goto(f"/public/p/{project_a.public_token}/")
    screen.get_by_test_id("report-online").click()
    expect(screen.get_by_role("heading", name=project_a.name)).to_be_visible()
