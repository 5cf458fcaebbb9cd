"""Hostile files (ASVS 5): zip bombs, entity bombs, disguised pages and polyglots are refused by content."""

import csv
import io
import zipfile

import openpyxl
import pytest
import xlsxwriter
from defusedxml import EntitiesForbidden
from PIL import Image

from config.uploads import (
    CSV,
    PDF,
    XLSX,
    XLSXWRITER_SAFE_OPTIONS,
    UnsafeFile,
    check_spreadsheet_archive,
    clean_cell,
    content_disposition,
    iter_rows_checked,
    load_workbook_checked,
    neutralise_csv_cell,
    openpyxl_text_cell,
    reencode_image,
    safe_filename,
    sniff_upload,
)
from tests.samples import pdfs

from . import hostile_files as hostile


def as_file(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)


# --- spreadsheets ---------------------------------------------------------------------------------


def test_a_genuine_workbook_passes_the_archive_check_and_stays_readable():
    upload = as_file(hostile.xlsx_bytes())

    check_spreadsheet_archive(upload)

    assert upload.tell() == 0
    rows = list(iter_rows_checked(load_workbook_checked(upload).active))
    assert rows[1] == ("城关街道", "阳光花园")


def test_a_zip_bomb_is_refused_before_parsing():
    with pytest.raises(UnsafeFile) as refused:
        check_spreadsheet_archive(as_file(hostile.zip_bomb_xlsx()))

    assert "压缩" in refused.value.messages[0]


def test_a_zip_bomb_with_lying_headers_is_refused():
    with pytest.raises(UnsafeFile):
        check_spreadsheet_archive(as_file(hostile.lying_zip_xlsx()))


@pytest.mark.parametrize(
    "limits",
    [{"max_entry_uncompressed": 1000}, {"max_total_uncompressed": 2000}, {"max_entries": 5}],
)
def test_each_archive_limit_is_enforced(limits):
    with pytest.raises(UnsafeFile):
        check_spreadsheet_archive(as_file(hostile.xlsx_bytes([["x" * 5000]])), **limits)


def test_too_many_entries_are_refused():
    with pytest.raises(UnsafeFile) as refused:
        check_spreadsheet_archive(as_file(hostile.many_entries_zip(1200)))

    assert "条目过多" in refused.value.messages[0]


@pytest.mark.parametrize(
    "data",
    [hostile.HTML_AS_JPG, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, b"PK\x03\x04garbage", b""],
)
def test_files_that_are_not_xlsx_get_a_chinese_refusal(data):
    with pytest.raises(UnsafeFile) as refused:
        check_spreadsheet_archive(as_file(data))

    assert "xlsx" in refused.value.messages[0]


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("index.html", "<html></html>")

    with pytest.raises(UnsafeFile):
        check_spreadsheet_archive(as_file(out.getvalue()))


def test_openpyxl_parses_through_defusedxml_so_billion_laughs_is_refused():
    bomb = hostile.billion_laughs_xlsx()
    check_spreadsheet_archive(as_file(bomb))  # small on disk: only the XML parser can stop it

    with pytest.raises(ValueError) as refused:
        openpyxl.load_workbook(as_file(bomb))
    assert isinstance(refused.value.__cause__ or refused.value.__context__, EntitiesForbidden)

    with pytest.raises(UnsafeFile):
        list(iter_rows_checked(load_workbook_checked(as_file(bomb), read_only=True).active))


def test_calamine_does_not_expand_entities_either():
    from python_calamine import CalamineWorkbook

    try:
        rows = CalamineWorkbook.from_filelike(as_file(hostile.billion_laughs_xlsx())).get_sheet_by_index(0)
        assert all(len(str(cell)) < 100 for row in rows.to_python() for cell in row)
    except Exception as refused:  # noqa: BLE001 — calamine raises its own XmlError: refused is fine
        assert "entity" in str(refused).lower()


def test_start_up_refuses_an_openpyxl_without_defusedxml(monkeypatch):
    import openpyxl.xml
    from django.core.exceptions import ImproperlyConfigured

    from config.security import require_defused_xml

    require_defused_xml()
    monkeypatch.setattr(openpyxl.xml, "DEFUSEDXML", False)
    with pytest.raises(ImproperlyConfigured):
        require_defused_xml()


