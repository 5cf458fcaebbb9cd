"""The roster import with files shaped like real ones (tests/samples/complaint_files.py): merged
社区 under a repeated 街道, a 街道 not in the region tree, a credit code of another company."""

from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from orgs import roster_jobs
from orgs.excel import read_roster
from orgs.models import Job, Project, Region
from orgs.roster import import_roster
from tests.samples import complaint_files as files

pytestmark = pytest.mark.django_db


def load(path: Path, county, **kwargs):
    with path.open("rb") as handle:
        return import_roster(read_roster(handle), county, **kwargs)


def test_a_community_merged_under_a_repeated_township_is_filled_down(county, township_a_region, tmp_path):
    # Old code: 翠湖花园 and 锦绣苑 were stored without a community.
    report = load(files.roster_repeated_township_merged_community(tmp_path), county)
    assert report.counts["created"] == 4
    got = dict(Project.objects.values_list("name", "community__name"))
    assert got == {"书香苑": "北关社区", "翠湖花园": "北关社区", "星河湾": "南关社区", "锦绣苑": "南关社区"}


def test_a_township_not_in_the_region_tree_is_refused_unless_creating_regions_was_asked(
    county, township_a_region, tmp_path
):
    # Old code created "新城关街道" as a new township silently.
    path = files.roster_rows(
        tmp_path, [[1, "新城关街道", None, "书香苑", 100], [2, "城关", None, "星河湾", 90]]
    )
    report = load(path, county)
    assert report.counts == {"created": 1, "updated": 0, "unchanged": 0, "refused": 1}
    assert "“新城关街道”不在示范县的区划中（现有：城关街道）" in report.rows[0].messages[0]
    assert "--create-regions" in report.rows[0].messages[0]
    assert not Region.objects.filter(name="新城关街道").exists()
    assert Project.objects.get(name="星河湾").township == township_a_region  # "城关" is 城关街道

    preview = load(path, county, dry_run=True)
    assert preview.new_regions == ["新城关街道"] and preview.rows[0].status == "created"
    assert "将新建街道/乡镇" in preview.rows[0].messages[0]
    assert not Region.objects.filter(name="新城关街道").exists()

    created = load(path, county, create_regions=True)
    assert created.rows[0].status == "created" and created.rows[0].messages == ["新建街道/乡镇“新城关街道”"]
    assert Region.objects.get(name="新城关街道").parent == county


def test_the_command_prints_every_note_and_asks_for_create_regions(county, township_a_region, tmp_path):
    path = files.roster_rows(
        tmp_path, [[1, "新城关街道", None, "书香苑", 100], [2, "城关街道", "北关社区", "星河湾", 90]]
    )
    out, err = StringIO(), StringIO()
    call_command("import_projects", str(path), "--dry-run", stdout=out, stderr=err)
    assert "第2行 新增 新城关街道 书香苑：“新城关街道”不在区划中，将新建街道/乡镇" in out.getvalue()
    assert "第3行 新增 城关街道 星河湾：新建社区“北关社区”" in out.getvalue()
    assert "区划中没有的街道/乡镇：新城关街道。确认要新建时请加 --create-regions" in err.getvalue()
    call_command("import_projects", str(path), stdout=out, stderr=err)
    assert not Region.objects.filter(name="新城关街道").exists()
    call_command("import_projects", str(path), "--create-regions", stdout=out, stderr=err)
    assert Project.objects.get(name="书香苑").township.name == "新城关街道"


def test_a_credit_code_of_another_company_is_a_conflict_not_a_match(
    county, township_a_region, company_x_org, tmp_path
):
    # Old code: the row was given 示范物业服务有限公司 because of its code, with only a note.
    code = company_x_org.credit_code
    path = files.roster_rows(tmp_path, [[1, "城关街道", None, "书香苑", 100, "鑫源物业有限公司", code]])
    report = load(path, county)
    assert report.rows[0].status == "refused"
    message = report.rows[0].messages[0]
    assert f"信用代码{code}登记的企业是“示范物业服务有限公司”，与本行的“鑫源物业有限公司”不一致" in message
    assert not Project.objects.filter(name="书香苑").exists()


def test_the_same_company_written_with_other_brackets_still_matches_its_code(
    county, township_a_region, tmp_path
):
    from orgs.models import Company

    company = Company.objects.create(name="临河物业（集团）有限公司", credit_code="91371323MA3C4XQ61H")
    path = files.roster_rows(
        tmp_path, [[1, "城关街道", None, "书香苑", 100, "临河物业(集团)有限公司", company.credit_code]]
    )
    assert load(path, county).counts["created"] == 1
    assert Project.objects.get(name="书香苑").company == company


def test_the_upload_form_reads_only_the_header_rows(
    task_force, township_a_region, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = files.roster_rows(tmp_path, [[1, "城关街道", None, "书香苑", 100]])
    upload = SimpleUploadedFile("roster.xlsx", path.read_bytes())
    with (
        mock.patch("orgs.excel.load_workbook") as whole_read,
        mock.patch("orgs.tasks.run_roster_import.delay"),
    ):
        response = client_for(task_force).post(
            reverse("orgs:import_projects"), {"file": upload, "county": task_force.region_id}
        )
    assert response.status_code == 302 and not whole_read.called
    assert Job.objects.get().params["dry_run"] is True


def test_a_file_the_worker_refuses_is_removed_from_disk(task_force, county, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = roster_jobs.start_import(
        task_force, SimpleUploadedFile("r.xlsx", b"PK\x03\x04broken"), county, dry_run=True
    )
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "损坏" in job.message
    assert not list(tmp_path.glob("imports/*")) and job.params["path"] == ""


def test_a_phone_number_excel_wrote_in_scientific_notation_is_refused_saying_so(
    county, township_a_region, tmp_path
):
    from tests.orgs.roster_files import HEADER, workbook_bytes

    row = [
        1,
        "城关街道",
        None,
        "书香苑",
        None,
        None,
        100,
        "鑫源物业有限公司",
        None,
        "赵一",
        "1.38E+10",
        None,
        None,
    ]
    path = tmp_path / "phone.xlsx"
    path.write_bytes(workbook_bytes([row], title=None))
    assert len(HEADER) == len(row)
    report = load(path, county)
    assert report.rows[0].status == "refused"
    assert "项目经理电话（K列）：“1.38E+10”是 Excel 对长数字显示的科学计数法" in report.rows[0].messages[0]
