"""Ledger import against files shaped like the ones townships send (tests/samples/ledger_files.py).

Every file test checks the sum: rows below the header = new + changed + unchanged + conflict +
refused + skipped, and that nothing is stored twice or stored wrong.
"""

from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from ledgers import workflow
from ledgers.ledger_import import apply_import, plan_import
from ledgers.models import LedgerEvent, LedgerItem
from ledgers.sheet_reader import WrongFile
from tests.conftest import make_project
from tests.ledgers.test_excel import export, log
from tests.samples.ledger_files import (
    HAND_HEADER,
    Problem,
    ProjectRows,
    annex2_workbook,
    as_et,
    as_xls,
    soffice_available,
    without_reference_column,
)

TODAY = date(2026, 12, 8)


@pytest.fixture
def named(township_a_region, township_b_region, company_x_org, project_a, project_b, project_y):
    """Projects whose names people write differently: full-width letters, 期 in Chinese numerals."""
    return {
        "dongfang": make_project("东方嘉园A区", township_a_region, company_x_org),
        "huafu": make_project("华府佳苑三期", township_a_region, company_x_org),
        "xingfu_a": make_project("幸福里", township_a_region, company_x_org),
        "xingfu_b": make_project("幸福里", township_b_region, company_x_org),
    }


def hand_filled() -> list[ProjectRows]:
    return [
        ProjectRows(
            "东方嘉园Ａ区",  # full-width Ａ
            "城关",  # short for 城关街道
            [
                Problem("楼道堆放杂物", "清理", "2027年3月31日", "赵一", "整改中"),
                Problem("消防通道\r\n被占用", "划线", "长期坚持", "赵一"),
            ],
        ),
        ProjectRows(
            "华府佳苑　三期",  # ideographic space, 三 for 3
            "城关街道",
            [Problem("电梯年检过期", "联系维保", "2027.1.15", "钱二", "已销号：已整改完毕，经现场复查合格")],
        ),
        ProjectRows("阳光花园", "城关街道", [Problem("绿化带缺株", "补植", 46387.0)]),
    ]


def save(book, tmp_path, name="附件2.xlsx"):
    path = tmp_path / name
    book.save(path)
    return path


def set_cell(path, problem: str, column: str, value: str) -> None:
    """Edit the row of a problem in an exported workbook, found by its 存在问题 (column E)."""
    book = load_workbook(path)
    sheet = book["1 环境卫生"]
    (row,) = [c.row for c in sheet["E"] if c.value == problem]
    sheet[f"{column}{row}"] = value
    book.save(path)


def assert_rows_add_up(plan) -> None:
    counts = plan.counts()
    assert plan.rows_in == sum(counts.values()), (plan.rows_in, counts)


def test_a_hand_filled_ledger_imported_twice_stores_every_problem_once(tmp_path, zz, named, township_a):
    path = save(annex2_workbook(hand_filled(), blank_between=True, total_row=True, notes_row=True), tmp_path)

    first = plan_import(path, zz, township_a, today=TODAY)
    assert_rows_add_up(first)
    assert first.counts() == {
        "create": 4,
        "change": 0,
        "unchanged": 0,
        "conflict": 0,
        "refused": 0,
        "skipped": 4,
    }
    assert [str(s) for s in first.skipped] == [
        "“1 环境卫生”第 7 行：空行",
        "“1 环境卫生”第 9 行：空行",
        "“1 环境卫生”第 11 行：合计行",
        "“1 环境卫生”第 12 行：填表说明行",
    ]
    apply_import(path, zz, township_a, today=TODAY)
    assert LedgerItem.objects.count() == 4

    again = plan_import(path, zz, township_a, today=TODAY)

    assert again.counts()["create"] == 0 and again.counts()["unchanged"] == 4, again.summary()
    assert_rows_add_up(again)
    apply_import(path, zz, township_a, today=TODAY)
    assert LedgerItem.objects.count() == 4, "nothing stored twice"


