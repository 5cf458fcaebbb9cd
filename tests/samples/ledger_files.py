"""整治工作台账 files as townships really send them back (seed 001 附件2 filled in by hand).

Each shape is one keyword of `annex2_workbook`: headers typed with spaces and line breaks, the
project cells merged over its problems, blank rows between projects, a 合计 row and a 填表说明 row
at the bottom, a phone column inserted in the middle or added as a 13th column; and conversions of
an export: the hidden 台账编号@版本 column deleted, saved as Excel 97 .xls (by LibreOffice) or as
WPS .et (an OLE2 workbook like .xls, under WPS's file name).
"""

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook, load_workbook

# The header as people retype it: "序  号" with spaces, "完成\n时限" wrapped by Alt+Enter.
HAND_HEADER = [
    "序  号",
    "项目名称",
    "物业服务企业",
    "服务标准",
    "存在问题",
    "整治措施",
    "完成\n时限",
    "责任人",
    "进展情况",
    "社区",
    "街道",
    "备注",
]


@dataclass
class Problem:
    text: str
    measures: str = ""
    deadline: object = ""
    person: str = ""
    progress: str = ""
    remarks: str = ""
    extra: dict[str, object] = field(default_factory=dict)  # extra column title → value


@dataclass
class ProjectRows:
    name: str
    township: str
    problems: list[Problem]
    company: str = ""
    standard: str = ""
    community: str = ""
    category: str = ""  # the 整治内容 column, when the sheet has one


def annex2_workbook(
    projects: list[ProjectRows],
    *,
    sheet: str = "1 环境卫生",
    header: list[str] | None = None,
    extra_columns: tuple[tuple[int, str], ...] = (),
    category_column: bool = False,
    blank_between: bool = False,
    total_row: bool = False,
    notes_row: bool = False,
    merged: bool = True,
) -> Workbook:
    """A hand-filled 附件2: title, 属地, date, header, then one serial per project.

    `extra_columns`: (0-based position in the final header, title) of columns the office added.
    """
    header = list(header or HAND_HEADER)
    if category_column:
        header.append("整治内容")
    for position, title in sorted(extra_columns):
        header.insert(position, title)
    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(["环境卫生攻坚行动整治工作台账"])
    ws.append(["属地：城关街道"])
    ws.append(["2026年 12 月 1 日"])
    ws.append(header)
    row = 4  # the header's row; rows are counted here, openpyxl's max_row skips empty rows
    for serial, project in enumerate(projects, 1):
        first = row + 1
        for index, problem in enumerate(project.problems):
            row += 1
            _put(ws, row, _row(header, serial, project, problem, index == 0 or not merged))
        if merged and len(project.problems) > 1:
            for title in ("序号", "项目名称", "物业服务企业", "服务标准", "社区", "街道"):
                col = _position(header, title) + 1
                ws.merge_cells(start_row=first, start_column=col, end_row=row, end_column=col)
        if blank_between and serial < len(projects):
            row += 1  # a row left empty between two projects
    if total_row:
        problems = sum(len(p.problems) for p in projects)
        row += 1
        _put(ws, row, ["合计", f"{len(projects)} 个项目", "", "", f"{problems} 条问题"])
    if notes_row:
        row += 1
        _put(ws, row, ["填表说明：1. 表格使用 Excel 类电子表格。2. 每条问题占一行。"])
    return book


def _put(ws, row: int, values: list) -> None:
    for col, value in enumerate(values, 1):
        if value not in (None, ""):
            ws.cell(row=row, column=col, value=value)


def _position(header: list[str], title: str) -> int:
    return [h.replace(" ", "").replace("\n", "") for h in header].index(title)


def _row(header: list[str], serial: int, project: ProjectRows, problem: Problem, first: bool) -> list:
    values = {
        "序号": serial,
        "项目名称": project.name,
        "物业服务企业": project.company,
        "服务标准": project.standard,
        "社区": project.community,
        "街道": project.township,
        "整治内容": project.category,
    }
    if not first:
        values = dict.fromkeys(values)
    values |= {
        "存在问题": problem.text,
        "整治措施": problem.measures,
        "完成时限": problem.deadline,
        "责任人": problem.person,
        "进展情况": problem.progress,
        "备注": problem.remarks,
        **problem.extra,
    }
    return [values.get(title.replace(" ", "").replace("\n", "")) for title in header]


def without_reference_column(export: Path, out: Path) -> Path:
    """An export whose hidden 台账编号@版本 column (M) someone deleted before sending it back."""
    book = load_workbook(export)
    for ws in book.worksheets:
        ws.delete_cols(13)
    book.save(out)
    return out


def soffice_available() -> bool:
    return shutil.which("soffice") is not None


def convert_with_soffice(source: Path, target_format: str, out_dir: Path) -> Path:
    """Convert with LibreOffice headless (xls, pdf …), in a profile of its own so parallel runs never clash."""
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    try:
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--convert-to",
                target_format,
                "--outdir",
                str(out_dir),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
            env={**os.environ, "HOME": str(profile)},
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return out_dir / f"{source.stem}.{target_format.split(':')[0]}"


def as_xls(xlsx: Path, out_dir: Path) -> Path:
    """The same workbook saved as Excel 97 (.xls), the way older offices keep their ledgers."""
    return convert_with_soffice(xlsx, "xls", out_dir)


def as_et(xls: Path, out_dir: Path) -> Path:
    """A WPS .et: WPS writes the same OLE2 workbook as .xls under its own name."""
    target = out_dir / f"{xls.stem}.et"
    shutil.copyfile(xls, target)
    return target
