"""Importing exports: encodings, dates, idempotence, changes, duplicates and refused rows."""

from datetime import datetime

import pytest

from complaints.models import Complaint, ComplaintChange, ImportBatch
from complaints.rules import SHANGHAI

from .conftest import HEADER, do_import, row, write_csv, write_xlsx


def test_a_gb18030_csv_is_read_with_its_chinese_intact(projects, export_dir):
    path = write_csv(export_dir / "gbk.csv", [row("T1", name="阳光花园小区")], encoding="gb18030")
    batch = do_import(path)
    complaint = Complaint.objects.get(ticket="T1")
    assert batch.new_count == 1
    assert complaint.raw_project_name == "阳光花园小区" and complaint.content == "电梯故障"
    assert complaint.project == projects["a"] and complaint.match_state == "matched"


def test_a_utf8_csv_with_bom_finds_its_first_header(projects, export_dir):
    path = write_csv(export_dir / "bom.csv", [row("T1")], encoding="utf-8-sig")
    assert do_import(path).new_count == 1
    assert Complaint.objects.get(ticket="T1").township.name == "城关街道"


def test_an_xlsx_with_excel_serial_dates_and_a_title_row_is_imported_in_shanghai_time(projects, export_dir):
    # 45476.5 is 2024-07-03 12:00; 45477 is 2024-07-04 00:00
    rows = [row("S1", when=45476.5), row("S2", when=45477), row("S3", when=datetime(2024, 7, 5, 8, 30))]
    path = write_xlsx(export_dir / "serial.xlsx", rows, title="12345热线工单导出（2024年7月）")
    batch = do_import(path)
    assert batch.new_count == 3
    got = {c.ticket: c.received_at.astimezone(SHANGHAI) for c in Complaint.objects.all()}
    assert got["S1"] == datetime(2024, 7, 3, 12, 0, tzinfo=SHANGHAI)
    assert got["S2"] == datetime(2024, 7, 4, 0, 0, tzinfo=SHANGHAI)
    assert got["S3"] == datetime(2024, 7, 5, 8, 30, tzinfo=SHANGHAI)


def test_the_date_forms_real_exports_use_are_all_understood(projects, export_dir):
    forms = ["2024-07-03 09:12:00", "2024/7/3 9:12", "2024年7月3日", "2024.07.03"]
    path = write_csv(export_dir / "dates.csv", [row(f"D{i}", when=w) for i, w in enumerate(forms)])
    assert do_import(path).new_count == 4
    days = {c.received_at.astimezone(SHANGHAI).date().isoformat() for c in Complaint.objects.all()}
    assert days == {"2024-07-03"}


def test_header_synonyms_are_recognised(projects, export_dir):
    header = ["工单号", "来电时间", "属地", "小区", "地址", "类别", "内容", "状态", "回访满意度"]
    path = write_csv(export_dir / "syn.csv", [row("Y1")], header=header)
    assert do_import(path).new_count == 1
    assert Complaint.objects.get(ticket="Y1").satisfaction == "满意"


def test_the_same_file_twice_adds_nothing(projects, export_dir):
    path = write_csv(export_dir / "m7.csv", [row("T1"), row("T2", name="东湖家园", township="东城街道")])
    do_import(path)
    again = do_import(path)
    assert (again.new_count, again.updated_count, again.unchanged_count) == (0, 0, 2)
    assert Complaint.objects.count() == 2 and ComplaintChange.objects.count() == 0


def test_a_later_export_with_a_changed_status_updates_and_records_the_change(projects, export_dir):
    do_import(write_csv(export_dir / "a.csv", [row("T1", status="办理中", satisfaction="")]))
    later = do_import(write_csv(export_dir / "b.csv", [row("T1", status="已办结", satisfaction="不满意")]))
    assert (later.new_count, later.updated_count) == (0, 1)
    complaint = Complaint.objects.get(ticket="T1")
    assert (complaint.status, complaint.satisfaction) == ("已办结", "不满意")
    changes = {(c.field, c.before, c.after, c.batch_id) for c in complaint.changes.all()}
    assert changes == {("status", "办理中", "已办结", later.pk), ("satisfaction", "", "不满意", later.pk)}


def test_a_duplicate_ticket_in_one_file_keeps_the_first_row_and_reports_the_later(projects, export_dir):
    path = write_csv(
        export_dir / "dup.csv", [row("T1", status="办理中"), row("T2"), row("T1", status="已办结")]
    )
    batch = do_import(path)
    assert (batch.new_count, batch.duplicate_count, batch.refused_count) == (2, 1, 1)
    assert Complaint.objects.get(ticket="T1").status == "办理中"
    report = batch.report.read().decode("utf-8-sig")
    assert "4,T1,重复,工单编号,工单编号在文件中重复，以第 2 行为准，本行忽略" in report