def test_what_was_typed_is_stored_in_the_right_place(tmp_path, zz, named, township_a):
    path = save(annex2_workbook(hand_filled()), tmp_path)

    apply_import(path, zz, township_a, today=TODAY)

    items = {i.problem: i for i in LedgerItem.objects.select_related("project", "category")}
    assert items["楼道堆放杂物"].project == named["dongfang"]
    assert items["楼道堆放杂物"].status == "in_progress" and items["楼道堆放杂物"].progress_note == ""
    assert items["消防通道\n被占用"].deadline is None
    assert items["消防通道\n被占用"].remarks == "完成时限：长期坚持"
    closed = items["电梯年检过期"]
    assert closed.project == named["huafu"] and closed.deadline == date(2027, 1, 15)
    assert (closed.status, closed.progress_note) == ("closed", "已整改完毕，经现场复查合格")
    moves = list(LedgerEvent.objects.filter(item=closed).values_list("move", flat=True))
    assert moves == ["create", "submit", "accept"], "the state is reached through the workflow"
    assert items["绿化带缺株"].deadline == date(2026, 12, 31), "an Excel day number is a date"
    assert {i.category.code for i in items.values()} == {"1"}, "the sheet 1 环境卫生 names the ledger"


def test_a_state_the_role_cannot_reach_is_flagged_and_every_typed_word_kept(tmp_path, zz, named, company_x):
    rows = [ProjectRows("阳光花园", "城关街道", [Problem("路灯不亮", progress="已销号：已修复")])]
    path = save(annex2_workbook(rows), tmp_path)

    plan = plan_import(path, zz, company_x, today=TODAY)

    (planned,) = plan.rows
    assert planned.action == "create"
    assert "不能把“待整改”的问题改为该状态" in planned.notes[0]
    apply_import(path, zz, company_x, today=TODAY)
    item = LedgerItem.objects.get(problem="路灯不亮")
    assert item.status == "registered" and item.progress_note == "已销号：已修复"


def test_an_export_without_its_hidden_column_is_recognised_row_by_row(
    tmp_path, zz, project_a, project_b, task_force
):
    a1 = log(zz, project_a, "1.1", "楼道卫生差", measures="每日保洁")
    log(zz, project_a, "1.2", "绿化带缺株")
    b1 = log(zz, project_b, "1.1", "垃圾桶破损")
    workflow.submit(b1, task_force)
    workflow.accept(b1, task_force)  # closed items are in the ledger too
    path = without_reference_column(export(tmp_path, zz), tmp_path / "no-ref.xlsx")
    set_cell(path, "楼道卫生差", "F", "每日保洁两次")

    plan = plan_import(path, zz, task_force)

    assert plan.counts() == {
        "create": 0,
        "change": 1,
        "unchanged": 2,
        "conflict": 0,
        "refused": 0,
        "skipped": 0,
    }, plan.summary()
    apply_import(path, zz, task_force)
    a1.refresh_from_db()
    assert a1.measures == "每日保洁两次" and LedgerItem.objects.count() == 3


def test_crlf_and_lf_are_the_same_text_on_re_import(tmp_path, zz, project_a, task_force):
    log(zz, project_a, "1.1", "第一行\r\n第二行", measures="措施一\r\n措施二")

    plan = plan_import(export(tmp_path, zz), zz, task_force)

    assert plan.counts()["unchanged"] == 1 and plan.counts()["change"] == 0


def test_headers_are_found_by_name_and_an_extra_13th_column_is_not_the_reference(
    tmp_path, zz, named, township_a
):
    rows = hand_filled()
    for project in rows:
        for problem in project.problems:
            problem.extra = {"联系电话": "13800000001", "核查人": "周五"}
    book = annex2_workbook(rows, extra_columns=((8, "核查人"), (12, "联系电话")))
    path = save(book, tmp_path)

    plan = plan_import(path, zz, township_a, today=TODAY)

    assert plan.counts()["create"] == 4 and plan.counts()["refused"] == 0, plan.summary()
    assert any("未识别的列已忽略：核查人、联系电话" in n for n in plan.notes)
    assert_rows_add_up(plan)


