"""The benchmark's bookkeeping: how a load run's failures are counted and how results reach the README."""

import json

import pytest

from bench import pages, report


def _wrk(**values):
    run = {"requests": 300, "seconds": 15.0, "p50_ms": 40.0, "p95_ms": 120.0, "p99_ms": 150.0, "max_ms": 170.0,
           "non200": 0, "timeouts": 0, "socket_errors": 0}  # fmt: skip
    return pages.bounded({**run, **values}, 15, None)


def test_a_run_whose_requests_timed_out_reports_p95_only_as_a_lower_bound():
    assert "p95_at_least" not in _wrk(timeouts=15)  # 15 of 315: under 5%, wrk's p95 still stands
    run = _wrk(timeouts=40)
    assert run["p95_at_least"] and run["p95_ms"] == pages.TIMEOUT_S * 1000
    stalled = _wrk(requests=0, p95_ms=0.0, timeouts=20)
    assert stalled["stalled"] and stalled["p95_ms"] == pages.TIMEOUT_S * 1000
    # Nothing finished in a 3 s run with 0.5–1.5 s pauses, nothing timed out either: each took ≥ 1.5 s.
    short = pages.bounded({**_wrk(), "requests": 0, "p95_ms": 0.0}, 3, (500, 1500))
    assert short["stalled"] and short["p95_ms"] == 1500.0 and short["p95_at_least"]


def test_a_page_figure_tells_answers_that_were_not_200_from_timeouts_and_fails_on_either():
    checked = {"queries": [9], "single_request_ms": 30.0}
    clean = pages._load_figure("complaint list", ["/c/"], 15, "with no pause", [_wrk(), _wrk()], checked)
    assert clean["ok"] and clean["value"] == 120.0 and not clean["at_least"]
    slow = [_wrk(non200=2), _wrk(timeouts=60), _wrk(requests=0, timeouts=20)]
    fig = pages._load_figure("complaint list", ["/c/"], 15, "with no pause", slow, checked)
    assert fig["errors"] == {"non200": 2, "timeouts": 80, "socket_errors": 0}
    assert fig["at_least"] and fig["value"] == pages.TIMEOUT_S * 1000 and not fig["ok"]
    assert (
        "2 answers not 200, 80 timeouts" in fig["note"] and "1 runs in which nothing answered" in fig["note"]
    )
    assert report.value_text(fig) == "≥ 10000.0 ms"


def _env(date="2026-12-02T15:40:00+00:00"):
    return {"date": date, "git_commit": "0123456789abcdef", "git_dirty": False, "runs": 3, "complete": True,
            "seconds_total": 1500, "data": {"projects": 5000},
            "machine": {"nproc": 2, "cpu": "x", "ram_gb": 23.5, "load_average_1_5_15": [[1.5, 1, 1], [2.25, 1, 1]]},
            "versions": {"python": "3.13"}}  # fmt: skip


@pytest.fixture
def results(tmp_path):
    folder = tmp_path / "results"
    figures = [
        {"name": "monthly computation of 2026-10", "value": 1.5, "unit": "s", "runs": [1.4, 1.5, 1.6],
         "target": "< 2 s", "ok": True, "note": ""},
        {"name": "pages: failed", "value": "error", "unit": "", "runs": [], "target": "", "ok": False,
         "failed": True, "note": "RuntimeError: boom"},
    ]  # fmt: skip
    report.Saver("city", folder).save(figures, _env())
    # A partial run written by an older report.py: no "Raw results" line, so the newest JSON is used.
    folder.joinpath("LATEST-province-monthly.md").write_text("# Benchmarks: province-monthly\n")
    old = {
        "environment": _env("2026-12-01T10:00:00+00:00"),
        "figures": [dict(figures[0], value=9.0, ok=False)],
    }
    new = {
        "environment": _env("2026-12-02T11:00:00+00:00"),
        "figures": [dict(figures[0], value=3.0, ok=False)],
    }
    folder.joinpath("province-monthly-2026-12-01T1000.json").write_text(json.dumps(old))
    folder.joinpath("province-monthly-2026-12-02T1100.json").write_text(json.dumps(new))
    # An older partial city run whose only figure the full run measured again: superseded, left out.
    older = {"environment": _env("2026-12-02T09:00:00+00:00"), "figures": [dict(figures[0], value=7.0)]}
    folder.joinpath("LATEST-city-compute.md").write_text("Raw results: `city-compute-2026-12-02T0900.json`\n")
    folder.joinpath("city-compute-2026-12-02T0900.json").write_text(json.dumps(older))
    # Another tool's results in the same folder, in its own format: not a bench.run file, left out.
    folder.joinpath("LATEST-loadtest.md").write_text("# Load test\n")
    folder.joinpath("loadtest-2026-12-02T1420.json").write_text(json.dumps({"summary": {"p95_ms": 5871.7}}))
    return folder