def test_bad_rows_are_refused_with_row_column_and_reason_and_the_rest_go_on(projects, export_dir):
    rows = [
        row(""),  # row 2: no ticket
        row("B2", when=""),  # row 3: no date
        row("B3", when="上周三"),  # row 4: unreadable date
        row("B4", township="西城街道"),  # row 5: not a township of this county
        row("OK"),  # row 6
    ]
    batch = do_import(write_csv(export_dir / "bad.csv", rows))
    assert (batch.total_rows, batch.new_count, batch.refused_count) == (5, 1, 4)
    report = batch.report.read().decode("utf-8-sig")
    for expected in (
        "2,,拒收,工单编号,缺少工单编号",
        "3,B2,拒收,受理时间,缺少受理时间",
        "4,B3,拒收,受理时间,无法识别的受理时间“上周三”",
        "5,B4,拒收,所属镇街,所属镇街“西城街道”不在本辖区",
    ):
        assert expected in report


def test_a_township_officer_cannot_import_rows_of_another_township(projects, township_a, export_dir):
    path = write_csv(export_dir / "mixed.csv", [row("A1"), row("B1", township="东城街道", name="东湖家园")])
    batch = do_import(path, user=township_a)
    assert batch.new_count == 1 and batch.refused_count == 1
    assert list(Complaint.objects.values_list("ticket", flat=True)) == ["A1"]


def test_a_file_without_the_required_columns_fails_with_a_chinese_message(projects, export_dir):
    import pytest

    from complaints.excel import FileFormatError

    path = write_csv(export_dir / "wrong.csv", [["x", "y"]], header=["姓名", "电话"])
    with pytest.raises(FileFormatError, match="找不到表头"):
        do_import(path)
    assert ImportBatch.objects.get().status == ImportBatch.Status.FAILED


def test_match_rate_and_pending_counts_are_recorded_on_the_batch(projects, export_dir):
    rows = [row("M1"), row("M2", name="不存在的小区"), row("M3", name="东湖家园", township="东城街道")]
    batch = do_import(write_csv(export_dir / "rate.csv", rows))
    assert (batch.matched_count, batch.unmatched_count) == (2, 1)
    assert batch.match_rate == 66.7


def test_a_corrupt_workbook_or_an_unknown_file_type_fails_with_a_chinese_message(projects, export_dir):
    import pytest

    from complaints.excel import FileFormatError

    broken = export_dir / "broken.xlsx"
    broken.write_bytes(b"not a zip file")
    with pytest.raises(FileFormatError, match="不是 Excel 工作簿"):
        do_import(broken)
    other = export_dir / "notes.txt"
    other.write_text("工单编号")
    with pytest.raises(FileFormatError, match="只支持"):
        do_import(other)


def test_a_file_written_in_many_small_slices_is_merged_as_one(projects, export_dir, monkeypatch):
    """Rows are written chunk by chunk (and on PostgreSQL merged slice by slice while the next is
    read): a row's outcome never depends on which slice it fell in."""
    import complaints.importing
    import complaints.pg_writer
    from complaints.models import MatchCandidate

    first = [row("T1"), row("T2", status="办理中"), row("T3", name="不存在的小区")]
    do_import(write_csv(export_dir / "first.csv", first))
    monkeypatch.setattr(complaints.importing, "CHUNK", 2)
    monkeypatch.setattr(complaints.pg_writer, "SLICE_MIN", 2)
    monkeypatch.setattr(complaints.pg_writer, "SLICE_MAX", 2)
    later = [
        row("T1"),  # row 2: unchanged
        row("T2", status="已办结"),  # row 3: updated
        row("T3"),  # row 4: now matches 阳光花园
        row("T5", name="东湖家园", township="东城街道"),  # row 5: new
        row("T6", name="锦绣苑"),  # row 6: known only in 东城街道 → review
        row("T5"),  # row 7: duplicate of row 5
        row(""),  # row 8: refused
        row("T7", name="不存在的小区"),  # row 9: unmatched
    ]
    batch = do_import(write_csv(export_dir / "later.csv", later))
    counts = (
        "total_rows",
        "new_count",
        "updated_count",
        "unchanged_count",
        "refused_count",
        "duplicate_count",
    )
    assert tuple(getattr(batch, name) for name in counts) == (8, 3, 2, 1, 2, 1)
    assert (batch.matched_count, batch.review_count, batch.unmatched_count) == (4, 1, 1)
    t3 = Complaint.objects.get(ticket="T3")
    assert (t3.project, t3.match_state) == (projects["a"], "matched")
    changes = {(c.complaint.ticket, c.field, c.after) for c in ComplaintChange.objects.filter(batch=batch)}
    assert changes == {("T2", "status", "已办结"), ("T3", "project", str(projects["a"].pk))}
    t6 = Complaint.objects.get(ticket="T6")
    assert t6.match_state == "review"
    assert list(MatchCandidate.objects.filter(complaint=t6).values_list("project_id", flat=True)) == [
        projects["y"].pk
    ]
    report = batch.report.read().decode("utf-8-sig")
    assert "7,T5,重复,工单编号,工单编号在文件中重复，以第 5 行为准，本行忽略" in report
    assert "9,T7,未匹配" in report and "6,T6,待确认" in report


