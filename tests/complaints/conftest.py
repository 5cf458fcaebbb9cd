"""Fixtures for complaint tests: write export files the way 12345 systems do."""

import csv
import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from complaints.excel import FIELD_LABELS
from complaints.importing import create_batch, run_import

HEADER = list(FIELD_LABELS.values())


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8", header=HEADER) -> Path:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list], header=HEADER, title: str | None = None) -> Path:
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def do_import(path: Path, user=None, channel: str = "12345"):
    batch = create_batch(user, channel, path.name, digest="test")
    batch, _ = run_import(batch, path, user)
    return batch


def row(
    ticket,
    when="2024-07-03 09:12:00",
    township="城关街道",
    name="阳光花园",
    address="",
    status="已办结",
    satisfaction="满意",
    category="物业服务",
    content="电梯故障",
    channel="",
):
    return [ticket, when, township, name, address, category, content, status, satisfaction, channel]


@pytest.fixture
def export_dir(tmp_path) -> Path:
    return tmp_path


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _media(media_root):
    """Every test writes its batch files and reports into a throw-away media root."""
