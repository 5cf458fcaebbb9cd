"""Bulletin pages: who may open, edit and publish; the archive; Excel and print versions."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from ledgers import bulletins
from ledgers.models import Bulletin
from tests.ledgers.conftest import written_draft


@pytest.fixture
def draft(campaign, task_force) -> Bulletin:
    return bulletins.draft_for(campaign, bulletins.parse_period("weekly", "2026-W47"), task_force)


@pytest.fixture
def published(campaign, task_force) -> Bulletin:
    draft = written_draft(campaign, bulletins.parse_period("monthly", "2026-10"), task_force)
    return bulletins.publish(draft, task_force)


def test_task_force_opens_edits_and_publishes_a_weekly_dispatch(client_for, task_force, campaign, project_a):
    client = client_for(task_force)
    response = client.post(
        "/ledgers/bulletins/open/", {"campaign": campaign.pk, "kind": "weekly", "period": "2026-W47"}
    )
    assert response.status_code == 302
    bulletin = Bulletin.objects.get(campaign=campaign, kind="weekly", period="2026-W47")
    assert client.get(f"/ledgers/bulletins/{bulletin.pk}/").status_code == 200
    client.post(
        f"/ledgers/bulletins/{bulletin.pk}/edit/", {"issuer": "县专班", "commentary": "本周排查推进顺利。"}
    )
    client.post(f"/ledgers/bulletins/{bulletin.pk}/publish/")
    bulletin.refresh_from_db()
    assert (bulletin.status, bulletin.number, bulletin.commentary) == ("published", 1, "本周排查推进顺利。")
    assert bulletin.snapshot["period"]["key"] == "2026-W47"
    assert "第1期" in client.get("/ledgers/bulletins/").content.decode()


def test_township_sees_published_bulletin_whole_but_not_drafts(client_for, township_a, draft, published):
    client = client_for(township_a)
    assert client.get(f"/ledgers/bulletins/{draft.pk}/").status_code == 404
    page = client.get(f"/ledgers/bulletins/{published.pk}/")
    assert page.status_code == 200
    assert "印发（冻结数据）" not in page.content.decode()


def test_township_cannot_edit_or_publish(client_for, township_a, published, draft):
    client = client_for(township_a)
    assert client.post(f"/ledgers/bulletins/{draft.pk}/publish/").status_code == 404
    assert client.post(f"/ledgers/bulletins/{draft.pk}/edit/", {"commentary": "改写"}).status_code == 404
    draft.refresh_from_db()
    assert draft.commentary == ""


@pytest.mark.parametrize(
    "url", ["/ledgers/bulletins/", "/ledgers/bulletins/{pk}/", "/ledgers/bulletins/{pk}/xlsx/"]
)
def test_company_gets_404_on_bulletins(client_for, company_x, published, url):
    assert client_for(company_x).get(url.format(pk=published.pk)).status_code == 404


def test_bulletin_of_another_county_is_404(client_for, published, township_a_region):
    from orgs.models import Region
    from tests.conftest import make_user

    other = Region.objects.create(name="别县", level=Region.Level.DISTRICT)
    stranger = make_user("stan", "task_force", region=other)
    assert client_for(stranger).get(f"/ledgers/bulletins/{published.pk}/").status_code == 404


def test_excel_keeps_formula_like_text_as_text(client_for, task_force, draft, project_a, campaign):
    from tests.ledgers.conftest import make_item

    bulletins.edit(draft, task_force, "县专班", '=HYPERLINK("http://x")', "")
    make_item(project_a, campaign)
    response = client_for(task_force).get(f"/ledgers/bulletins/{draft.pk}/xlsx/")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    cell = book["工作情况"]["A1"]
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"
    assert [c.value for c in book["镇（街道）"][2]][:3] == ["排名", "镇（街道）", "本期发现"]


def test_print_version_has_the_red_title_and_number(client_for, task_force, published):
    html = client_for(task_force).get(f"/ledgers/bulletins/{published.pk}/print/").content.decode()
    assert "物业领域突出问题专项整治工作月通报" in html and "第1期" in html and "另存为 PDF" in html


def test_archive_query_count_does_not_grow_with_bulletins(
    client_for, task_force, campaign, django_assert_max_num_queries
):
    for month in ("2026-01", "2026-02", "2026-03", "2026-04", "2026-05"):
        bulletins.publish(
            written_draft(campaign, bulletins.parse_period("monthly", month), task_force), task_force
        )
    client = client_for(task_force)
    with django_assert_max_num_queries(12):
        response = client.get("/ledgers/bulletins/")
    assert response.content.decode().count("第") >= 5


def test_department_reads_published_bulletins_in_the_archive(client_for, department, draft, published):
    page = client_for(department).get("/ledgers/bulletins/").content.decode()
    assert f"/ledgers/bulletins/{published.pk}/" in page and f"/ledgers/bulletins/{draft.pk}/" not in page


def test_numbers_count_per_kind(campaign, task_force, published):
    weekly = written_draft(campaign, bulletins.parse_period("weekly", "2026-W40"), task_force)
    monthly = written_draft(campaign, bulletins.parse_period("monthly", "2026-09"), task_force)
    assert bulletins.publish(weekly, task_force).number == 1
    assert bulletins.publish(monthly, task_force).number == 2


def test_draft_page_query_count_is_fixed(
    client_for, task_force, draft, campaign, project_a, project_b, django_assert_max_num_queries
):
    from tests.ledgers.conftest import make_item

    for n in range(6):
        make_item(project_a if n % 2 else project_b, campaign, problem=f"问题{n}")
    client = client_for(task_force)
    with django_assert_max_num_queries(20):
        assert client.get(f"/ledgers/bulletins/{draft.pk}/").status_code == 200
