"""Hostile files in and out: uploads checked by content, spreadsheets checked before parsing, safe exports.

Issue 8 / ASVS 5 (files): "type checked by content, not name; images re-encoded with Pillow";
"Spreadsheet imports check the zip before parsing (entry count, total and per-entry
uncompressed size, ratio)"; "Exports neutralise formulas from user data … Control
characters and over-long cells are cleaned so one bad complaint cannot break a whole export."

Every refusal is an `UnsafeFile` (a ValidationError and a ValueError) with a Chinese message
that can be shown to the user as is.
"""

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import quote

import pillow_heif
from django.core.exceptions import ValidationError
from PIL import Image, ImageOps, UnidentifiedImageError

from . import pdfs

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
CSV = "text/csv"
IMAGE_TYPES = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
    "HEIF": "image/heif",
}
EXCEL_MAX_CELL = 32_767  # Excel's limit on characters in one cell
CHUNK = 64 * 1024


class UnsafeFile(ValidationError, ValueError):  # noqa: N818  (reads as "raise UnsafeFile(…)")
    """A file refused for safety; the message is Chinese and meant for the user."""

    def __str__(self) -> str:
        # ValidationError prints as "['…']"; the message alone is what a page or a row report shows.
        return "；".join(self.messages)


# --- Spreadsheets (.xlsx = a zip of XML) ----------------------------------------------------------


ARCHIVE_REFUSAL = "Excel 文件已损坏或格式不受支持，请在 Excel/WPS 中另存为 .xlsx 后再导入。"


@dataclass(frozen=True)
class ArchiveLimits:
    max_entries: int = 1_000
    max_total_uncompressed: int = 500 * 1024 * 1024
    max_entry_uncompressed: int = 300 * 1024 * 1024
    # Real workbooks compress 5–50×; zip bombs compress 1,000× and more. Small entries are exempt.
    max_ratio: float = 200.0
    ratio_floor: int = 1024 * 1024


def check_spreadsheet_archive(fileobj: IO[bytes], **limits: Any) -> None:
    """Refuse an .xlsx whose zip would blow up on opening; leave the file at position 0.

    Declared sizes are checked first (cheap), then every entry is really inflated in chunks,
    counting bytes, because a crafted zip can declare small sizes and inflate to gigabytes.
    """
    bounds = ArchiveLimits(**limits)
    fileobj.seek(0)
    if fileobj.read(4) != b"PK\x03\x04":
        raise UnsafeFile(
            "文件不是 Excel 工作簿（.xlsx）。如果是旧版 .xls 或 .et 文件，请在 Excel/WPS 中另存为 .xlsx 后再导入。"
        )
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            entries = archive.infolist()
            _check_declared(entries, bounds)
            if "[Content_Types].xml" not in archive.namelist():
                raise UnsafeFile(
                    "文件不是 Excel 工作簿（缺少 [Content_Types].xml），请另存为 .xlsx 后再导入。"
                )
            _check_inflated(archive, entries, bounds)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError) as exc:
        raise UnsafeFile(ARCHIVE_REFUSAL) from exc
    finally:
        fileobj.seek(0)


def _check_declared(entries: list[zipfile.ZipInfo], bounds: ArchiveLimits) -> None:
    if len(entries) > bounds.max_entries:
        raise UnsafeFile(
            f"Excel 文件内部条目过多（{len(entries)} 个，上限 {bounds.max_entries}），拒绝导入。"
        )
    total = 0
    for info in entries:
        if info.flag_bits & 0x1:
            raise UnsafeFile("Excel 文件已加密，请取消密码保护后再导入。")
        _check_entry_size(info.filename, info.file_size, info.compress_size, bounds)
        total += info.file_size
        if total > bounds.max_total_uncompressed:
            raise UnsafeFile("Excel 文件解压后过大，拒绝导入。请拆分为多个文件。")


def _check_entry_size(name: str, size: int, compressed: int, bounds: ArchiveLimits) -> None:
    if size > bounds.max_entry_uncompressed:
        raise UnsafeFile(f"Excel 文件中的“{name[:60]}”解压后过大，拒绝导入。请拆分为多个文件。")
    if size > bounds.ratio_floor and size / max(compressed, 1) > bounds.max_ratio:
        raise UnsafeFile("Excel 文件压缩比异常（疑似压缩炸弹），拒绝导入。")


