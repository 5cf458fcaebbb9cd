"""The exported ledger as the office prints it: demo items, LibreOffice → PDF → PNG, and what is on the pages.

Used by tests/ledgers/test_ledger_print.py and scripts/render_ledger_export.py. The demo has what
breaks a printed ledger: problems of a paragraph or more, line breaks typed in a cell, a long
project and company name merged over its rows, a project with more problems than a page holds,
and a deadline like 2026年12月28日.
"""

import re
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import date
from html import unescape
from pathlib import Path

from .ledger_files import convert_with_soffice

LONG = (
    "小区东门至3号楼之间的消防通道长期被私家车占用，夜间尤为严重，业主多次向物业反映未果，"
    "经现场查看通道宽度不足3米，消防车无法通行，存在重大安全隐患"
)
MEASURES = "物业在通道两侧施划禁停标线并安装阻车桩，安排保安每日巡查劝离，对屡劝不改的车辆报交警处理"


@dataclass(frozen=True)
class Word:
    page: int
    x_min: float
    y_min: float
    x_max: float
    y_max: float
    text: str


def demo_problems(count: int, seed: int = 0) -> list[dict]:
    """`count` problems of varying length; every text is unique so it can be found on the page."""
    problems = []
    for n in range(count):
        length = (seed + n) % 4
        text = f"问题{seed + n + 1}：" + LONG[: 30 + 30 * length]
        if n % 5 == 2:
            text += "\n另：楼道灯不亮\n单元门禁损坏"
        problems.append(
            {
                "problem": text,
                "measures": f"措施{seed + n + 1}：" + MEASURES[: 20 + 20 * length],
                "deadline": date(2026, 12, 28),
                "responsible_person": "赵一",
                "progress_note": "已联系施工队，材料进场，预计月底完工" if n % 3 == 0 else "",
                "remarks": "业主代表参与复查" if n % 4 == 1 else "",
            }
        )
    return problems


def render_pdf(xlsx: Path, out_dir: Path) -> Path:
    """The workbook printed to PDF by LibreOffice headless, as the office would print it."""
    return convert_with_soffice(xlsx, "pdf", out_dir)


def render_pngs(pdf: Path, prefix: Path, dpi: int = 60) -> list[Path]:
    """One PNG per page (`pdftoppm -png -r DPI`), named prefix-1.png, prefix-2.png …"""
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(prefix)], check=True, timeout=120)
    return sorted(prefix.parent.glob(f"{prefix.name}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def pdf_words(pdf: Path) -> list[Word]:
    """Every word of the PDF with its box in points (`pdftotext -bbox`)."""
    with tempfile.TemporaryDirectory() as tmp:
        html = Path(tmp) / "words.html"
        subprocess.run(["pdftotext", "-bbox", str(pdf), str(html)], check=True, timeout=120)
        text = html.read_text(encoding="utf-8")
    words, page = [], 0
    pattern = (
        r'<page [^>]*>|<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    )
    for match in re.finditer(pattern, text):
        if match.group(0).startswith("<page"):
            page += 1
            continue
        box = [float(g) for g in match.groups()[:4]]
        words.append(Word(page, *box, unescape(match.group(5))))
    return words


def pdf_page_count(pdf: Path) -> int:
    return max((w.page for w in pdf_words(pdf)), default=0)


def horizontal_rules(png: Path, dpi: int) -> list[tuple[float, float, float]]:
    """The table's horizontal border lines on a rendered page: (y, x from, x to) in PDF points.

    A pixel row is a rule where a dark run spans at least a quarter of the page: text never
    makes runs that long, cell borders between rows always do (at least across 存在问题…备注).
    """
    from PIL import Image

    image = Image.open(png).convert("L")
    width, height = image.size
    pixels = image.load()
    scale = 72 / dpi
    rules = []
    for y in range(height):
        run_start, best = None, (0, 0)
        for x in range(width + 1):
            dark = x < width and pixels[x, y] < 170
            if dark and run_start is None:
                run_start = x
            elif not dark and run_start is not None:
                if x - run_start > best[1] - best[0]:
                    best = (run_start, x)
                run_start = None
        if best[1] - best[0] >= width / 4:
            rules.append((y * scale, best[0] * scale, best[1] * scale))
    return rules


def words_crossing_rules(words: list[Word], rules: list[tuple[float, float, float]], tolerance: float = 1.5):
    """Words a row border runs through: text that overflowed its cell into the next row."""
    crossing = []
    for word in words:
        middle = (word.x_min + word.x_max) / 2
        for y, x_from, x_to in rules:
            if word.y_min + tolerance < y < word.y_max - tolerance and x_from <= middle <= x_to:
                crossing.append((word, y))
                break
    return crossing
