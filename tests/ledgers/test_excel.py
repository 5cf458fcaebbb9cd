"""The ledger in Excel: the seed 001 附件2 layout out, the same template back in."""

from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from ledgers import excel, workflow
from ledgers.excel import ExportScope, write_workbook
from ledgers.ledger_import import apply_import, plan_import
from ledgers.models import LedgerItem
from ledgers.sheet_reader import COLUMNS, LedgerReader, WrongFile

DEADLINE = date(2030, 6, 30)


def log(campaign, project, code: str, problem: str, **fields) -> LedgerItem:
    return workflow.create_item(
        user=None,
        campaign=campaign,
        project=project,
        problem=problem,
        category=campaign.categories.get(code=code),
        deadline=fields.pop("deadline", DEADLINE),
        **fields,
    )


@pytest.fixture
def ledger(zz, project_a, project_b, project_y):
    """Project A has three problems (one looks like a formula), B one; Y one on another ledger."""
    return {
        "a1": log(zz, project_a, "1.1", "楼道卫生差", measures="每日保洁", responsible_person="赵一"),
        "a2": log(zz, project_a, "1.3", "=SUM(A1:A9)", measures="+86 电话通知"),
        "a3": log(zz, project_a, "1.2", "绿化带缺株", measures="-补植"),
        "b1": log(zz, project_b, "1.1", "垃圾桶破损"),
        "y1": log(zz, project_y, "2.2", "井盖缺失"),
    }


def export(tmp_path, campaign, items=None, **scope):
    path = tmp_path / "ledger.xlsx"
    scope = ExportScope(campaign, **scope)
    write_workbook(path, scope, excel.export_items(scope, items or LedgerItem.objects.all()))
    return path


def test_export_reproduces_the_template_title_header_and_merged_project_cells(tmp_path, zz, ledger):
    book = load_workbook(export(tmp_path, zz))

    assert book.sheetnames == ["1 环境卫生", "2 道路设施", "3 车辆停放", "4 服务质量"]
    sheet = book["1 环境卫生"]
    assert sheet["A1"].value == "环境卫生攻坚行动整治工作台账"
    assert sheet["A2"].value == "属地：示范县"
    assert sheet["A3"].value.endswith("日"), "the date has its own line, as in 附件2"
    assert [c.value for c in sheet[4]][:12] == COLUMNS
    merged = {str(r) for r in sheet.merged_cells.ranges}
    # 东湖家园 (东城街道 sorts first) is row 5; 阳光花园's three problems on rows 6-8 share one serial.
    for col in "ABCDJK":
        assert f"{col}6:{col}8" in merged
    assert not any(r.startswith("E") for r in merged)
    assert [sheet[f"A{r}"].value for r in range(5, 9)] == [1, 2, None, None]


def test_export_numbers_one_serial_per_project_with_its_problems_on_consecutive_rows(tmp_path, zz, ledger):
    sheet = load_workbook(export(tmp_path, zz))["1 环境卫生"]

    rows = [[c.value for c in row][:12] for row in sheet.iter_rows(min_row=5)]
    projects = [(r[0], r[1]) for r in rows if r[0] is not None]
    assert projects == [(1, "东湖家园"), (2, "阳光花园")]
    assert [r[4] for r in rows] == ["垃圾桶破损", "楼道卫生差", "=SUM(A1:A9)", "绿化带缺株"]
    assert rows[1][9:11] == ["北关社区", "城关街道"]
    assert rows[2][9:11] == [None, None], "merged cells below the first hold nothing"
    assert sheet["G6"].value.date() == DEADLINE


def test_formula_looking_cells_stay_text(tmp_path, zz, ledger):
    sheet = load_workbook(export(tmp_path, zz))["1 环境卫生"]

    cells = {
        sheet.cell(row=r, column=c).value: sheet.cell(row=r, column=c) for r in range(5, 9) for c in (5, 6)
    }
    for text in ("=SUM(A1:A9)", "+86 电话通知", "-补植"):
        assert cells[text].data_type == "s"


def test_a_project_with_one_problem_has_no_merged_cells(tmp_path, zz, ledger):
    sheet = load_workbook(export(tmp_path, zz))["1 环境卫生"]

    # 东湖家园 has one problem, on row 5: its project cells are plain cells, not one-row merges.
    assert sheet["B5"].value == "东湖家园"
    assert {str(r) for r in sheet.merged_cells.ranges if r.min_row >= 5} == {f"{c}6:{c}8" for c in "ABCDJK"}


