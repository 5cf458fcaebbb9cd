"""Open any spreadsheet an office sends — .xlsx, old .xls, WPS .et — and iterate its rows.

Townships still save in Excel 97 (.xls) and WPS's own .et; both are OLE2 compound documents
that python-calamine reads like an .xlsx. What each kind is decides how it is checked before
parsing: an .xlsx is a zip and goes through config/uploads.py's archive checks (entry count,
inflated sizes, ratio); an OLE2 file does not inflate, so its size is capped instead.
The kind is read from the first bytes, never from the file name.
"""

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from .uploads import UnsafeFile, check_spreadsheet_archive

logger = logging.getLogger(__name__)
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# An .xls holds at most 65,536 rows; real ledgers are a few MB. Anything far above is refused
# before calamine loads it whole into memory.
LEGACY_MAX_BYTES = 60 * 1024 * 1024
NOT_A_SPREADSHEET = "文件不是 Excel/WPS 表格（.xlsx、.xls 或 .et），请在 Excel/WPS 中另存为 .xlsx 后再导入。"


@dataclass
class Sheet:
    """One worksheet: its name and its rows as (1-based row number, cells from column A)."""

    name: str
    _sheet: object

    def rows(self) -> Iterator[tuple[int, list]]:
        """calamine starts at the first used cell; the rows are padded so index 0 is column A."""
        top, left = self._sheet.start if self._sheet.height else (0, 0)
        pad = [None] * left
        for offset, values in enumerate(self._sheet.iter_rows()):
            yield top + offset + 1, pad + list(values)


def spreadsheet_kind(fileobj: IO[bytes]) -> str:
    """ "xlsx" or "legacy" (.xls/.et) by content; UnsafeFile when it is neither."""
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head == OLE2_MAGIC:
        return "legacy"
    raise UnsafeFile(NOT_A_SPREADSHEET)


def open_sheets(fileobj: IO[bytes]) -> list[Sheet]:
    """Every worksheet of an .xlsx, .xls or .et file, checked before parsing.

    UnsafeFile (a Chinese message) for a file that is not a spreadsheet, is too large, a zip
    bomb, encrypted or damaged.
    """
    from python_calamine import CalamineWorkbook

    kind = spreadsheet_kind(fileobj)
    if kind == "xlsx":
        check_spreadsheet_archive(fileobj)
    else:
        size = fileobj.seek(0, 2)
        fileobj.seek(0)
        if size > LEGACY_MAX_BYTES:
            raise UnsafeFile(
                f"旧版 .xls/.et 文件过大（{size >> 20} MB，上限 {LEGACY_MAX_BYTES >> 20} MB），"
                "请另存为 .xlsx 或拆分后再导入。"
            )
    try:
        book = CalamineWorkbook.from_filelike(fileobj)
        return [Sheet(name, book.get_sheet_by_name(name)) for name in book.sheet_names]
    except Exception as error:  # calamine raises its own error kinds for a damaged or encrypted file
        # The library's error names (CalamineError …) mean nothing to a township officer: logged, not shown.
        logger.warning("spreadsheet unreadable (%s): %r", kind, error)
        label = ".xlsx" if kind == "xlsx" else ".xls/.et"
        raise UnsafeFile(
            f"文件已损坏、已加密或不是有效的 {label} 文件，无法读取。请在 Excel/WPS 中另存为 .xlsx 后再导入。"
        ) from error
    finally:
        fileobj.seek(0)
