"""Every spreadsheet importer refuses a hostile file with its own Chinese error: never a crash, never rows.

Issue 8: "map every malformed-file error to a clear Chinese refusal — never a 500, never partial
garbage". Each importer is called at the function its page and its Celery task call.
"""

import io
import re
import zipfile
from pathlib import Path

import pytest

from . import hostile_files as hostile

CJK = re.compile(r"[\u4e00-\u9fff]")


def sheet_bomb_xlsx(inflated: int = 20 * 1024 * 1024) -> bytes:
    """A workbook whose one sheet is 20 MB of blanks inside <sheetData>: a 20 KB upload, 1,000:1."""
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><sheetData>' + b" " * inflated + b"</sheetData></worksheet>"
    )
    return hostile.rewrite_xlsx(hostile.xlsx_bytes(), {"xl/worksheets/sheet1.xml": sheet})


def not_a_workbook_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("index.html", "<html><script>alert(1)</script></html>")
    return out.getvalue()


HOSTILE = {
    "html renamed .xlsx": hostile.HTML_AS_JPG,
    "old .xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000,
    "truncated zip": hostile.xlsx_bytes()[:300],
    "zip without a workbook": not_a_workbook_zip(),
    "billion laughs": hostile.billion_laughs_xlsx(),
    "sheet zip bomb": sheet_bomb_xlsx(),
}


def read_roster(data: bytes, tmp_path: Path):
    from orgs.excel import RosterFileError, read_roster

    return RosterFileError, lambda: read_roster(io.BytesIO(data))


def read_ledger(data: bytes, tmp_path: Path):
    from ledgers.sheet_reader import LedgerReader, WrongFile

    path = tmp_path / "台账.xlsx"
    path.write_bytes(data)
    return WrongFile, lambda: list(LedgerReader(path).rows())


def read_complaints(data: bytes, tmp_path: Path):
    from complaints.excel import FileFormatError, open_table

    path = tmp_path / "12345.xlsx"
    path.write_bytes(data)
    return FileFormatError, lambda: list(open_table(path).rows)


def read_scores(data: bytes, tmp_path: Path):
    from scoring.excel import ImportFileError, read_rows

    return ImportFileError, lambda: read_rows(data, "satisfaction")


IMPORTERS = {
    "roster": read_roster,
    "ledger": read_ledger,
    "complaints": read_complaints,
    "scores": read_scores,
}


# Findings when this was written (19:00 UTC): importers that parse before checking the zip.
def cases():
    for importer in IMPORTERS:
        for name in HOSTILE:
            yield pytest.param(importer, name, id=f"{importer}: {name}")


@pytest.mark.django_db
@pytest.mark.parametrize(("importer", "name"), list(cases()))
def test_importers_refuse_hostile_workbooks_with_a_chinese_message(importer, name, tmp_path):
    refusal, read = IMPORTERS[importer](HOSTILE[name], tmp_path)

    with pytest.raises(refusal) as refused:
        read()

    message = str(refused.value)
    assert CJK.search(message), f"the refusal should say why in Chinese: {message!r}"
    if name == "sheet zip bomb":
        # Refused by the zip check before inflating, not after parsing it all and finding no header.
        assert "压缩" in message or "过大" in message, message