def test_project_merges_do_not_depend_on_how_rows_are_fetched(tmp_path, zz, ledger, monkeypatch):
    monkeypatch.setattr(excel, "FETCH_ROWS", 2)  # 阳光花园's three problems arrive in two fetches

    sheet = load_workbook(export(tmp_path, zz))["1 环境卫生"]

    assert {f"{c}6:{c}8" for c in "ABCDJK"} <= {str(r) for r in sheet.merged_cells.ranges}
    assert [sheet[f"A{r}"].value for r in range(5, 9)] == [1, 2, None, None]


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("漏水\x07严重\x1b", "漏水严重"),  # control characters pasted from elsewhere are dropped
        ("第一行\r\n第二行", "第一行\n第二行"),  # a textarea's CR LF is Excel's line feed
        ('A&B <c> "d"', 'A&B <c> "d"'),
        ("_x0041_ 是字面文字", "_x0041_ 是字面文字"),  # not Excel's escape for "A"
        ("\x08", None),  # nothing left: an empty cell, still bordered
    ],
)
def test_problem_text_is_cleaned_of_control_characters_and_kept_otherwise(
    tmp_path, zz, project_a, stored, shown
):
    log(zz, project_a, "1.1", stored, measures='=HYPERLINK("http://x")')
    path = export(tmp_path, zz)

    (row,) = LedgerReader(path).rows()  # calamine decodes text as Excel does (openpyxl keeps _x005F_)
    assert (row.values["存在问题"] or "") == (shown or "")
    sheet = load_workbook(path)["1 环境卫生"]
    assert sheet["E5"].border.left.style == "thin"
    assert sheet["F5"].value == '=HYPERLINK("http://x")' and sheet["F5"].data_type == "s"


def test_export_prints_on_a4_landscape_with_the_header_repeated(tmp_path, zz, ledger):
    sheet = load_workbook(export(tmp_path, zz))["1 环境卫生"]

    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9
    assert sheet.print_title_rows == "$4:$4"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToHeight == 0
    assert sheet.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert sheet.column_dimensions["G"].width >= 16, "完成时限 holds 2026年12月28日"
    assert all(sheet.row_dimensions[r].height >= 20 for r in range(5, 9)), "heights set from the text"
    assert sheet.column_dimensions["E"].width > sheet.column_dimensions["A"].width
    assert sheet["E5"].alignment.wrap_text
    assert sheet.column_dimensions["M"].hidden
    assert sheet["M5"].value == f"{ledger['b1'].reference}@1"


def test_one_sheet_export_titles_all_four_ledgers_as_the_seed_does(tmp_path, zz, ledger):
    book = load_workbook(export(tmp_path, zz, one_sheet=True))

    assert book.sheetnames == ["台账"]
    assert book["台账"]["A1"].value == "环境卫生（道路设施、车辆停放、服务质量）攻坚行动整治工作台账"
    assert book["台账"].max_row == 4 + 5


def test_township_officer_exports_only_their_own_township(tmp_path, zz, ledger, township_a, client_for):
    response = client_for(township_a).post(reverse("campaigns:ledger_export", args=[zz.slug]), {})

    assert response.status_code == 200
    path = tmp_path / "mine.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    book = load_workbook(path)
    problems = {c.value for s in book for c in s["E"][4:]}
    assert problems == {"楼道卫生差", "=SUM(A1:A9)", "绿化带缺株"}
    assert book["1 环境卫生"]["A2"].value == "属地：城关街道", "the officer's township, not the county"


def test_the_export_command_prints_the_users_township_as_the_place(tmp_path, zz, ledger, township_a):
    out = tmp_path / "bob.xlsx"

    call_command("export_ledger", "--campaign", "zz", "--out", str(out), "--user", "bob")

    assert load_workbook(out)["1 环境卫生"]["A2"].value == "属地：城关街道"


def test_a_township_cannot_export_another_townships_items_by_naming_it(
    zz, ledger, township_a, township_b_region, client_for
):
    response = client_for(township_a).post(
        reverse("campaigns:ledger_export", args=[zz.slug]), {"township": township_b_region.pk}
    )

    assert response.status_code == 200
    assert "township" in response.context["form"].errors


