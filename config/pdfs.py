"""PDFs judged by parsing them, not by searching their bytes (issue 18, item 1).

A byte search for "/JavaScript" misses the same name written with escapes: PDF names may spell
any character as #xx, so `/S /J#61vaScript` and `/S /L#61unch /F (cmd.exe)` are a script and a
program launch to every reader, and were accepted. pypdf decodes names as a reader does; every
object of the file (reachable from the trailer or listed in its cross-reference table, including
object streams) is walked, and a PDF that does anything but show pages is refused: actions that
run, submit, import, launch or open other files, JavaScript name trees, embedded files,
XFA forms, rich media, and links to anything but web pages. A file pypdf cannot parse is refused
too: what our parser cannot read, we cannot vouch for.
"""

import io
import logging
from collections.abc import Iterator

from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, PdfObject

# Actions (/S …) that run something, send data out or open another file (ISO 32000-1, 12.6.4).
ACTIVE_ACTIONS = {
    "/JavaScript": "脚本",
    "/Launch": "启动外部程序",
    "/SubmitForm": "提交表单",
    "/ImportData": "导入数据",
    "/GoToR": "打开其他文件",
    "/GoToE": "打开嵌入文件",
    "/RichMediaExecute": "多媒体指令",
    "/Rendition": "多媒体播放",
    "/Movie": "影片",
    "/Sound": "声音",
}
# Keys whose mere presence means scripts, attached files or active forms.
ACTIVE_KEYS = {
    "/JS": "脚本",
    "/JavaScript": "脚本",
    "/EmbeddedFiles": "嵌入文件",
    "/EmbeddedFile": "嵌入文件",
    "/EF": "嵌入文件",
    "/XFA": "XFA 表单",
    "/RichMediaContent": "多媒体内容",
    "/RichMediaSettings": "多媒体内容",
}
ACTIVE_SUBTYPES = {"/RichMedia": "多媒体内容", "/FileAttachment": "附件", "/Movie": "影片", "/Sound": "声音"}
# A link may open a web page or an e-mail; `file:`, `javascript:` or a share path is refused.
SAFE_URI_PREFIXES = ("http://", "https://", "mailto:")
MAX_OBJECTS = 200_000


class UnreadablePdf(ValueError):
    """pypdf could not parse the file (or it is encrypted with a password)."""


def active_content(data: bytes) -> str | None:
    """What active content the PDF holds, in Chinese ("脚本", "嵌入文件" …), or None for a plain document.

    Raises UnreadablePdf when the file cannot be parsed or opened without a password.
    """
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        _unlock(reader)
        for obj in _objects(reader):
            found = _judge(obj)
            if found:
                return found
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError) as exc:
        raise UnreadablePdf(str(exc)) from exc
    return None


def _unlock(reader: PdfReader) -> None:
    # Owner-password-only files (printing forbidden, no password to open) are common and readable.
    if reader.is_encrypted and not reader.decrypt(""):
        raise UnreadablePdf("encrypted")


def _objects(reader: PdfReader) -> Iterator[DictionaryObject]:
    """Every dictionary in the file, once: from the trailer down, then each numbered object."""
    roots: list[PdfObject] = [reader.trailer]
    for generation, numbers in reader.xref.items():
        roots += [IndirectObject(number, generation, reader) for number in numbers]
    roots += [IndirectObject(number, 0, reader) for number in reader.xref_objStm]
    seen: set[tuple[int, int]] = set()
    stack = list(reversed(roots))
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            if len(seen) > MAX_OBJECTS:
                raise UnreadablePdf("too many objects")
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            yield obj
            stack.extend(obj.values())
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)


def _judge(obj: DictionaryObject) -> str | None:
    for key, what in ACTIVE_KEYS.items():
        if key in obj:
            return what
    action = obj.get("/S")
    if action in ACTIVE_ACTIONS:
        return ACTIVE_ACTIONS[action]
    if obj.get("/Subtype") in ACTIVE_SUBTYPES:
        return ACTIVE_SUBTYPES[obj["/Subtype"]]
    if action == "/URI" and not str(obj.get("/URI", "")).strip().lower().startswith(SAFE_URI_PREFIXES):
        return "指向本机文件或脚本的链接"
    return None


# pypdf warns about every irregularity it repairs; the verdict is ours, the noise is not needed.
logging.getLogger("pypdf").setLevel(logging.ERROR)