def _check_inflated(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo], bounds: ArchiveLimits) -> None:
    total = 0
    for info in entries:
        size = 0
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                total += len(chunk)
                _check_entry_size(info.filename, size, info.compress_size, bounds)
                if total > bounds.max_total_uncompressed:
                    raise UnsafeFile("Excel 文件解压后过大，拒绝导入。请拆分为多个文件。")


# --- Uploads: type by content -------------------------------------------------------------------

# iPhones send HEIC/HEIF; with the plugin registered Pillow decodes them like any other photo.
pillow_heif.register_heif_opener()

# Markers of a document a browser would run as a page or a script. Each is at least five bytes: a
# two-byte marker such as "<%" turns up by chance in any compressed image (a 12-megapixel photo
# holds millions of random byte pairs), so short markers refused ordinary phone photos.
ACTIVE_MARKERS = (
    b"<script", b"<html", b"<!doctype html", b"<svg", b"<?php", b"<iframe", b"<body",
    b"<object", b"<embed", b"<meta", b"javascript:",
)  # fmt: skip
# Text files are not compressed, so the short server-page markers mean what they say there.
TEXT_MARKERS = (*ACTIVE_MARKERS, b"<%", b"<?=")
SCAN_LIMIT = 50 * 1024 * 1024
# Where a browser sniffs a page from (WHATWG MIME Sniffing reads the first 1,445 bytes), with room.
HEAD_BYTES = 4096


def _read_all(fileobj: IO[bytes], limit: int = SCAN_LIMIT) -> bytes:
    fileobj.seek(0)
    data = fileobj.read(limit + 1)
    fileobj.seek(0)
    if len(data) > limit:
        raise UnsafeFile("文件过大，拒绝上传。")
    return data


def _has_active_content(data: bytes, markers: tuple[bytes, ...] = ACTIVE_MARKERS) -> bool:
    lowered = data.lower()
    return any(marker in lowered for marker in markers)


def sniff_upload(fileobj: IO[bytes], allowed: set[str] | None = None) -> str:
    """The file's real content type (image/*, application/pdf, xlsx, text/csv), judged by content only.

    The file name and the browser's Content-Type are never consulted. HTML, SVG, PHP and any
    file that is also one of those (a polyglot) are refused, as is any type not in `allowed`.
    """
    data = _read_all(fileobj)
    content_type = _detect(data)
    if content_type is None:
        raise UnsafeFile(
            "不支持的文件类型：仅接受 JPEG/PNG/WebP/GIF/HEIC 图片、PDF、Excel（.xlsx）或 CSV 文件。"
        )
    if allowed is not None and content_type not in allowed:
        raise UnsafeFile("此处不接受该类型的文件。")
    if content_type == PDF:
        _check_pdf(data)
    return content_type


