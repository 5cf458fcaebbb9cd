"""What users read when something goes wrong: Chinese sentences, never a library's error names (issue 18, item 9)."""

import io
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from campaigns.preset_loader import load_preset
from complaints.excel import FileFormatError, open_table
from ledgers import excel, tasks, workflow
from ledgers.excel import ExportScope, write_workbook
from ledgers.ledger_import import plan_import
from ledgers.models import LedgerItem
from ledgers.sheet_reader import LedgerReader, WrongFile
from orgs.models import Job

pytestmark = pytest.mark.django_db
# Latin words a Chinese message may hold: file formats and programs a user knows by name.
KNOWN_WORDS = {"Excel", "WPS", "xlsx", "xls", "CSV", "csv", "UTF", "GBK"}


def foreign_words(message: str) -> set[str]:
    """Latin words of 3+ letters that are not formats: a library's error text ("File not found '_rels/.rels'")."""
    return set(re.findall(r"[A-Za-z_]{3,}", message)) - KNOWN_WORDS


def hollow_workbook() -> bytes:
    """A zip that passes the archive check (content types, an xl/ folder) but holds no workbook."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/styles.xml", "<styleSheet/>")
    return out.getvalue()


def test_a_damaged_ledger_workbook_is_refused_without_naming_the_library():
    with pytest.raises(WrongFile) as refused:
        list(LedgerReader(io.BytesIO(hollow_workbook())).rows())

    assert "另存为 .xlsx" in str(refused.value)
    assert not foreign_words(str(refused.value)), str(refused.value)


def test_a_damaged_complaint_workbook_is_refused_without_naming_the_library(tmp_path):
    path = tmp_path / "12345工单.xlsx"
    path.write_bytes(hollow_workbook())

    with pytest.raises(FileFormatError) as refused:
        open_table(path)

    assert not foreign_words(str(refused.value)), str(refused.value)


def test_a_complaint_csv_in_an_unknown_encoding_is_explained_in_chinese(tmp_path):
    path = tmp_path / "工单.csv"
    path.write_bytes("工单编号,诉求内容\n1,楼道灯坏了\n".encode("utf-16"))

    with pytest.raises(FileFormatError) as refused:
        list(open_table(path).rows)

    assert "编码" in str(refused.value) and not foreign_words(str(refused.value))


def test_an_unforeseen_failure_of_a_job_shows_a_sentence_and_logs_the_details(
    task_force, monkeypatch, caplog
):
    job = Job.objects.create(kind="ledger_export", created_by=task_force, params={})

    def broken(job):
        raise RuntimeError("CalamineError: XmlError at xl/worksheets/sheet1.xml")

    monkeypatch.setattr(excel, "run_export_job", broken)
    with pytest.raises(RuntimeError):
        tasks.export_ledger(job.pk)

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.message.startswith("导出：系统内部错误") and not foreign_words(job.message)
    assert "CalamineError" in caplog.text, "the details are kept for the operator"


def test_a_closed_item_in_an_imported_workbook_reads_without_a_doubled_word(
    tmp_path, county, project_a, task_force
):
    """ "问题已已销号" — the status label already starts with 已."""
    campaign = load_preset("zaozhuang-2020", jurisdiction=county.pk, new_slug="zz").campaign
    item = workflow.create_item(
        user=None, campaign=campaign, project=project_a, problem="楼道卫生差",
        category=campaign.categories.get(code="1.1"),
    )  # fmt: skip
    workflow.submit(item, task_force)
    workflow.accept(item, task_force)
    path = Path(tmp_path / "ledger.xlsx")
    scope = ExportScope(campaign)
    write_workbook(path, scope, excel.export_items(scope, LedgerItem.objects.all()))
    book = load_workbook(path)
    book["1 环境卫生"]["F5"] = "改写措施"
    book.save(path)

    errors = [str(e) for e in plan_import(path, campaign, task_force).errors]

    assert any("问题已销号，不能再修改" in e for e in errors), errors
    assert not any("已已" in e for e in errors)
