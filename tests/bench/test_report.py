"""The benchmark's bookkeeping: how a load run's failures are counted and how results reach the README."""

import json

import pytest

from bench import pages, report


def _wrk(**values):
    run = {"requests": 300, "seconds": 15.0, "p50_ms": 40.0, "p95_ms": 120.0, "p99_ms": 150.0, "max_ms": 170.0,
           "non200": 0, "timeouts": 0, "socket_errors": 0}  # fmt: skip
    return pages.bounded({**run, **values}, 15)


def test_a_run_whose_requests_timed_out_reports_p95_only_as_a_lower_bound():
    assert "p95_at_least" not in _wrk(timeouts=15)  # 15 of 315: under 5%, the measured p95 still stands
    run = _wrk(timeouts=40)
    assert run["p95_at_least"] and run["p95_ms"] == pages.TIMEOUT_S * 1000
    stalled = _wrk(requests=0, p95_ms=0.0, timeouts=20)
    assert stalled["stalled"] and stalled["p95_ms"] == pages.TIMEOUT_S * 1000
    # Nothing finished in a 3 s run and nothing timed out either: each took at least the run's 3 s.
    short = pages.bounded({**_wrk(), "requests": 0, "p95_ms": 0.0}, 3)
    assert short["stalled"] and short["p95_ms"] == 3000.0 and short["p95_at_least"]


def _record(start, ms, status=200, timed_out=False):
    return [start, ms, status, timed_out]


def test_a_locust_run_is_counted_from_the_end_of_its_warm_up_with_each_kind_of_error_apart():
    warm = [_record(0.5, 5000.0), _record(4.9, 0.0, 0, True)]  # started in the warm-up: not counted
    answered = [_record(5 + i / 100, float(ms)) for i, ms in enumerate(range(1, 98))]  # 1 … 97 ms
    answered += [_record(30, 300.0, 302), _record(31, 400.0, 500), _record(32, 500.0)]  # 100 answers
    lost = [_record(40, 10000.0, 0, True), _record(41, 2.0, 0, False)]  # a timeout, a refused connection
    run = pages.summarise(warm + answered + lost, warm_up=5, seconds=60)
    assert run["requests"] == 100 and run["seconds"] == 60.0
    assert (run["non200"], run["timeouts"], run["socket_errors"]) == (2, 1, 1)  # the redirect is not a 200
    # Exact nearest-rank percentiles over the answers (200 or not), the lost requests left out.
    assert (run["p50_ms"], run["p95_ms"], run["p99_ms"], run["max_ms"]) == (50.0, 95.0, 400.0, 500.0)
    assert "p95_at_least" not in run


def test_a_locust_run_in_which_many_requests_timed_out_or_nothing_answered_is_a_lower_bound():
    mostly_lost = [_record(10, 50.0)] * 10 + [_record(11, 10000.0, 0, True)] * 2
    run = pages.summarise(mostly_lost, warm_up=5, seconds=60)
    assert run["timeouts"] == 2 and run["p95_at_least"] and run["p95_ms"] == pages.TIMEOUT_S * 1000
    refused = pages.summarise([_record(10, 1.0, 0, False)] * 20, warm_up=5, seconds=60)
    assert refused["stalled"] and refused["socket_errors"] == 20 and refused["requests"] == 0
    assert pages.summarise([], warm_up=5, seconds=60)["stalled"]


def test_exceptions_raised_in_the_locustfile_are_read_from_locusts_csv(tmp_path):
    assert pages.locust_exceptions(tmp_path / "none_exceptions.csv") == []
    path = tmp_path / "run_exceptions.csv"
    path.write_text(
        "Count,Message,Traceback,Nodes\n"
        '3,"KeyError(\'paths\')","Traceback (most recent call last):\n  File ""x.py""\n",local\n',
        encoding="utf-8",
    )
    assert pages.locust_exceptions(path) == ["3× KeyError('paths')"]