def _detect(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return PDF  # judged by parsing once it is known to be wanted here (_check_pdf)
    if data.startswith(b"PK\x03\x04"):
        return XLSX if _is_xlsx(data) else None
    image_type = _image_type(data)
    if image_type:
        if any(_has_active_content(region) for region in _image_text_regions(data, image_type)):
            raise UnsafeFile("图片中夹带网页或脚本内容，拒绝上传。")
        return image_type
    if _has_active_content(data[:SCAN_LIMIT], TEXT_MARKERS):
        raise UnsafeFile("文件包含网页或脚本内容，拒绝上传。")
    return CSV if _is_text(data) else None


def _check_pdf(data: bytes) -> None:
    """Parsed with pypdf (config/pdfs.py): escaped names like /J#61vaScript are judged as a reader reads them."""
    if _has_active_content(data):
        raise UnsafeFile("PDF 文件中夹带网页或脚本内容，拒绝上传。")
    try:
        found = pdfs.active_content(data)
    except pdfs.UnreadablePdf as exc:
        raise UnsafeFile(
            "PDF 文件已损坏、无法解析或设有打开密码，拒绝上传。请另存为标准 PDF 后再上传。"
        ) from exc
    if found:
        raise UnsafeFile(f"PDF 文件包含{found}等可执行或嵌入内容，拒绝上传。请打印为普通 PDF 后再上传。")


def _image_text_regions(data: bytes, image_type: str) -> list[bytes]:
    """The parts of an image file that are not compressed pixels: its head, metadata and any trailer.

    A polyglot hides its page there (a comment segment, a text chunk, bytes after the image's end).
    The pixel stream itself is never searched: it is random-looking bytes in which short markers
    occur by chance, and it is thrown away anyway, since only re-encoded pixels are ever stored.
    """
    if image_type == "image/jpeg":
        return _jpeg_regions(data)
    if image_type == "image/png":
        return _png_regions(data)
    return [data[:HEAD_BYTES]]


def _jpeg_regions(data: bytes) -> list[bytes]:
    """Every segment before the scan (APPn, COM, tables) and whatever follows the last end marker."""
    regions, pos = [], 2
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker == 0xDA:  # start of scan: compressed pixels from here on
            break
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        regions.append(data[pos + 4 : pos + 2 + length])
        pos += 2 + length
    end = data.rfind(b"\xff\xd9")
    if end != -1:
        regions.append(data[end + 2 :])
    return regions


def _png_regions(data: bytes) -> list[bytes]:
    """Every chunk but the compressed pixel chunks (IDAT), and whatever follows IEND."""
    regions, pos = [], 8
    while pos + 8 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        if kind != b"IDAT":
            regions.append(data[pos + 8 : pos + 8 + length])
        pos += 12 + length
        if kind == b"IEND":
            break
    regions.append(data[pos:])
    return regions


def _is_xlsx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return False
    return "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names)


def _image_type(data: bytes) -> str | None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            return IMAGE_TYPES.get(image.format or "")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            data.decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


def reencode_image(fileobj: IO[bytes], max_side: int = 4096) -> tuple[bytes, str]:
    """Re-encode a photo with Pillow: metadata and anything hidden after the pixels is dropped.

    Returns (bytes, content type). Phone photos are turned upright (EXIF orientation) and
    shrunk to `max_side`; transparent images stay PNG, everything else becomes JPEG.
    """
    sniff_upload(fileobj, allowed=set(IMAGE_TYPES.values()))
    try:
        with Image.open(fileobj) as image:
            image = ImageOps.exif_transpose(image)
            image.thumbnail((max_side, max_side))
            keep_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
            out = io.BytesIO()
            if keep_alpha:
                image.convert("RGBA").save(out, "PNG", optimize=True)
                return out.getvalue(), "image/png"
            image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
            return out.getvalue(), "image/jpeg"
    except (OSError, Image.DecompressionBombError) as exc:
        raise UnsafeFile("图片无法读取或尺寸过大，拒绝上传。") from exc
    finally:
        fileobj.seek(0)


# --- Downloads ------------------------------------------------------------------------------------


def safe_filename(name: str, default: str = "download") -> str:
    """A bare file name: no directories (../../etc/passwd → passwd), no control characters or quotes."""
    base = re.split(r"[/\\]", name)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C" and ch not in '"*:<>?|')
    base = base.strip().lstrip(".").strip()
    return base[:150] or default


def content_disposition(filename: str, inline: bool = False) -> str:
    """An RFC 6266 Content-Disposition value: an ASCII fallback plus filename* in UTF-8 (RFC 5987).

    >>> content_disposition("城关街道台账.xlsx")
    "attachment; filename=\\"____.xlsx\\"; filename*=UTF-8''%E5%9F%8E%E5%85%B3%E8%A1%97%E9%81%93%E5%8F%B0%E8%B4%A6.xlsx"
    """
    name = safe_filename(filename)
    fallback = "".join(ch if 32 <= ord(ch) < 127 and ch not in "\\%" else "_" for ch in name)
    disposition = "inline" if inline else "attachment"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


# --- Export cells ------------------------------------------------------------------------------------

# What a spreadsheet program reads as the start of a formula (OWASP "CSV injection"), full-width forms included.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
# Characters an .xlsx cannot hold (openpyxl raises IllegalCharacterError on them); tab and newline are kept.
ILLEGAL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_cell(value: Any) -> Any:
    """Strip control characters and cap the length at Excel's 32,767; non-strings pass unchanged."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARS.sub("", value)
    if len(value) > EXCEL_MAX_CELL:
        value = value[: EXCEL_MAX_CELL - 1] + "…"
    return value


def neutralise_csv_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet will show as text: a leading formula character gets a `'` prefix."""
    value = clean_cell(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


# xlsxwriter turns "=…" strings into formulas and "http…" into links unless told not to.
XLSXWRITER_SAFE_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


def openpyxl_text_cell(worksheet, value: Any):
    """A write-only openpyxl cell whose string is stored as text, never as a formula."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(worksheet, value=clean_cell(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell


# What a malformed or hostile workbook raises while openpyxl opens or iterates it. An importer
# catches these around its row loop and reports `SPREADSHEET_REFUSAL`, never a 500.
def _spreadsheet_errors() -> tuple[type[BaseException], ...]:
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException

    return (
        DefusedXmlException,
        ParseError,
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        TypeError,
        EOFError,
        OSError,
    )


SPREADSHEET_REFUSAL = "Excel 文件内容无法读取（文件损坏、含不安全的 XML 或不是标准 .xlsx），请在 Excel/WPS 中另存为 .xlsx 后再导入。"


def load_workbook_checked(fileobj: IO[bytes], read_only: bool = True, **limits: Any):
    """check_spreadsheet_archive, then openpyxl.load_workbook; any parse failure becomes UnsafeFile."""
    import openpyxl

    check_spreadsheet_archive(fileobj, **limits)
    try:
        return openpyxl.load_workbook(fileobj, read_only=read_only, data_only=True)
    except _spreadsheet_errors() as exc:
        raise UnsafeFile(SPREADSHEET_REFUSAL) from exc


def iter_rows_checked(worksheet, **kwargs: Any):
    """worksheet.iter_rows(values_only=True) whose read-only parse errors become UnsafeFile."""
    try:
        yield from worksheet.iter_rows(values_only=True, **kwargs)
    except _spreadsheet_errors() as exc:
        raise UnsafeFile(SPREADSHEET_REFUSAL) from exc


# --- Spreadsheets: the first rows only, for the header check in the web request -----------------
# Issue 18: an 18 MB .xlsx holding a 290 MB sheet was read whole (4–77 s, +150–550 MB) before
# "表头不符". The request reads only the first sheet's first rows; every whole read runs in a worker.

HEAD_ROWS = 10  # exports put a title and a date line above the header
HEAD_INFLATE_CAP = 8 * 1024 * 1024  # XML inflated to find the first rows; a sane header is far below
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # .xls and WPS .et (Compound File Binary)
_SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
WORKBOOK_REFUSAL = "文件不是 Excel 工作簿（.xlsx/.xls/.et）或 CSV 文件。"


def upload_too_large(size: int) -> str | None:
    """The one cap for every spreadsheet upload (settings.MAX_IMPORT_BYTES); a message when over it."""
    from django.conf import settings

    if size > settings.MAX_IMPORT_BYTES:
        return (
            f"文件太大（{size / 2**20:.0f} MB，上限 {settings.MAX_IMPORT_BYTES >> 20} MB），请拆分后再导入。"
        )
    return None


class _CappedStream:
    """A zip entry read through a byte budget: a header hidden behind megabytes of XML is refused."""

    def __init__(self, stream: IO[bytes], cap: int) -> None:
        self.stream, self.left = stream, cap

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(CHUNK if size < 0 else min(size, CHUNK))
        self.left -= len(data)
        if self.left < 0:
            raise UnsafeFile(f"在工作表开头 {HEAD_INFLATE_CAP >> 20} MB 内找不到表头行，请检查文件。")
        return data


def sheet_head_rows(fileobj: IO[bytes], limit: int = HEAD_ROWS, sheet: int = 0) -> list[list] | None:
    """The first `limit` rows of a worksheet, the first by default (.xlsx streamed; .xls/.et via
    calamine); None when the workbook has no sheet at that position.

    Only declared zip sizes are checked here and only the head of one sheet is inflated, so a
    huge or hostile workbook costs the request well under a second; the worker's whole read goes
    through check_spreadsheet_archive, which counts every inflated byte."""
    fileobj.seek(0)
    magic = fileobj.read(4)
    fileobj.seek(0)
    try:
        if magic == OLE_MAGIC:
            return _legacy_head_rows(fileobj, limit, sheet)
        if magic != b"PK\x03\x04":
            raise UnsafeFile(WORKBOOK_REFUSAL)
        with zipfile.ZipFile(fileobj) as archive:
            _check_declared(archive.infolist(), ArchiveLimits())
            part, strings = _sheet_parts(archive, sheet)
            if part is None:
                return None
            rows = _stream_rows(archive, part, limit)
            needed = {int(v) for row in rows for v in row if isinstance(v, _SharedRef)}
            table = _shared_strings(archive, strings, max(needed, default=-1))
            return [[table.get(int(v), "") if isinstance(v, _SharedRef) else v for v in row] for row in rows]
    except UnsafeFile:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, KeyError) as exc:
        raise UnsafeFile(ARCHIVE_REFUSAL) from exc
    except _xml_errors() as exc:
        raise UnsafeFile(SPREADSHEET_REFUSAL) from exc
    finally:
        fileobj.seek(0)


def _xml_errors() -> tuple[type[BaseException], ...]:
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException

    return (ParseError, DefusedXmlException, ValueError)


def _legacy_head_rows(fileobj: IO[bytes], limit: int, index: int) -> list[list] | None:
    """.xls/.et hold at most 65,536 rows in a compound file calamine must read whole; the upload cap bounds it."""
    from python_calamine import CalamineWorkbook

    from .spreadsheets import LEGACY_MAX_BYTES

    size = fileobj.seek(0, io.SEEK_END)
    fileobj.seek(0)
    if size > LEGACY_MAX_BYTES:
        raise UnsafeFile(
            f"旧版 Excel（.xls/.et）文件过大（上限 {LEGACY_MAX_BYTES >> 20} MB），请在 Excel/WPS 中另存为 .xlsx 后再导入。"
        )
    try:
        workbook = CalamineWorkbook.from_filelike(fileobj)
        if index >= len(workbook.sheet_names):
            return None
        sheet = workbook.get_sheet_by_index(index)
        return [list(row) for _, row in zip(range(limit), sheet.iter_rows(), strict=False)]
    except Exception as exc:  # calamine's own error types; their names must not reach the user
        raise UnsafeFile(
            "旧版 Excel（.xls/.et）文件无法读取，请在 Excel/WPS 中另存为 .xlsx 后再导入。"
        ) from exc


class _SharedRef(int):
    """A cell that points into sharedStrings.xml, resolved once the head rows are known."""


def _sheet_parts(archive: zipfile.ZipFile, index: int) -> tuple[str | None, str | None]:
    """(the worksheet's path, shared strings' path) from the workbook and its relationships."""
    from defusedxml.ElementTree import fromstring

    names = set(archive.namelist())
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise UnsafeFile(WORKBOOK_REFUSAL)
    workbook = fromstring(archive.read("xl/workbook.xml"))
    sheets = workbook.findall(f"{_SHEET_NS}sheets/{_SHEET_NS}sheet")
    if index >= max(len(sheets), 1):
        return None, None
    first = sheets[index] if sheets else None
    rels = (
        fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        if "xl/_rels/workbook.xml.rels" in names
        else None
    )
    targets = {r.get("Id"): r.get("Target", "") for r in (rels if rels is not None else [])}
    kinds = {
        r.get("Type", "").rsplit("/", 1)[-1]: r.get("Target", "") for r in (rels if rels is not None else [])
    }
    target = targets.get(first.get(f"{_REL_NS}id")) if first is not None else None
    sheet = _part_path(target or "worksheets/sheet1.xml")
    strings = _part_path(kinds["sharedStrings"]) if "sharedStrings" in kinds else None
    if sheet not in names:
        raise UnsafeFile("Excel 文件中没有工作表。")
    return sheet, strings if strings in names else None


def _part_path(target: str) -> str:
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _column_index(reference: str) -> int:
    index = 0
    for ch in reference:
        if not ch.isalpha():
            break
        index = index * 26 + ord(ch.upper()) - 64
    return index - 1


def _cell_value(cell) -> object:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(f"{_SHEET_NS}t"))
    value = cell.findtext(f"{_SHEET_NS}v")
    if value is None:
        return None
    if kind == "s":
        return _SharedRef(value)
    if kind == "n":
        number = float(value)
        return (
            int(number) if number.is_integer() and "." not in value and "E" not in value.upper() else number
        )
    return value


def _stream_rows(archive: zipfile.ZipFile, sheet: str, limit: int) -> list[list]:
    from defusedxml.ElementTree import iterparse

    rows: list[list] = []
    with archive.open(sheet) as raw:
        for _event, element in iterparse(_CappedStream(raw, HEAD_INFLATE_CAP), events=("end",)):
            if element.tag != f"{_SHEET_NS}row":
                continue
            number = int(element.get("r") or len(rows) + 1)
            if number > limit:
                break
            rows.extend([] for _ in range(number - 1 - len(rows)))
            row: list = []
            for position, cell in enumerate(element.iter(f"{_SHEET_NS}c")):
                column = _column_index(cell.get("r", "")) if cell.get("r") else position
                row.extend(None for _ in range(column - len(row)))
                row.append(_cell_value(cell))
            rows.append(row)
            element.clear()
    return rows


def _shared_strings(archive: zipfile.ZipFile, part: str | None, last: int) -> dict[int, str]:
    """Shared strings 0…last only: the head rows' strings come first in every writer we know."""
    from defusedxml.ElementTree import iterparse

    table: dict[int, str] = {}
    if part is None or last < 0:
        return table
    with archive.open(part) as raw:
        for _event, element in iterparse(_CappedStream(raw, HEAD_INFLATE_CAP), events=("end",)):
            if element.tag == f"{_SHEET_NS}si":
                table[len(table)] = "".join(t.text or "" for t in element.iter(f"{_SHEET_NS}t"))
                element.clear()
                if len(table) > last:
                    break
    return table


# --- Numbers Excel mangled ----------------------------------------------------------------------
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:\.\d+)?[eE][+]?\d+")
TEXT_COLUMN_HINT = (
    "请在 Excel/WPS 中先把该列设置为“文本”格式（或在号码前加英文单引号 '）再粘贴或录入，"
    "然后重新保存；最好直接使用系统导出的原始文件"
)


def excel_number_problem(value: object) -> str | None:
    """Why a ticket, id or phone number cell has lost digits to Excel, or None.

    Excel shows a number of 12+ digits as "2.02611E+11" and keeps that text when the sheet is
    saved as CSV or pasted; read back it is 202611000000. A cell it stores as a number keeps 15
    significant digits, so an 18-digit id typed as a number ends in 000. Either way the original
    digits are gone. (A 16-digit text ending in 0 is left alone: only a number cell proves it.)"""
    if isinstance(value, float | int) and not isinstance(value, bool):
        if value >= 1e15:
            return f"“{value:.0f}”超过 15 位，Excel 把它存成数字时只保留前 15 位，原号码已丢失。{TEXT_COLUMN_HINT}"
        value = f"{value:.0f}" if float(value).is_integer() else str(value)
    text = str(value).strip()
    if _SCIENTIFIC.fullmatch(text):
        return f"“{text}”是 Excel 对长数字显示的科学计数法，原号码的后几位已丢失。{TEXT_COLUMN_HINT}"
    if text.isdigit() and len(text) >= 11 and len(text.rstrip("0")) <= 6:
        return (
            f"“{text}”末尾是一串 0，像是 Excel 用科学计数法（如 2.02611E+11）显示后又转回的数字，"
            f"原号码的后几位已丢失。{TEXT_COLUMN_HINT}"
        )
    return None
