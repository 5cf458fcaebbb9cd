"""Cells of a hand-filled ledger read the way the officer meant them (ledgers/cell_values.py)."""

from datetime import date, datetime

import pytest

from ledgers.cell_values import Deadline, parse_deadline, problem_key, same_lines, split_progress

TODAY = date(2026, 12, 8)


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("长期坚持", Deadline(None, "长期坚持")),
        ("立行立改", Deadline(TODAY, "立行立改")),
        ("2026年12月底前", Deadline(date(2026, 12, 31))),
        ("2027年2月底", Deadline(date(2027, 2, 28))),
        ("12月底", Deadline(date(2026, 12, 31))),
        ("6月30日前", Deadline(date(2026, 6, 30))),
        ("年底前", Deadline(date(2026, 12, 31))),
        ("2027年底", Deadline(date(2027, 12, 31))),
        ("2026.12.31", Deadline(date(2026, 12, 31))),
        ("2026/12/31", Deadline(date(2026, 12, 31))),
        ("２０２６年１２月３１日", Deadline(date(2026, 12, 31))),  # full-width digits
        (" 2026 - 1 - 5 ", Deadline(date(2026, 1, 5))),
        (46387.0, Deadline(date(2026, 12, 31))),  # a date cell saved as General
        ("46387", Deadline(date(2026, 12, 31))),
        (datetime(2026, 12, 31, 0, 0), Deadline(date(2026, 12, 31))),
        ("", Deadline(None)),
        (None, Deadline(None)),
    ],
)
def test_deadlines_as_people_write_them_are_read(written, read):
    assert parse_deadline(written, TODAY) == read


@pytest.mark.parametrize("written", ["明年", "2026年13月", "2月30日", "3", "尽快"])
def test_a_deadline_that_is_not_a_date_is_refused_with_a_reason(written):
    with pytest.raises(ValueError, match="完成时限"):
        parse_deadline(written, TODAY)


@pytest.mark.parametrize(
    ("typed", "state", "note"),
    [
        ("已销号：已整改完毕，经现场复查合格", "closed", "已整改完毕，经现场复查合格"),
        ("整改中", "in_progress", ""),
        ("待验收，等待街道复查", "submitted", "等待街道复查"),
        ("待整改: 已通知物业", "registered", "已通知物业"),
        ("已联系施工队", None, "已联系施工队"),
        ("", None, ""),
    ],
)
def test_a_leading_state_in_progress_is_split_from_the_note(typed, state, note):
    assert split_progress(typed) == (state, note)


def test_line_endings_and_width_do_not_make_text_different():
    assert same_lines("第一行\r\n第二行 ") == same_lines("第一行\n第二行")
    assert problem_key("消防通道　被占用\r\n（３处）") == problem_key("消防通道被占用\n(3处)")