# --- uploads by content -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (hostile.jpeg_bytes(), "image/jpeg"),
        (hostile.png_bytes(), "image/png"),
        (hostile.PDF_OK, PDF),
        (pdfs.WITH_WEB_LINK, PDF),
        (pdfs.owner_locked_pdf(), PDF),
        (hostile.xlsx_bytes(), XLSX),
        ("工单编号,诉求内容\n1,楼道灯坏了\n".encode("gb18030"), CSV),
    ],
)
def test_genuine_files_are_recognised_by_content(data, expected):
    assert sniff_upload(as_file(data)) == expected


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(hostile.HTML_AS_JPG, id="html renamed .jpg"),
        pytest.param(hostile.SVG_WITH_SCRIPT, id="svg with script"),
        pytest.param(hostile.PHP, id="php"),
        pytest.param(hostile.jpeg_html_polyglot(), id="jpeg/html polyglot"),
        pytest.param(hostile.jpeg_bytes() + b"<?php echo 1; ?>", id="jpeg with php tail"),
        *(pytest.param(data, id=f"pdf: {name}") for name, data in pdfs.HOSTILE.items()),
        pytest.param(pdfs.password_pdf(), id="pdf: needs a password to open"),
        pytest.param(b"\x7fELF\x02\x01\x01\0" + bytes(range(256)) * 4, id="binary executable"),
    ],
)
def test_hostile_uploads_are_refused_whatever_their_name(data):
    with pytest.raises(UnsafeFile):
        sniff_upload(as_file(data))


def test_a_polyglot_decodes_as_an_image_so_only_the_content_scan_stops_it():
    with Image.open(as_file(hostile.jpeg_html_polyglot())) as image:
        assert image.format == "JPEG"


def test_an_allowed_list_narrows_what_a_field_accepts():
    with pytest.raises(UnsafeFile):
        sniff_upload(as_file(hostile.PDF_OK), allowed={"image/jpeg", "image/png"})


def test_reencoding_drops_metadata_and_anything_after_the_pixels():
    exif = Image.Exif()
    exif[0x010F] = "SecretPhone"  # camera make
    source = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 200, 10)).save(source, "JPEG", exif=exif)
    data = source.getvalue() + b"trailing-payload"

    clean, content_type = reencode_image(as_file(data), max_side=20)

    assert content_type == "image/jpeg"
    assert b"SecretPhone" not in clean and b"trailing-payload" not in clean
    with Image.open(as_file(clean)) as image:
        assert max(image.size) == 20


def test_transparent_images_stay_png():
    assert reencode_image(as_file(hostile.png_bytes()))[1] == "image/png"


# --- download names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ('evil"\r\nSet-Cookie: a=b.xlsx', "evilSet-Cookie a=b.xlsx"),
        ("...", "download"),
        (".htaccess", "htaccess"),
    ],
)
def test_download_names_lose_directories_and_control_characters(name, expected):
    assert safe_filename(name) == expected


def test_content_disposition_has_an_ascii_fallback_and_a_utf8_name():
    header = content_disposition("../城关街道 台账.xlsx")

    assert header.startswith('attachment; filename="')
    assert "filename*=UTF-8''%E5%9F%8E%E5%85%B3%E8%A1%97%E9%81%93%20%E5%8F%B0%E8%B4%A6.xlsx" in header
    assert ".." not in header and "\r" not in header and "\n" not in header
    assert content_disposition("a.pdf", inline=True).startswith("inline;")


# --- export cells ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        "=1+1",
        "+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        "\n=1",
        '＝HYPERLINK("x")',
        "＋1",
        "－1",
        "＠x",
    ],
)
def test_formula_starts_get_a_quote_prefix_in_csv(payload):
    assert neutralise_csv_cell(payload).startswith("'")


@pytest.mark.parametrize("value", ["楼道灯坏了", "A-1", 42, -3, None, "2024-06-01"])
def test_ordinary_cells_are_left_alone(value):
    assert neutralise_csv_cell(value) == value


def test_a_csv_formula_payload_round_trips_as_text():
    rows = list(csv.reader(io.StringIO(hostile.CSV_FORMULA.decode())))
    out = io.StringIO()
    csv.writer(out).writerows([[neutralise_csv_cell(cell) for cell in row] for row in rows])

    assert "\n'=HYPERLINK" in out.getvalue().replace('"', "").replace("A1,", "\n")


def test_control_characters_and_overlong_text_are_cleaned():
    assert clean_cell("楼道\x00灯\x1b坏了\n第二行") == "楼道灯坏了\n第二行"
    assert len(clean_cell("投" * 40_000)) == 32_767


def test_openpyxl_text_cells_keep_a_formula_as_text():
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(
        [openpyxl_text_cell(sheet, '=HYPERLINK("http://evil.example","x")'), openpyxl_text_cell(sheet, 7)]
    )
    out = io.BytesIO()
    workbook.save(out)

    cell = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active["A1"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_xlsxwriter_safe_options_write_formulas_as_text():
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True, **XLSXWRITER_SAFE_OPTIONS})
    workbook.add_worksheet().write(0, 0, "=1+1")
    workbook.close()

    cell = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active["A1"]
    assert cell.data_type == "s" and cell.value == "=1+1"
