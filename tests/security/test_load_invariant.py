"""The load test's write check (tests/hard/test_load.py) must see a lost, a doubled, a leaked and a stray write;
the load test itself runs only under `make test-hard`, so its checker is proved here, fast."""

from tests.hard.test_load import check_writes, percentile

EMPTY = {"item": {}, "move": {}, "note": {}, "resident_report": {}}


def write(kind: str, marker: str, accepted: bool = True, status: int = 200) -> dict:
    return {"kind": kind, "marker": marker, "status": status, "accepted": accepted}


def stored(**where) -> dict:
    return EMPTY | where


def test_every_accepted_write_once_and_every_refused_one_nowhere_passes():
    writes = [
        write("item_form", "a", status=302),
        write("item_api", "b", status=201),
        write("note", "c", False, 409),
    ]
    assert check_writes(writes, stored(item={"a": 1, "b": 1})) == []


def test_a_lost_write_is_reported():
    (problem,) = check_writes([write("move", "m")], stored())
    assert "move m" in problem and "0 rows" in problem


def test_a_doubled_write_is_reported():
    (problem,) = check_writes([write("resident_report", "r", status=302)], stored(resident_report={"r": 2}))
    assert "2 rows" in problem


def test_a_refused_write_that_left_a_row_is_reported():
    (problem,) = check_writes([write("note", "n", accepted=False, status=409)], stored(note={"n": 1}))
    assert "accepted=False" in problem and "1 rows" in problem


def test_a_row_of_the_run_that_nobody_sent_is_reported():
    (problem,) = check_writes([], stored(item={"x": 1}))
    assert "never sent" in problem


def test_a_marker_counts_only_where_its_kind_writes():
    """A note's marker found among ledger items is not the note: the note is lost and the item a stray."""
    assert len(check_writes([write("note", "n")], stored(item={"n": 1}))) == 2


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))
    assert (percentile(values, 0.5), percentile(values, 0.95), percentile(values, 1.0)) == (50, 95, 100)
    assert percentile([], 0.95) == 0.0
