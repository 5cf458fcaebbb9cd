"""Hostile and wrong spreadsheets against what each upload page does in the web request.

Issue 18 item 3: an 18 MB .xlsx holding a 290 MB sheet was read whole before "表头不符" (ledger
4 s/+441 MB, complaints 4.7 s/+459 MB, scores 20.7 s/+156 MB, roster 77.5 s/+553 MB). The target:
every hostile or wrong file refused in under 2 s and under 200 MB of extra memory. The files are
generated on the fly; each check runs in a fresh process so its peak RSS is its own.

    .venv/bin/python bench/hostile_uploads.py [--sheet-mb 290] [--keep DIR]

Prints one line per (file, import): outcome, seconds, extra peak RSS in MB.
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# What each upload page runs on the file inside the request (the worker reads the rest later).
CHECKS = {
    "complaints": "from complaints.excel import check_header as c; c(fh, 'f.xlsx')",
    "roster": "from orgs.excel import check_roster_header as c; c(fh)",
    "scores": "from scoring.excel import check_header as c; c(fh, 'satisfaction')",
    # The ledger page stores the file and hashes it; its preview job reads it (ledgers/ledger_import.py).
    "ledger": "from ledgers.ledger_import import file_digest as c; c(fh)",
    # The complaint worker's whole read (preview and import) starts with the same head check.
    "complaints worker": "from complaints.excel import open_table as c; from pathlib import Path; c(Path(fh.name))",
}

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def big_sheet(path: Path, sheet_mb: int, header: list[str]) -> Path:
    """An .xlsx whose one sheet inflates to `sheet_mb` MB of rows of small random numbers: it compresses
    about 16×, like the 18 MB file holding a 290 MB sheet of the outside test."""
    rng = random.Random(7)
    pool = []
    for _ in range(4096):
        cells = "".join(f'<c t="n" s="1"><v>{rng.randrange(100)}</v></c>' for _ in range(12))
        pool.append(f"<row>{cells}</row>".encode())
    head = "".join(f'<c t="inlineStr"><is><t>{h}</t></is></c>' for h in header)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                        b'spreadsheetml/2006/main"><sheetData>')  # fmt: skip
            sheet.write(f"<row>{head}</row>".encode())
            written, target = 0, sheet_mb * 2**20
            while written < target:
                block = b"".join(rng.choices(pool, k=256))
                sheet.write(block)
                written += len(block)
            sheet.write(b"</sheetData></worksheet>")
    return path


def zip_bomb(path: Path) -> Path:
    """1 GB of zeros in one entry (about 1 MB compressed)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            zeros = b"\0" * 2**20
            for _ in range(1024):
                sheet.write(zeros)
    return path


def renamed_exe(path: Path) -> Path:
    path.write_bytes(b"MZ\x90\x00" + os.urandom(2**20))
    return path


def measure(kind: str, path: Path) -> dict:
    """Run one check in a fresh process: outcome, seconds, peak RSS above the process's baseline."""
    code = f"""
import json, resource, sys, time, django
django.setup()
import complaints.excel, orgs.excel, scoring.excel, ledgers.ledger_import
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
outcome = "accepted"
try:
    with open({str(path)!r}, "rb") as fh:
        {CHECKS[kind]}
except Exception as exc:
    outcome = "refused: " + str(exc)[:70]
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"outcome": outcome, "seconds": seconds, "extra_mb": (peak - base) / 1024}}))
"""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheet-mb", type=int, default=290)
    parser.add_argument("--keep", type=Path, help="write the files here and keep them")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="hostile-"))
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    files = {
        f"{args.sheet_mb} MB sheet, wrong header": big_sheet(
            folder / "wrong.xlsx", args.sheet_mb, ["姓名", "电话"]
        ),
        "zip bomb (1 GB of zeros)": zip_bomb(folder / "bomb.xlsx"),
        "renamed .exe": renamed_exe(folder / "setup.xlsx"),
    }
    print(f"files written in {time.perf_counter() - started:.1f} s to {folder}")
    for label, path in files.items():
        with zipfile.ZipFile(path) if zipfile.is_zipfile(path) else open(os.devnull) as archive:
            inflated = (
                sum(i.file_size for i in archive.infolist()) if isinstance(archive, zipfile.ZipFile) else 0
            )
        print(f"\n{label}: {path.stat().st_size / 2**20:.1f} MB on disk, {inflated / 2**20:.0f} MB inflated")
        for kind in CHECKS:
            m = measure(kind, path)
            print(f"  {kind:<18} {m['seconds']:6.2f} s  +{m['extra_mb']:6.1f} MB  {m['outcome']}")
    if args.keep is None:
        for path in files.values():
            path.unlink()
        folder.rmdir()
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"\nlargest child process peak RSS: {peak:.0f} MB")


if __name__ == "__main__":
    main()
