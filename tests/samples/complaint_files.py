"""Complaint exports as the 12345 centre and townships really send them.

Each function writes one messy shape into a folder and returns its path: a title and a date line
above a header named the way the export names it (spaces, line breaks, full-width brackets), a
合计 row under the data, tickets Excel turned into 2.02611E+11, a CSV row shifted by an unquoted
comma, GB18030 text, and the same export saved as .xls by LibreOffice (the format WPS and old
Excel write). Tests import them and check rows in = imported + skipped + refused.
"""

import csv
import io
import shutil
import subprocess
from pathlib import Path

from openpyxl import Workbook

# How a 12345 export names its columns: synonyms, a line break, spaces and full-width brackets inside.
HOTLINE_HEADER = [
    "工单\n编号",
    "来电 时间",
    "所属街道",
    "反映小区",
    "反映内容",
    "承办单位",
    "办理状态",
    "（满意度）",
]


def hotline_rows(township: str, name: str, count: int = 4, start: int = 202607030001) -> list[list]:
    """`count` tickets of one township's project, 12 digits like real 12345 tickets."""
    return [
        [str(start + i), f"2026-07-0{1 + i % 9} 09:1{i % 10}", township, name, f"第{i + 1}件：楼道灯不亮",
         f"{township}办事处", "已办结", "满意"]
        for i in range(count)
    ]  # fmt: skip


def hotline_xlsx(folder: Path, township: str, name: str, count: int = 4) -> Path:
    """A 12345 export: title, date line, the header, the rows, a blank row and a 合计 row."""
    wb = Workbook()
    ws = wb.active
    ws.title = "工单明细"
    ws.append(["12345政务服务便民热线工单明细表"])
    ws.append(["导出时间：2026年7月31日"])
    ws.append(HOTLINE_HEADER)
    for cells in hotline_rows(township, name, count):
        ws.append(cells)
    ws.append([])
    ws.append(["合计", None, None, None, f"共 {count} 件"])
    path = folder / "12345工单明细.xlsx"
    wb.save(path)
    return path


def mangled_tickets_csv(folder: Path, township: str, name: str) -> Path:
    """Excel showed the 12-digit tickets as 2.02611E+11 and saved what it showed; one row kept its digits."""
    rows = [
        ["2.02611E+11", "2026-07-01 09:00", township, name, "噪音扰民", "已办结"],
        ["2.02611E+11", "2026-07-02 09:00", township, name, "电梯故障", "已办结"],
        ["202611000000", "2026-07-03 09:00", township, name, "垃圾清运", "已办结"],
        ["202611000123", "2026-07-04 09:00", township, name, "门禁损坏", "已办结"],
    ]
    return _csv(
        folder / "tickets.csv", ["工单编号", "受理时间", "所属镇街", "小区名称", "诉求内容", "办理状态"], rows
    )


def mangled_tickets_xlsx(folder: Path, township: str, name: str) -> Path:
    """Tickets stored as numbers after Excel rounded them: 202611000000.0 and 2.02611E+11."""
    wb = Workbook()
    ws = wb.active
    ws.append(["工单编号", "受理时间", "所属镇街", "小区名称", "诉求内容", "办理状态"])
    ws.append([202611000000.0, "2026-07-01 09:00", township, name, "噪音扰民", "已办结"])
    ws.append([2.02611e11, "2026-07-02 09:00", township, name, "电梯故障", "已办结"])
    ws.append([202607030001, "2026-07-03 09:00", township, name, "门禁损坏", "已办结"])
    path = folder / "tickets.xlsx"
    wb.save(path)
    return path


def shifted_csv(folder: Path, township: str, name: str) -> Path:
    """Row 3's 诉求内容 holds an unquoted comma (every later column moves one right); row 4 was cut off."""
    lines = [
        "工单编号,受理时间,所属镇街,小区名称,诉求内容,办理状态",
        f"202607030001,2026-07-01 09:00,{township},{name},楼道灯不亮,已办结",
        f"202607030002,2026-07-02 09:00,{township},{name},垃圾成堆,无人清运,已办结",
        f"202607030003,2026-07-03 09:00,{township}",
        f'202607030004,2026-07-04 09:00,{township},{name},"电梯停运，有人被困",办理中',
    ]
    path = folder / "shifted.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def gb18030_csv(folder: Path, township: str, name: str) -> Path:
    """What the 12345 system's CSV export writes: GB18030, CRLF, a rare character (𠀾) in the content."""
    rows = [
        [f"20260703000{i}", "2026/7/3 9:05", township, name, f"𠀾字样的投诉{i}", "已受理"]
        for i in range(1, 4)
    ]
    return _csv(
        folder / "gb18030.csv",
        ["工单号", "登记时间", "属地", "项目名称", "问题描述", "状态"],
        rows,
        "gb18030",
    )


def unknown_columns_csv(folder: Path, township: str, name: str) -> Path:
    """Extra columns nobody reads (来电人电话, 备注) among the known ones, in full-width forms."""
    header = ["工单编号", "来电人电话", "受理时间", "所属镇街", "小区名称", "备注", "诉求内容"]
    rows = [["202607030001", "138****0000", "2026-07-01 09:00", township, name, "回访两次", "楼道灯不亮"]]
    return _csv(folder / "extra.csv", header, rows)


def as_xls(xlsx: Path) -> Path | None:
    """The workbook saved as .xls by LibreOffice (as WPS and old Excel write it); None without soffice."""
    soffice = shutil.which("soffice")
    if soffice is None:
        return None
    out = xlsx.parent / "xls"
    out.mkdir(exist_ok=True)
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{out / 'profile'}", "--headless", "--convert-to", "xls",
         "--outdir", str(out), str(xlsx)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return out / f"{xlsx.stem}.xls"


def _csv(path: Path, header: list[str], rows: list[list], encoding: str = "utf-8") -> Path:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


# --- rosters (基础信息台账) ------------------------------------------------------------------------
ROSTER_HEADER = ["序号", "街道", "社区", "项目名称", "户数", "物业服务企业", "统一社会信用代码"]


def roster_repeated_township_merged_community(folder: Path) -> Path:
    """街道 written on every row, 社区 merged over its projects: read-only openpyxl sees 社区 once."""
    wb = Workbook()
    ws = wb.active
    ws.append(["临河县物业服务管理基础信息台账"])
    ws.append(ROSTER_HEADER)
    ws.append([1, "城关街道", "北关社区", "书香苑", 100])
    ws.append([2, "城关街道", None, "翠湖花园", 200])
    ws.append([3, "城关街道", "南关社区", "星河湾", 300])
    ws.append([4, "城关街道", None, "锦绣苑", 400])
    ws.merge_cells("C3:C4")
    ws.merge_cells("C5:C6")
    path = folder / "merged-community.xlsx"
    wb.save(path)
    return path


def roster_rows(folder: Path, rows: list[list], name: str = "roster.xlsx") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(ROSTER_HEADER)
    for cells in rows:
        ws.append(cells)
    path = folder / name
    wb.save(path)
    return path