def test_large_exports_run_as_a_job_with_a_download(
    zz, ledger, task_force, client_for, monkeypatch, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr("campaigns.excel_views.SYNC_EXPORT_LIMIT", 2)

    response = client_for(task_force).post(reverse("campaigns:ledger_export", args=[zz.slug]), {})

    job = response.context["job"]
    assert job.status == "done" and job.result == {"items": 5}
    download = client_for(task_force).get(reverse("orgs:job_download", args=[job.pk]))
    assert download.status_code == 200


def edit_exported(path, edits: dict[str, object], append: list | None = None) -> None:
    book = load_workbook(path)
    sheet = book["1 环境卫生"]
    for cell, value in edits.items():
        sheet[cell] = value
    if append:
        sheet.append(append)
    book.save(path)


def test_import_round_trip_creates_new_rows_updates_changed_ones_and_reports_conflicts(
    tmp_path, zz, ledger, task_force
):
    path = export(tmp_path, zz)
    # Row 5: 东湖家园 b1; rows 6-8: 阳光花园 a1, a2, a3; 锦绣苑 is new.
    edit_exported(
        path,
        {"F5": "已更换新垃圾桶", "I6": "整改中：已安排保洁员", "F7": "改写措施"},
        append=[
            3,
            "锦绣苑",
            "",
            "",
            "单元门禁损坏",
            "更换门禁",
            "2030年7月31日",
            "孙三",
            "",
            "",
            "东城街道",
            "",
        ],
    )
    a2 = ledger["a2"]
    workflow.edit(a2, task_force, {"measures": "系统内已改"})  # a2 moves on after the export

    preview = plan_import(path, zz, task_force).counts()
    assert preview == {"create": 1, "change": 2, "unchanged": 2, "conflict": 1, "refused": 0, "skipped": 0}
    assert LedgerItem.objects.count() == 5, "the preview writes nothing"

    result = apply_import(path, zz, task_force)

    assert result.counts["create"] == 1 and result.counts["change"] == 2 and result.counts["conflict"] == 1
    ledger["b1"].refresh_from_db()
    assert ledger["b1"].measures == "已更换新垃圾桶" and ledger["b1"].version == 2
    ledger["a1"].refresh_from_db()
    # The state typed in front of the note is one the task force may move to: it is applied.
    assert ledger["a1"].progress_note == "已安排保洁员" and ledger["a1"].status == "in_progress"
    a2.refresh_from_db()
    assert a2.measures == "系统内已改", "a conflict is left as the system has it"
    new = LedgerItem.objects.get(problem="单元门禁损坏")
    assert (new.project.name, new.deadline, new.category.code) == ("锦绣苑", date(2030, 7, 31), "1")
    assert any("第 7 行" in e and "导出后已在系统中修改" in e for e in result.errors)


def test_a_company_cannot_move_a_deadline_through_the_import(tmp_path, zz, ledger, company_x):
    path = export(tmp_path, zz)
    edit_exported(path, {"G5": "2031年1月1日"})

    plan = plan_import(path, zz, company_x)

    errors = [str(e) for e in plan.errors]
    assert "“1 环境卫生”第 5 行【完成时限】：您的角色不能修改：完成时限" in errors
    # The full export also holds company Y's item, which company X may not touch either.
    assert any("不在您的范围内" in e for e in errors)
    assert plan.counts()["change"] == 0


def test_rows_without_merges_are_read_with_the_project_carried_down(tmp_path, zz, project_a, task_force):
    book = Workbook()
    sheet = book.active
    sheet.title = "1 环境卫生"
    sheet.append(["环境卫生攻坚行动整治工作台账"])
    sheet.append(["属地：城关街道"])
    sheet.append(COLUMNS)
    sheet.append([1, "阳光花园", "", "", "路面破损", "修补", "2030-05-01", "", "", "", "城关街道", ""])
    sheet.append([None, None, None, None, "井盖松动", "加固", "2030/05/02", "", "", "", None, ""])
    path = tmp_path / "plain.xlsx"
    book.save(path)

    result = apply_import(path, zz, task_force)

    assert result.counts["create"] == 2
    assert set(LedgerItem.objects.values_list("project__name", "deadline")) == {
        ("阳光花园", date(2030, 5, 1)),
        ("阳光花园", date(2030, 5, 2)),
    }


def test_row_errors_name_the_row_and_column_in_chinese(tmp_path, zz, project_a, task_force):
    book = Workbook()
    sheet = book.active
    sheet.append(COLUMNS)
    sheet.append([1, "阳光花园", "", "", "", "修补", "明年", "", "", "", "城关街道", ""])
    sheet.append([2, "不存在小区", "", "", "漏水", "", "", "", "", "", "", ""])
    path = tmp_path / "bad-rows.xlsx"
    book.save(path)

    errors = [str(e) for e in plan_import(path, zz, task_force).errors]

    assert (
        "“Sheet”第 2 行【完成时限】：无法识别的完成时限“明年”，"
        "请写成 2026年12月31日、2026.12.31、12月底、年底前、长期坚持 或 立行立改" in errors
    )
    assert "“Sheet”第 2 行【存在问题】：存在问题不能为空" in errors
    assert any("第 3 行【项目名称】：找不到项目“不存在小区”" in e for e in errors)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"just text, not a workbook", "文件不是 Excel/WPS 表格（.xlsx、.xls 或 .et）"),
        (b"PK\x03\x04 broken zip", "Excel 文件已损坏或格式不受支持"),
    ],
)
def test_a_file_that_is_not_xlsx_is_refused(tmp_path, zz, task_force, content, message):
    path = tmp_path / "wrong.xlsx"
    path.write_bytes(content)

    with pytest.raises(WrongFile, match=message):
        plan_import(path, zz, task_force)