def test_a_missing_header_says_which_column_and_what_was_found(tmp_path, zz, task_force):
    header = [h for h in HAND_HEADER if h != "存在问题"]
    book = annex2_workbook([], header=header)

    with pytest.raises(WrongFile) as error:
        plan_import(save(book, tmp_path), zz, task_force)

    message = str(error.value)
    assert "缺少“存在问题”列" in message and "第 4 行：序  号、项目名称" in message


@pytest.mark.parametrize(
    ("written", "township", "message"),
    [
        (
            "东方嘉园B区",
            "城关街道",
            "找不到项目“东方嘉园B区”（街道：城关街道），或该项目不在您的范围内；相近的项目：东方嘉园A区（城关街道）",
        ),
        (
            "幸福里",
            "",
            "有多个名为“幸福里”的项目：幸福里（城关街道）、幸福里（东城街道），请在“街道”列写明所属街道",
        ),
        ("阳光家园", "城关", "相近的项目：阳光花园（城关街道）"),
        ("阳光花园", "新城", "找不到街道“新城”"),
    ],
)
def test_only_an_unknown_or_ambiguous_name_is_refused_with_the_candidates(
    tmp_path, zz, named, task_force, written, township, message
):
    path = save(annex2_workbook([ProjectRows(written, township, [Problem("井盖缺失")])]), tmp_path)

    plan = plan_import(path, zz, task_force, today=TODAY)

    assert plan.counts()["refused"] == 1
    assert message in plan.rows[0].message
    assert not LedgerItem.objects.exists()


def test_the_category_comes_from_its_column_the_sheet_or_the_form_never_a_default(
    tmp_path, zz, named, task_force
):
    rows = [ProjectRows("阳光花园", "城关街道", [Problem("路面破损")])]
    plain = save(annex2_workbook(rows, sheet="Sheet1"), tmp_path, "plain.xlsx")

    refused = plan_import(plain, zz, task_force, today=TODAY)
    assert refused.counts()["refused"] == 1 and "无法确定整治内容" in refused.rows[0].message

    chosen = zz.categories.get(code="3")
    assert plan_import(plain, zz, task_force, category=chosen, today=TODAY).rows[0].category == chosen
    by_sheet = save(annex2_workbook(rows, sheet="道路设施台账"), tmp_path, "sheet.xlsx")
    assert plan_import(by_sheet, zz, task_force, today=TODAY).rows[0].category.code == "2"
    rows[0].category = "4 服务质量"
    by_column = save(annex2_workbook(rows, sheet="Sheet1", category_column=True), tmp_path, "col.xlsx")
    assert plan_import(by_column, zz, task_force, category=chosen, today=TODAY).rows[0].category.code == "4"


def test_a_past_deadline_on_a_new_row_is_flagged(tmp_path, zz, named, task_force):
    rows = [
        ProjectRows(
            "阳光花园",
            "城关街道",
            [Problem("围墙破损", deadline="2026/6/30"), Problem("路灯", deadline="立行立改")],
        )
    ]

    plan = plan_import(save(annex2_workbook(rows), tmp_path), zz, task_force, today=TODAY)

    late, now = plan.rows
    assert late.notes == ["完成时限 2026年6月30日 已过（早于今天），请确认"]
    assert now.values["deadline"] == TODAY and "以导入日为时限" in now.notes[0]


@pytest.mark.skipif(
    not soffice_available(), reason="LibreOffice (soffice) is not installed: cannot make an .xls"
)
def test_xls_and_wps_et_files_are_read_like_xlsx(tmp_path, zz, named, township_a):
    xlsx = save(annex2_workbook(hand_filled(), blank_between=True, total_row=True), tmp_path)
    xls = as_xls(xlsx, tmp_path)
    et = as_et(xls, tmp_path)

    for path in (xls, et):
        plan = plan_import(path, zz, township_a, today=TODAY)
        assert plan.counts()["create"] == 4 and plan.counts()["skipped"] == 3, plan.summary()
        assert_rows_add_up(plan)
    apply_import(et, zz, township_a, today=TODAY)
    assert plan_import(xls, zz, township_a, today=TODAY).counts()["unchanged"] == 4