def test_only_the_paused_figure_carries_the_target_and_both_tell_answers_that_were_not_200_from_timeouts():
    checked = {"queries": [9], "single_request_ms": 30.0}
    alone = {"p95_ms": 40.0}
    clean = pages._load_figure("complaint list", ["/c/"], 60, pages.PAUSED, [_wrk(), _wrk()], checked, alone)
    assert (
        clean["ok"] and clean["value"] == 120.0 and not clean["at_least"] and clean["target"] == pages.TARGET
    )
    assert clean["name"] == "page p95, complaint list (20 users pausing 1–3 s, locust, 2 workers, 60 s)"
    assert "one user alone with no pause: p95 40.0 ms, so 20 users pausing add 3.0×" in clean["note"]
    assert report.value_text(clean) == "120.0 ms at 20 req/s"
    stress = pages._load_figure("complaint list", ["/c/"], 15, pages.NO_PAUSE, [_wrk(), _wrk()], checked)
    assert stress["ok"] is None and report.verdict(stress) == "" and stress["target"].startswith("none")
    assert stress["name"].startswith("page stress p95, complaint list (20 users with no pause, wrk")
    slow = [_wrk(non200=2), _wrk(timeouts=60), _wrk(requests=0, timeouts=20)]
    for mode in (pages.PAUSED, pages.NO_PAUSE):
        fig = pages._load_figure("complaint list", ["/c/"], 15, mode, slow, checked)
        assert fig["errors"] == {"non200": 2, "timeouts": 80, "socket_errors": 0}
        assert fig["at_least"] and fig["value"] == pages.TIMEOUT_S * 1000 and fig["ok"] in (False, None)
        assert "2 answers not 200, 80 timeouts" in fig["note"]
        assert "1 runs in which nothing answered" in fig["note"]
        assert report.value_text(fig) == "≥ 10000.0 ms at 20 req/s"
    assert pages._load_figure("complaint list", ["/c/"], 15, pages.PAUSED, slow, checked)["ok"] is False


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


def test_a_newer_run_of_a_page_supersedes_every_load_mode_of_an_older_run_of_it(tmp_path):
    def page(name, value, target="< 200 ms, 0 errors", ok=False, **extra):
        return {"name": name, "value": value, "unit": "ms", "runs": [value], "target": target, "ok": ok,
                "note": "", **extra}  # fmt: skip

    old = [
        page("page p95, ranking page (20 users clicking every 0.5–1.5 s, 2 workers, 10 s)", 822.9),
        page("page p95, ranking page (20 users with no pause, 2 workers, 10 s)", 376.1, rps=50.0),
        page("page p95, project page (20 users with no pause, 2 workers, 10 s)", 236.4, rps=80.0),
        page("page p95, complaint list (20 users clicking every 0.5–1.5 s, 2 workers, 10 s)", 778.6),
    ]
    new = [
        page("page p95, ranking page (20 users pausing 1–3 s, locust, 2 workers, 60 s)", 150.0, ok=True, rps=9.5),
        page("page stress p95, ranking page (20 users with no pause, wrk, 2 workers, 10 s)", 380.0,
             target="none: stress, informational", ok=None, rps=52.1),
        page("page p95, project page: failed", "error", target="", failed=True, unit=""),
    ]  # fmt: skip
    folder = tmp_path / "results"
    report.Saver("province-pages", folder).save(old, _env("2026-12-02T14:59:00+00:00"))
    report.Saver("province", folder).save(new, _env("2026-12-02T18:00:00+00:00"))
    block = report.readme_block(report.latest_runs(folder))
    assert "822.9" not in block and "376.1" not in block  # the older run's ranking page, in both modes
    assert "| page p95, ranking page (20 users pausing 1–3 s, locust, 2 workers, 60 s) | 150.0 ms at 9.5 req/s" \
        " | < 200 ms, 0 errors | OK |" in block  # fmt: skip
    assert "| 380.0 ms at 52.1 req/s | none: stress, informational |  |" in block
    # A page that failed this time supersedes nothing: its last measured figure stays beside the failure.
    assert "| page p95, project page: failed | error |" in block
    # An older page figure still shown is judged by today's rule: the no-pause mode is the stress figure,
    # wrk's clicking mode is withdrawn; neither has a target or a verdict, and the values stay.
    assert "| 236.4 ms at 80 req/s | none: stress, informational |  |" in block
    assert "| 778.6 ms | none: withdrawn (wrk kept workers waiting) |  |" in block
    assert "MISSED" not in block