def test_a_workbook_with_other_headers_is_refused(tmp_path, zz, task_force):
    book = Workbook()
    book.active.append(["工单编号", "受理时间", "小区名称"])
    path = tmp_path / "complaints.xlsx"
    book.save(path)

    with pytest.raises(
        WrongFile,
        match="未找到台账表头：缺少“存在问题”列；最接近的是“Sheet”第 1 行：工单编号、受理时间、小区名称",
    ):
        plan_import(path, zz, task_force)


def test_import_page_previews_then_applies_and_refuses_a_wrong_file(
    tmp_path, zz, ledger, task_force, client_for, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = client_for(task_force)
    url = reverse("campaigns:ledger_import", args=[zz.slug])
    wrong = tmp_path / "wrong.xlsx"
    wrong.write_bytes(b"not a workbook")
    with wrong.open("rb") as handle:
        refused = client.post(url, {"file": handle})
    assert "文件不是 Excel/WPS 表格" in refused.content.decode()

    path = export(tmp_path, zz)
    edit_exported(path, {"F5": "网页导入的措施"})
    with path.open("rb") as handle:
        response = client.post(url, {"file": handle})
    preview_url = response["Location"]
    preview = client.get(preview_url)
    assert preview.context["preview"]["counts"]["change"] == 1
    ledger["b1"].refresh_from_db()
    assert ledger["b1"].measures == ""

    client.post(preview_url)

    ledger["b1"].refresh_from_db()
    assert ledger["b1"].measures == "网页导入的措施"


def test_a_township_import_cannot_touch_another_townships_item(tmp_path, zz, ledger, township_b):
    path = export(tmp_path, zz)
    edit_exported(path, {"F6": "越权修改"})  # row 6 is 阳光花园 in township A

    edit_exported(path, {}, append=[9, "阳光花园", "", "", "越权新增", "", "", "", "", "", "城关街道", ""])

    plan = plan_import(path, zz, township_b)

    errors = [str(e) for e in plan.errors]
    assert any("第 6 行" in e and "不在您的范围内" in e for e in errors)
    assert any(
        "第 9 行【项目名称】：找不到街道“城关街道”，或不在您的范围内；可选：东城街道" in e for e in errors
    )
    assert plan.counts()["change"] == 0 and plan.counts()["create"] == 0


def test_commands_export_and_import_the_ledger(tmp_path, zz, ledger, task_force, capsys):
    out = tmp_path / "cli.xlsx"
    call_command(
        "export_ledger", "--campaign", "zz", "--out", str(out), "--township", "城关街道", "--category", "1"
    )
    sheet = load_workbook(out).active
    assert sheet.title == "1 环境卫生" and sheet.max_row == 4 + 3

    call_command("import_ledger", str(out), "--campaign", "zz", "--dry-run")
    assert "预览（未写入）：新增 0，修改 0，无变化 3" in capsys.readouterr().out
    with pytest.raises(CommandError, match="--user"):
        call_command("import_ledger", str(out), "--campaign", "zz")
    with pytest.raises(CommandError, match="不是 Excel/WPS 表格"):
        bad = tmp_path / "bad.xlsx"
        bad.write_text("x")
        call_command("import_ledger", str(bad), "--campaign", "zz", "--user", task_force.username)


def test_a_company_may_not_use_the_excel_pages(zz, ledger, company_x, client_for):
    client = client_for(company_x)

    assert client.get(reverse("campaigns:ledger_export", args=[zz.slug])).status_code == 403
    assert client.get(reverse("campaigns:ledger_import", args=[zz.slug])).status_code == 403
    assert "导出台账" not in client.get(reverse("campaigns:campaign_detail", args=[zz.slug])).content.decode()


def test_the_preview_is_a_job_the_page_polls_until_it_is_ready(
    tmp_path, zz, ledger, task_force, client_for, settings, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path / "media"
    queued = []
    monkeypatch.setattr("ledgers.tasks.preview_ledger_import.delay", queued.append)
    client = client_for(task_force)
    path = export(tmp_path, zz)
    edit_exported(path, {"F5": "稍后预览"})
    with path.open("rb") as handle:
        preview_url = client.post(reverse("campaigns:ledger_import", args=[zz.slug]), {"file": handle})[
            "Location"
        ]

    waiting = client.get(preview_url).content.decode()
    assert 'data-testid="import-previewing"' in waiting and 'hx-trigger="every 2s"' in waiting
    assert client.post(preview_url).status_code == 200  # nothing to confirm yet
    ledger["b1"].refresh_from_db()
    assert ledger["b1"].measures == ""

    from ledgers.tasks import preview_ledger_import

    preview_ledger_import(queued[0])
    ready = client.get(preview_url)
    assert ready.context["preview"]["counts"]["change"] == 1
    assert "every 2s" not in ready.content.decode()
