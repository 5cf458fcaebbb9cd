"""Survey and inspection import: row-level errors in Chinese, valid rows kept, reimport updates."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook

from orgs.models import ProjectAlias
from scoring.excel import ImportFileError, import_scores
from scoring.models import InspectionScore, SatisfactionSurvey

from .conftest import QUARTER


def xlsx(rows, header=("街道", "项目名称", "满意度", "样本量"), title=None) -> bytes:
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_valid_rows_are_kept_and_bad_rows_reported_with_row_column_and_reason(campaign, projects):
    data = xlsx(
        [
            ("城关街道", "阳光花园", 92.5, 120),  # row 3
            ("东城街道", "阳光花园", 80, 50),  # project of another township
            ("西城街道", "锦绣苑", 80, 50),  # unknown township
            ("东城街道", "锦绣苑", 105, 50),  # out of range
            ("东城街道", "东湖家园", "良好", 50),  # not a number
            ("东城街道", "东湖家园", 70, 0),  # sample size not positive
            ("东城街道", "锦绣苑", 66, 40),  # row 9: valid
            ("东城街道", "锦绣苑", 67, 40),  # duplicate
        ],
        title="2024年第一季度满意度测评结果",
    )
    result = import_scores(data, campaign, QUARTER, "satisfaction")
    assert result.created == 2
    errors = [(e.row, e.column, e.reason) for e in result.errors]
    assert errors == [
        (4, "项目名称", "东城街道没有名为“阳光花园”的项目"),
        (5, "街道", "“西城街道”不是本次整治范围内的街道/乡镇"),
        (6, "满意度", "应在 0–100 之间，收到 105"),
        (7, "满意度", "“良好”不是数字"),
        (8, "样本量", "应为正整数，收到 0"),
        (10, "项目名称", "与第 9 行重复，本行未导入"),
    ]
    assert SatisfactionSurvey.objects.get(project=projects["a"]).satisfaction == Decimal("92.50")
    assert SatisfactionSurvey.objects.get(project=projects["y"]).sample_size == 40


def test_reimport_updates_instead_of_duplicating_and_aliases_match(campaign, projects):
    import_scores(xlsx([("城关街道", "阳光花园", 80, 10)]), campaign, QUARTER, "satisfaction")
    ProjectAlias.objects.create(project=projects["a"], name="阳光花园小区")
    result = import_scores(xlsx([("城关街道", "阳光花园小区", 85, 12)]), campaign, QUARTER, "satisfaction")
    assert (result.created, result.updated) == (0, 1)
    row = SatisfactionSurvey.objects.get()
    assert (row.satisfaction, row.sample_size) == (Decimal("85.00"), 12)


def test_inspection_scores_import_with_the_same_command(campaign, projects, tmp_path, capsys):
    path = tmp_path / "督查.xlsx"
    path.write_bytes(
        xlsx(
            [("东城街道", "锦绣苑", 88, None), ("东城街道", "锦绣苑2", 70, None)],
            header=("街道", "项目名称", "督查得分"),
        )
    )
    call_command(
        "import_scores",
        str(path),
        "--quarter",
        "2024-q1",
        "--kind",
        "inspection",
        "--campaign",
        campaign.slug,
    )
    out, err = capsys.readouterr()
    assert "新增 1 条" in out and "第 3 行" in err
    assert InspectionScore.objects.get().score == Decimal("88.00")


def test_file_without_the_header_is_refused_as_a_whole(campaign, projects):
    with pytest.raises(ImportFileError, match="找不到表头"):
        import_scores(xlsx([("a", "b")], header=("x", "y")), campaign, QUARTER, "satisfaction")
    with pytest.raises(ImportFileError, match="Excel"):
        import_scores(b"not a workbook", campaign, QUARTER, "satisfaction")


def test_upload_page_shows_row_errors(client_for, task_force, campaign, projects):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(
        "s.xlsx", xlsx([("城关街道", "阳光花园", 90, 30), ("城关街道", "无此小区", 90, 30)])
    )
    response = client_for(task_force).post(
        reverse("scoring:import"),
        {"campaign": campaign.pk, "quarter": QUARTER, "kind": "satisfaction", "file": upload},
        follow=True,
    )
    page = response.content.decode()
    assert response.status_code == 200 and "新增 1 条" in page and "城关街道没有名为“无此小区”的项目" in page


def test_compute_quarter_command(campaign, surveyed, capsys):
    call_command("compute_quarter", QUARTER, "--campaign", campaign.slug)
    assert "黑榜 1" in capsys.readouterr().out


def post_upload(client, content: bytes, kind: str = "satisfaction"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("s.xlsx", content)
    data = {"campaign": _campaign_pk(), "quarter": QUARTER, "kind": kind, "file": upload}
    return client.post(reverse("scoring:import"), data, follow=True)


def _campaign_pk() -> int:
    from campaigns.models import Campaign

    return Campaign.objects.get().pk


def test_an_upload_over_the_cap_is_refused_before_it_is_read(
    client_for, task_force, campaign, projects, settings
):
    # Old code read any size into memory (600 MB → +574 MB) before looking at it.
    settings.MAX_IMPORT_BYTES = 1000
    page = post_upload(client_for(task_force), xlsx([("城关街道", "阳光花园", 90, 30)] * 50)).content.decode()
    assert "文件太大" in page and not SatisfactionSurvey.objects.exists()


def test_a_wrong_header_is_refused_in_the_request_from_the_first_rows_only(
    client_for, task_force, campaign, projects, settings, tmp_path
):
    from unittest import mock

    from orgs.models import Job

    settings.MEDIA_ROOT = tmp_path
    with mock.patch("config.uploads.load_workbook_checked") as whole_read:
        page = post_upload(client_for(task_force), xlsx([("a", "b")], header=("x", "y"))).content.decode()
    assert "找不到表头" in page and not whole_read.called
    assert not Job.objects.exists() and not list(tmp_path.rglob("*.xlsx"))


def test_the_worker_imports_the_upload_and_removes_it(
    client_for, task_force, campaign, projects, settings, tmp_path
):
    from orgs.models import Job

    settings.MEDIA_ROOT = tmp_path
    post_upload(client_for(task_force), xlsx([("城关街道", "阳光花园", 90, 30)]))
    job = Job.objects.get(kind="score_import")
    assert job.status == Job.Status.DONE and job.message == "新增 1 条，更新 0 条，错误 0 行"
    assert SatisfactionSurvey.objects.count() == 1 and not list(tmp_path.rglob("*.xlsx"))
