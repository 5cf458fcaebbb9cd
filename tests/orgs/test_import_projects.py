from datetime import timedelta
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from orgs.excel import RosterFileError, read_roster
from orgs.models import Company, Project, Region
from orgs.roster import import_roster
from tests.orgs.roster_files import NEW_CODE, messy_rows, workbook_bytes

pytestmark = pytest.mark.django_db


def run(county, content: bytes, **kwargs):
    """Import with new townships allowed (the county fixture has none); refusing them is tested below."""
    return import_roster(read_roster(BytesIO(content)), county, **{"create_regions": True, **kwargs})


def by_row(report) -> dict:
    return {r.row: r for r in report.rows}


def test_messy_roster_imports_valid_rows_and_explains_each_refusal(county, project_a, project_b):
    report = run(county, workbook_bytes(messy_rows()))
    assert report.counts == {"created": 2, "updated": 1, "unchanged": 0, "refused": 4}
    rows = by_row(report)
    assert rows[4].status == "updated" and any("户数：300 → 350" in m for m in rows[4].messages)
    assert rows[5].status == "created"
    assert rows[6].messages == ["项目名称（D列）：项目名称为空"]
    assert rows[7].status == "refused" and "统一社会信用代码（I列）" in rows[7].messages[0]
    assert "校验位错误" in rows[7].messages[0]
    assert "与第5行重复" in rows[8].messages[0]
    assert rows[10].status == "created"
    assert "户数（G列）：“很多”不是有效的户数" in rows[11].messages[0]
    assert 9 not in rows  # the blank row is skipped, not reported


def test_import_creates_townships_communities_companies_and_aliases(county, project_a, project_b):
    run(county, workbook_bytes(messy_rows()))
    new = Project.objects.get(name="锦绣苑二期")
    assert new.township.name == "城关街道" and new.community.name == "南关社区"
    assert new.households == 1200 and new.service_standard == "三级"
    assert sorted(a.name for a in new.aliases.all()) == ["锦绣二期", "锦绣苑2期"]
    assert new.company.credit_code == NEW_CODE  # lower case in the sheet, stored as the code
    assert new.manager.name == "周敏" and new.manager.phone == "139 0000 0000"
    assert new.served_by(timezone.localdate()).company == new.company
    town = Region.objects.get(name="西关镇")
    assert town.parent == county and town.level == Region.Level.TOWNSHIP
    assert Project.objects.get(name="凤凰城小区").community.parent == town
    assert not Project.objects.filter(name="滨河家园").exists()
    assert not Company.objects.filter(name="滨河物业有限公司").exists()
    project_a.refresh_from_db()
    assert project_a.households == 350 and project_a.address == "人民路1号"
    assert {a.name for a in project_a.aliases.all()} == {"阳光小区", "阳光花园一期"}


def test_importing_the_same_file_again_changes_nothing(county, project_a, project_b):
    content = workbook_bytes(messy_rows())
    run(county, content)
    before = (Project.objects.count(), Company.objects.count(), Region.objects.count())
    report = run(county, content)
    assert report.counts == {"created": 0, "updated": 0, "unchanged": 3, "refused": 4}
    assert (Project.objects.count(), Company.objects.count(), Region.objects.count()) == before


def test_preview_reports_the_same_counts_and_writes_nothing(county, project_a, project_b):
    before = (Project.objects.count(), Company.objects.count(), Region.objects.count())
    report = run(county, workbook_bytes(messy_rows()), dry_run=True)
    assert report.counts["created"] == 2
    assert (Project.objects.count(), Company.objects.count(), Region.objects.count()) == before


def test_a_company_change_keeps_who_served_the_project_before(county, project_b, company_y_org):
    rows = [
        [
            1,
            "东城街道",
            None,
            "东湖家园",
            None,
            None,
            None,
            company_y_org.name,
            None,
            "孙三",
            None,
            None,
            None,
        ]
    ]
    report = run(county, workbook_bytes(rows))
    assert report.counts["updated"] == 1
    today = timezone.localdate()
    assert project_b.served_by(today - timedelta(days=1)).company.name == "示范物业服务有限公司"
    assert project_b.served_by(today).company == company_y_org


def test_a_township_can_be_written_without_its_suffix(county, township_a_region, project_a):
    rows = [[1, "城关", None, "阳光花园", None, None, 301, None, None, None, None, None, None]]
    assert run(county, workbook_bytes(rows)).counts["updated"] == 1
    assert Region.objects.townships().count() == 1


