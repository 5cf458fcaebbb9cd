"""Complaint exports shaped like the real ones (tests/samples/complaint_files.py), each checked by
its counts: rows in = imported + skipped + refused, nothing stored twice, nothing stored wrong."""

import pytest

from complaints.excel import FileFormatError
from complaints.models import Complaint
from tests.samples import complaint_files as files

from .conftest import do_import, write_csv

TOWNSHIP, NAME = "城关街道", "阳光花园"


def report_lines(batch) -> list[str]:
    return batch.report.read().decode("utf-8-sig").splitlines()


def assert_counts_add_up(batch, rows_in: int, skipped: int = 0) -> None:
    """Every data row of the file is imported, skipped or refused, and no ticket is stored twice."""
    imported = batch.new_count + batch.updated_count + batch.unchanged_count
    assert batch.total_rows == rows_in - skipped
    assert imported + batch.refused_count + skipped == rows_in
    tickets = list(Complaint.objects.values_list("channel", "ticket"))
    assert len(tickets) == len(set(tickets))


def test_a_12345_export_with_a_title_synonym_headers_and_a_total_row_imports_every_ticket(projects, tmp_path):
    # Old code: "前 10 行中找不到表头" (来电 时间, 所属街道, 反映小区 were not known names).
    batch = do_import(files.hotline_xlsx(tmp_path, TOWNSHIP, NAME, count=4))
    assert_counts_add_up(batch, rows_in=5, skipped=1)
    assert (batch.new_count, batch.refused_count) == (4, 0)
    assert any("跳过" in line and "合计" in line for line in report_lines(batch))
    stored = Complaint.objects.get(ticket="202607030001")
    assert (stored.township.name, stored.project, stored.content) == (
        TOWNSHIP,
        projects["a"],
        "第1件：楼道灯不亮",
    )
    assert stored.satisfaction == "满意"


def test_a_row_shifted_by_an_unquoted_comma_and_a_truncated_row_are_refused_not_stored_wrong(
    projects, tmp_path
):
    # Old code stored 202607030002 with status 「无人清运」 and 202607030003 with empty fields.
    batch = do_import(files.shifted_csv(tmp_path, TOWNSHIP, NAME))
    assert_counts_add_up(batch, rows_in=4)
    assert sorted(Complaint.objects.values_list("ticket", flat=True)) == ["202607030001", "202607030004"]
    assert not Complaint.objects.filter(status__in=["垃圾成堆", "无人清运", ""]).exists()
    assert Complaint.objects.get(ticket="202607030004").content == "电梯停运，有人被困"
    lines = report_lines(batch)
    assert any(line.startswith("3,202607030002,拒收,整行,本行有 7 列，表头只有 6 列") for line in lines)
    assert any(line.startswith("4,202607030003,拒收,整行,本行只有 3 列，表头有 6 列") for line in lines)


def test_tickets_excel_wrote_in_scientific_notation_are_refused_as_such_not_as_duplicates(projects, tmp_path):
    # Old code: the first 2.02611E+11 imported, the second refused as "工单编号在文件中重复".
    batch = do_import(files.mangled_tickets_csv(tmp_path, TOWNSHIP, NAME))
    assert_counts_add_up(batch, rows_in=4)
    assert (batch.new_count, batch.refused_count, batch.duplicate_count) == (1, 3, 0)
    assert list(Complaint.objects.values_list("ticket", flat=True)) == ["202611000123"]
    refused = [line for line in report_lines(batch) if ",拒收," in line]
    assert len(refused) == 3 and all("科学计数法" in line and "“文本”格式" in line for line in refused)
    assert not any("重复" in line for line in refused)


def test_tickets_stored_as_rounded_numbers_in_an_xlsx_are_refused(projects, tmp_path):
    batch = do_import(files.mangled_tickets_xlsx(tmp_path, TOWNSHIP, NAME))
    assert_counts_add_up(batch, rows_in=3)
    assert (batch.new_count, batch.refused_count) == (1, 2)
    assert list(Complaint.objects.values_list("ticket", flat=True)) == ["202607030001"]


def test_a_gb18030_csv_with_other_header_names_keeps_its_text(projects, tmp_path):
    batch = do_import(files.gb18030_csv(tmp_path, TOWNSHIP, NAME))
    assert_counts_add_up(batch, rows_in=3)
    assert batch.new_count == 3
    assert Complaint.objects.get(ticket="202607030001").content == "𠀾字样的投诉1"


def test_unknown_columns_are_named_once_and_ignored(projects, tmp_path):
    batch = do_import(files.unknown_columns_csv(tmp_path, TOWNSHIP, NAME))
    assert batch.new_count == 1
    notes = [line for line in report_lines(batch) if ",提示," in line]
    assert notes == [
        "1,,提示,来电人电话,未识别的列“来电人电话”，已忽略",
        "1,,提示,备注,未识别的列“备注”，已忽略",
    ]


def test_a_missing_required_column_refuses_the_file_naming_it_and_what_was_found(projects, tmp_path):
    path = write_csv(
        tmp_path / "noname.csv", [["1", "2026-07-01", TOWNSHIP]], header=["工单号", "来电日期", "属地"]
    )
    with pytest.raises(FileFormatError) as refused:
        do_import(path)
    message = str(refused.value)
    assert "缺少必需列：“小区名称”" in message and "项目名称" in message
    assert "该行找到的列为：工单编号、受理时间、所属镇街" in message


def test_when_two_columns_name_the_township_the_preferred_one_is_read(projects, tmp_path):
    header = ["工单编号", "受理时间", "承办单位", "所属街道", "小区名称"]
    path = write_csv(
        tmp_path / "two.csv", [["1", "2026-07-01 09:00", "县住建局", TOWNSHIP, NAME]], header=header
    )
    assert do_import(path).new_count == 1
    assert Complaint.objects.get().township.name == TOWNSHIP


def test_an_xls_saved_by_libreoffice_reads_like_its_xlsx(projects, tmp_path):
    xls = files.as_xls(files.hotline_xlsx(tmp_path, TOWNSHIP, NAME, count=3))
    if xls is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    batch = do_import(xls)
    assert_counts_add_up(batch, rows_in=4, skipped=1)
    assert batch.new_count == 3 and Complaint.objects.filter(project=projects["a"]).count() == 3


def test_a_wps_et_file_is_read_like_an_xls(projects, tmp_path):
    xls = files.as_xls(files.hotline_xlsx(tmp_path, TOWNSHIP, NAME, count=2))
    if xls is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    et = xls.rename(xls.with_suffix(".et"))  # WPS's .et is the same compound file as an .xls
    assert do_import(et).new_count == 2