@pytest.mark.django_db(transaction=True)
def test_new_slices_before_and_after_a_stored_ticket_are_all_written_with_their_batch(
    projects, export_dir, monkeypatch
):
    """On PostgreSQL a slice of new tickets goes straight into the table and a slice holding a stored
    ticket is merged instead (undoing its attempt): neither way loses a row, a change or a candidate.
    Outside a transaction the slices alternate between two connections."""
    import psycopg
    from django.db import connection

    import complaints.importing
    import complaints.pg_writer
    from complaints.models import MatchCandidate

    opened = []
    monkeypatch.setattr(
        psycopg, "connect", lambda *a, _connect=psycopg.connect, **k: opened.append(1) or _connect(*a, **k)
    )

    do_import(write_csv(export_dir / "first.csv", [row("N3", status="办理中")]))
    monkeypatch.setattr(complaints.importing, "CHUNK", 2)
    monkeypatch.setattr(complaints.pg_writer, "SLICE_MIN", 2)
    monkeypatch.setattr(complaints.pg_writer, "SLICE_MAX", 2)
    later = [
        row("N1"),
        row("N2", name="锦绣苑"),  # review: its candidates are written with it
        row("N3", status="已办结"),  # stored: the second slice is merged
        row("N4", name="不存在的小区"),
        row("N5"),
    ]
    batch = do_import(write_csv(export_dir / "later.csv", later))
    assert (batch.new_count, batch.updated_count, batch.unchanged_count) == (4, 1, 0)
    assert (batch.matched_count, batch.review_count, batch.unmatched_count) == (3, 1, 1)
    assert set(Complaint.objects.filter(batch=batch).values_list("ticket", flat=True)) == {
        "N1",
        "N2",
        "N4",
        "N5",
    }
    assert Complaint.objects.count() == 5
    assert list(
        MatchCandidate.objects.filter(complaint__ticket="N2").values_list("project_id", flat=True)
    ) == [projects["y"].pk]
    changes = ComplaintChange.objects.filter(batch=batch).values_list(
        "complaint__ticket", "field", "before", "after"
    )
    assert list(changes) == [("N3", "status", "办理中", "已办结")]
    again = do_import(write_csv(export_dir / "again.csv", later))
    assert (again.new_count, again.updated_count, again.unchanged_count) == (0, 0, 5)
    assert Complaint.objects.count() == 5
    if connection.vendor == "postgresql":
        assert len(opened) == 3  # a second connection for each of the three imports


def test_a_truncated_row_is_refused_and_a_row_with_only_an_unread_column_filled_is_refused(
    projects, export_dir
):
    # Issue 17: a truncated row was stored with empty fields; its cells may belong to other columns.
    header = [*HEADER, "备注"]
    rows = [
        ["R1", "2024-07-03 09:12:00", "城关街道"],  # row 2: cut off after three cells
        ["", "", "", "", "", "", "", "", "", "", "回访时补录"],  # row 3: only 备注, not a blank row
        [],  # a blank line is skipped, not counted
        [*row("R2"), ""],  # row 5
    ]
    batch = do_import(write_csv(export_dir / "short.csv", rows, header=header))
    assert (batch.total_rows, batch.new_count, batch.refused_count) == (3, 1, 2)
    assert list(Complaint.objects.values_list("ticket", flat=True)) == ["R2"]
    report = batch.report.read().decode("utf-8-sig")
    assert "2,R1,拒收,整行,本行只有 3 列，表头有 11 列" in report
    assert "3,,拒收,工单编号,缺少工单编号" in report


def test_the_cycle_collector_pauses_while_a_file_is_matched_and_resumes_after_it_even_on_failure(
    projects, export_dir, monkeypatch
):
    import gc

    from complaints import importing
    from complaints.excel import FileFormatError

    seen = []
    parse_row = importing.parse_row

    def watching(*args):
        seen.append(gc.isenabled())
        return parse_row(*args)

    monkeypatch.setattr(importing, "parse_row", watching)
    assert gc.isenabled()
    do_import(write_csv(export_dir / "m8.csv", [row("T1"), row("T2")]))
    assert seen == [False, False] and gc.isenabled()
    with pytest.raises(FileFormatError):
        do_import(write_csv(export_dir / "bad.csv", [["x", "y"]], header=["姓名", "电话"]))
    assert gc.isenabled()