def test_header_without_title_row_and_extra_columns_is_found(county):
    rows = [[1, "城关街道", None, "书香苑", None, None, 90, None, None, None, None, None, "x"]]
    assert run(county, workbook_bytes(rows, title=None)).counts["created"] == 1


def test_a_sheet_without_the_required_columns_is_refused_as_a_whole(county):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["姓名", "电话"])
    buffer = BytesIO()
    wb.save(buffer)
    with pytest.raises(RosterFileError, match="没有找到表头"):
        read_roster(BytesIO(buffer.getvalue()))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name,township\n", "不是 Excel"),
        (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "另存为 .xlsx"),
        (b"PK\x03\x04broken", "已损坏"),
    ],
)
def test_command_refuses_files_that_are_not_xlsx(county, tmp_path, content, message):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_projects", str(path), "--county", county.name)


def test_command_prints_counts_and_row_errors(county, project_a, project_b, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(workbook_bytes(messy_rows()))
    out, err = StringIO(), StringIO()
    call_command("import_projects", str(path), "--create-regions", stdout=out, stderr=err)
    assert "新增 2 个，更新 1 个，未变 0 个，拒绝 4 行" in out.getvalue()
    assert "第6行 拒绝 城关街道：项目名称（D列）：项目名称为空" in err.getvalue()
    assert (
        "第4行 更新 城关街道 阳光花园：地址：（空） → 人民路1号" in out.getvalue()
    )  # notes too, as on the page


def test_command_needs_an_existing_county(county, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(workbook_bytes([]))
    with pytest.raises(CommandError, match="未找到区县“无此县”"):
        call_command("import_projects", str(path), "--county", "无此县")


def test_merged_township_and_community_cells_apply_to_every_row_they_span(county):
    from openpyxl import Workbook

    from tests.orgs.roster_files import HEADER

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append([1, "城关街道", "北关社区", "书香苑", None, None, 100])
    ws.append([2, None, None, "翠湖花园", None, None, 200])
    ws.append([3, None, None, "星河湾", None, None, 300])
    ws.merge_cells("B2:B4")
    ws.merge_cells("C2:C4")
    buffer = BytesIO()
    wb.save(buffer)
    report = run(county, buffer.getvalue())
    assert report.counts["created"] == 3
    assert set(Project.objects.values_list("community__name", flat=True)) == {"北关社区"}


def test_a_first_row_without_township_is_still_refused(county):
    rows = [[1, None, None, "书香苑", None, None, 100, None, None, None, None, None, None]]
    assert by_row(run(county, workbook_bytes(rows)))[4].messages == ["街道（B列）：街道为空"]


def test_an_exported_roster_imports_back_unchanged(county, projects, task_force, client_for):
    from orgs.models import ProjectAlias

    ProjectAlias.objects.create(project=projects["a"], name="阳光小区")
    projects["y"].address = '=HYPERLINK("http://evil")'
    projects["y"].save()
    response = client_for(task_force).get(reverse("orgs:project_export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(BytesIO(content)).active
    formula_cell = next(
        c for row in sheet.iter_rows() for c in row if c.value and str(c.value).startswith("=HYPER")
    )
    assert formula_cell.data_type == "s"
    assert run(county, content).counts == {"created": 0, "updated": 0, "unchanged": 3, "refused": 0}


def test_export_holds_only_the_viewers_projects_and_follows_the_filter(
    county, projects, township_a, task_force, client_for
):
    def names(client, **params) -> set[str]:
        sheet = load_workbook(BytesIO(client.get(reverse("orgs:project_export"), params).content)).active
        return {row[3] for row in sheet.iter_rows(min_row=3, values_only=True)}

    assert names(client_for(township_a)) == {"阳光花园"}
    assert names(client_for(township_a), township=projects["b"].township_id) == {"阳光花园"}
    assert names(client_for(task_force), q="锦绣") == {"锦绣苑"}


def test_company_names_match_across_full_and_half_width_brackets(county):
    Company.objects.create(name="临河物业（集团）有限公司")
    rows = [
        [
            1,
            "城关街道",
            None,
            "书香苑",
            None,
            None,
            100,
            "临河物业(集团)有限公司",
            None,
            None,
            None,
            None,
            None,
        ]
    ]
    run(county, workbook_bytes(rows))
    assert Company.objects.count() == 1
    assert Project.objects.get(name="书香苑").company.name == "临河物业（集团）有限公司"