def test_the_readme_block_is_rebuilt_from_every_latest_file_and_nothing_else_changes(results, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# 整治通\n\n前文\n\n{report.BEGIN}\n旧的表\n{report.END}\n\n后文\n", encoding="utf-8")
    report.rewrite_readme(readme, results)
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# 整治通\n\n前文\n\n") and text.endswith("\n\n后文\n") and "旧的表" not in text
    assert "| monthly computation of 2026-10 | 1.5 s | < 2 s | OK |" in text
    assert "| pages: failed | error |  | FAILED |" in text
    assert "| monthly computation of 2026-10 | 3.0 s | < 2 s | MISSED |" in text  # the newer JSON
    assert "9.0 s" not in text and "7.0 s" not in text and "`compute`" not in text and "loadtest" not in text
    assert text.index("市级 city") < text.index("省级 province，部分运行 `monthly`")
    assert "1 分钟负载 1.5–2.25" in text and "全程 25.0 分钟" in text
    report.rewrite_readme(readme, results)
    assert readme.read_text(encoding="utf-8") == text  # rebuilding changes nothing


def test_a_readme_without_the_markers_is_refused(results, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# 整治通\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        report.rewrite_readme(readme, results)


def test_a_partial_run_says_so_and_how_to_reproduce_it(tmp_path):
    saver = report.Saver("province-pages", tmp_path)
    saver.save([], {**_env(), "complete": False, "only": ["pages", "county"]})
    text = saver.latest.read_text(encoding="utf-8")
    assert "partial" in text
    assert 'make bench SIZE=province BENCH_ARGS="--only pages,county --label pages"' in text
    assert (
        report.reproduce("city", ["import", "monthly", "quarterly", "export", "pages", "county"])
        == "make bench"
    )
    assert f"Raw results: `{saver.data.name}`" in text


def test_a_figure_that_breaks_is_recorded_as_failed_and_the_next_figures_still_run(monkeypatch):
    from bench import figures

    suite = figures.Suite("city", 7, runs=3, facts={}, log=lambda _text: None)
    saved = []

    def boom():
        raise RuntimeError("数据库连接中断")

    def fine():
        suite.add(figures.figure("quarterly computation", 1.0, "s", [1.0], "< 30 s", True))

    monkeypatch.setattr(suite, "bench_monthly", boom, raising=False)
    monkeypatch.setattr(suite, "bench_quarterly", fine, raising=False)
    results = suite.run(["monthly", "quarterly", "nonsense"], on_figure=lambda r: saved.append(len(r)))
    assert [r["name"] for r in results] == [
        "monthly: failed",
        "quarterly computation",
        "nonsense: unknown figure",
    ]
    assert results[0]["failed"] and "RuntimeError: 数据库连接中断" in results[0]["note"]
    assert report.verdict(results[0]) == "FAILED"
    assert saved == [1, 2]  # written after each figure that ran
    assert set(suite.wall) == {"monthly", "quarterly"}


def test_past_the_time_budget_each_figure_gets_one_run():
    import time

    from bench import figures

    suite = figures.Suite("city", 7, runs=3, facts={}, log=lambda _text: None)
    assert list(suite.rounds(3)) == [0, 1, 2]
    suite.deadline = time.monotonic() - 1
    assert list(suite.rounds(3)) == [0]


def test_the_time_left_is_shared_among_the_remaining_figures_by_their_usual_cost():
    from bench import figures

    suite = figures.Suite("city", 7, runs=3, facts={}, log=lambda _text: None)
    assert suite._deadline(1000.0, ["import", "pages"]) is None  # no budget: no deadline
    suite.budget_end = 1170.0
    share = figures.SHARES["import"] / (figures.SHARES["import"] + figures.SHARES["pages"])
    assert suite._deadline(1000.0, ["import", "pages"]) == pytest.approx(1000 + 170 * share)
    assert suite._deadline(1200.0, ["county"]) == 1200.0  # over budget: one run each, never a negative share