def test_the_page_warns_of_the_same_file_and_lets_a_conflict_take_the_files_value(
    tmp_path, zz, project_a, task_force, client_for, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    item = log(zz, project_a, "1.1", "楼道卫生差")
    path = export(tmp_path, zz)
    set_cell(path, "楼道卫生差", "F", "文件里的措施")
    workflow.edit(item, task_force, {"remarks": "系统里改过"})
    client = client_for(task_force)
    url = reverse("campaigns:ledger_import", args=[zz.slug])
    with path.open("rb") as handle:
        preview_url = client.post(url, {"file": handle})["Location"]
    page = client.get(preview_url)
    (row,) = page.context["preview"]["rows"]
    assert row["action"] == "conflict" and 'value="file"' in page.content.decode()

    client.post(preview_url, {f"resolve:{row['key']}": "file"})

    item.refresh_from_db()
    # The row is taken as the preview listed it: the file's measures and its (empty) remarks.
    assert (item.measures, item.remarks) == ("文件里的措施", "")
    assert item.events.last().changes["remarks"] == ["系统里改过", ""], "the overwritten value is kept"
    with path.open("rb") as handle:
        second = client.get(client.post(url, {"file": handle})["Location"])
    assert any("已于" in n and "由 alice 导入过" in n for n in second.context["preview"]["notes"])


def test_the_command_prints_the_previews_notes(tmp_path, zz, named, township_a, capsys):
    path = save(annex2_workbook(hand_filled(), total_row=True), tmp_path)

    call_command("import_ledger", str(path), "--campaign", "zz", "--user", "bob", "--dry-run")
    dry = capsys.readouterr().out
    assert "预览（未写入）：新增 4，修改 0，无变化 0，冲突 0，拒绝 0，跳过 1" in dry
    assert "跳过 “1 环境卫生”第 9 行：合计行" in dry
    assert not LedgerItem.objects.exists()

    call_command("import_ledger", str(path), "--campaign", "zz", "--user", "bob")
    call_command("import_ledger", str(path), "--campaign", "zz", "--user", "bob", "--dry-run")
    again = capsys.readouterr().out
    assert "由 bob 导入过" in again and "新增 0" in again
    assert LedgerItem.objects.count() == 4


def test_text_longer_than_an_excel_cell_is_refused_at_entry(zz, project_a, township_a, client_for):
    with pytest.raises(workflow.WorkflowError, match="超过 Excel 单元格上限"):
        log(zz, project_a, "1.1", "长" * 32768)

    response = client_for(township_a).post(
        reverse("ledgers:item_create"),
        {"campaign": zz.pk, "project": project_a.pk, "problem": "长" * 32768, "source": "inspection"},
    )

    assert response.status_code == 200 and "超过 Excel 单元格上限" in response.content.decode()
    assert not LedgerItem.objects.exists()


def test_the_preview_page_lists_skipped_rows_and_flags_for_the_officer(
    tmp_path, zz, named, township_a, client_for, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    rows = [*hand_filled(), ProjectRows("阳光花园", "城关街道", [Problem("围墙破损", deadline="2026/6/30")])]
    path = save(annex2_workbook(rows, total_row=True, notes_row=True), tmp_path)
    client = client_for(township_a)
    with path.open("rb") as handle:
        response = client.post(reverse("campaigns:ledger_import", args=[zz.slug]), {"file": handle})

    page = client.get(response["Location"]).content.decode()

    assert "第 10 行：合计行" in page and "第 11 行：填表说明行" in page
    assert 'data-testid="row-note"' in page and "已过（早于今天），请确认" in page
    assert "表头以下共 7 行" in page
    assert not LedgerItem.objects.exists(), "the preview writes nothing"
