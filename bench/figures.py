"""Each figure of the suite: what is measured, against which target, beside which floor or peer.

A figure is a dict: name, value (the median), unit, runs (every run's value), target (text),
ok (True/False/None when there is no target) and note. Comparisons are ratios of medians of
runs interleaved in the same process, so a busy machine slows both sides alike.
"""

import json
import os
import platform
import statistics
import subprocess
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

from bench import generate, services

REPO = Path(__file__).resolve().parent.parent
MONTH = "2026-10"
# Each figure's share of a time budget, from what each took at city size on a quiet 2-core machine
# (import CSV ~11 min for 3 runs of app + floor + clean-ups, pages ~5 min, export ~3 min, …).
SHARES = {
    "import": 11,
    "import_xlsx": 4,
    "monthly": 1,
    "quarterly": 1,
    "export": 3,
    "pages": 4,
    "county": 1.5,
}


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def figure(name, value, unit, runs=(), target="", ok=None, note="", **extra) -> dict:
    return {"name": name, "value": value, "unit": unit, "runs": list(runs), "target": target, "ok": ok,
            "note": note, **extra}  # fmt: skip


class Suite:
    def __init__(self, size: str, seed: int, runs: int, facts: dict, log, page_seconds: int = 10):
        self.size, self.seed, self.runs, self.facts, self.log = size, seed, runs, facts, log
        self.page_seconds = page_seconds
        self.import_runs = runs
        self.results: list[dict] = []
        self.load = [os.getloadavg()]
        self.wall: dict[str, float] = {}  # seconds each figure took, to plan run counts within 30 minutes
        self.budget_end: float | None = None  # time.monotonic() by which the whole run should end
        self.deadline: float | None = None  # the current figure's: past it, no further runs

    def run(self, only: list[str], on_figure=None) -> list[dict]:
        """The figures in the order given ("import" is the CSV and then the xlsx figures);
        `on_figure(results)` after each, so an interrupted run still leaves what it measured."""
        names = [
            part for name in only for part in (["import", "import_xlsx"] if name == "import" else [name])
        ]
        for index, name in enumerate(names):
            if not hasattr(self, f"bench_{name}"):
                self.add(figure(f"{name}: unknown figure", "error", "", ok=False, failed=True))
                continue
            self.log(f"--- {name}")
            started = time.monotonic()
            self.deadline = self._deadline(started, names[index:])
            try:
                getattr(self, f"bench_{name}")()
            except Exception as error:  # one broken figure must not lose the others' results
                self.log(traceback.format_exc())
                self.add(figure(f"{name}: failed", "error", "", ok=False, failed=True, note=_describe(error)))
            self.wall[name] = round(time.monotonic() - started, 1)
            self.load.append(os.getloadavg())
            if on_figure is not None:
                on_figure(self.results)
        return self.results

    def _deadline(self, now: float, remaining: list[str]) -> float | None:
        """This figure's part of the time left, in proportion to SHARES: a slow figure takes fewer runs
        instead of leaving the ones after it none."""
        if self.budget_end is None:
            return None
        weights = [SHARES.get(name, 1) for name in remaining]
        return now + max(self.budget_end - now, 0) * weights[0] / sum(weights)

    def rounds(self, count: int):
        """0 … count-1; past the figure's deadline no further round, but always the first (each figure
        lists its runs, so a figure measured fewer times shows it)."""
        for number in range(count):
            if number and self.deadline is not None and time.monotonic() > self.deadline:
                self.log(f"time budget spent: {number} of {count} runs")
                return
            yield number

    def add(self, fig: dict) -> None:
        if self.size == "tiny":  # the targets are for the city and province sizes
            fig["ok"] = None
        self.results.append(fig)
        self.log(f"{fig['name']}: {fig['value']} {fig['unit']} (runs {fig['runs']}) target {fig['target']} "
                 f"{'' if fig['ok'] is None else ('OK' if fig['ok'] else 'MISSED')}")  # fmt: skip

    # --- (a) complaint import ------------------------------------------------------------

    def bench_import(self) -> None:
        from bench import importing

        csv_path, xlsx_path = generate.write_import_files(self.size, self.seed, log=self.log)
        rows = generate.SIZES[self.size].csv_rows
        importing.clean_up()  # what an interrupted run may have left
        app, floor, counts = [], [], {}
        for _ in self.rounds(self.import_runs):
            seconds, counts = importing.app_import(csv_path)
            app.append(seconds)
            cleaning = importing.clean_up()
            floor.append(importing.floor_import(csv_path))
            cleaning += importing.clean_up()
            self.log(f"import CSV run: app {app[-1]:.1f} s, floor {floor[-1]:.1f} s, {counts}; "
                     f"clean-up {cleaning:.0f} s")  # fmt: skip
        ratio = median(app) / median(floor)
        csv_target = 30 * rows / 1_000_000
        self.add(
            figure(
                f"import CSV {rows:,} rows (app)",
                round(median(app), 2),
                "s",
                app,
                f"< {csv_target:g} s",
                median(app) < csv_target,
                json.dumps(counts, ensure_ascii=False),
            )
        )
        self.add(
            figure(
                f"import CSV {rows:,} rows (floor: csv.reader + COPY + INSERT ON CONFLICT)",
                round(median(floor), 2),
                "s",
                floor,
            )
        )
        self.add(figure("import CSV app ÷ floor", round(ratio, 2), "×", [], "≤ 3×", ratio <= 3))
        parse = importing.parse_only(csv_path)
        self.add(figure("import CSV: read + normalise + match only, no writing (part of app)", round(parse, 2),
                        "s", [parse], note="one run; where the app's time goes"))  # fmt: skip

    def bench_import_xlsx(self) -> None:
        from bench import importing

        _csv_path, xlsx_path = generate.write_import_files(self.size, self.seed, log=self.log)

        rows = generate.SIZES[self.size].xlsx_rows
        peer_rows = min(rows, 500)  # ~50 ms a row: 500 rows take half a minute on a quiet machine
        slice_path = importing.xlsx_slice(xlsx_path, peer_rows)
        app, peer = [], []
        for _ in self.rounds(self.import_runs):
            app.append(importing.app_import(xlsx_path)[0])
            importing.clean_up()
            peer.append(importing.peer_import(slice_path) * rows / peer_rows)
            importing.clean_up()
            self.log(f"import xlsx run: app {app[-1]:.1f} s, peer {peer[-1]:.1f} s (scaled)")
        target = 10 * rows / 100_000
        self.add(figure(f"import xlsx {rows:,} rows (app)", round(median(app), 2), "s", app, f"< {target:g} s",
                        median(app) < target))  # fmt: skip
        note = (
            f"measured on the first {peer_rows:,} rows, scaled ×{rows / peer_rows:g}"
            if peer_rows < rows
            else ""
        )
        self.add(figure(f"import xlsx {rows:,} rows (peer: django-import-export Resource)",
                        round(median(peer), 1), "s", [round(p, 1) for p in peer], note=note))  # fmt: skip
        speedup = median(peer) / median(app)
        self.add(figure("import xlsx peer ÷ app", round(speedup, 1), "×", [], "≥ 10×", speedup >= 10))

    # --- (b) monthly computation -----------------------------------------------------------

    def bench_monthly(self) -> None:
        from campaigns.models import Action, Campaign
        from complaints import monthly, rules
        from complaints.models import MonthlyRun

        campaign = Campaign.objects.get(slug="bench")
        previous = rules.shift_month(MONTH, -1)
        if not MonthlyRun.objects.filter(campaign=campaign, month=previous).exists():
            started = time.perf_counter()
            monthly.compute_month(campaign, previous)
            history = time.perf_counter() - started
            self.add(figure("monthly: the 23 earlier months, computed once", round(history, 1), "s"))
        runs = []
        for _ in self.rounds(self.runs):
            MonthlyRun.objects.filter(campaign=campaign, month=MONTH).delete()
            Action.objects.filter(campaign=campaign, period=MONTH, status=Action.Status.PROPOSED).delete()
            started = time.perf_counter()
            run = monthly.compute_month(campaign, MONTH)
            runs.append(time.perf_counter() - started)
        ok = median(runs) < 2 if self.size == "province" else None
        note = f"{run.total_complaints:,} complaints in the month, {run.ranked_projects:,} projects ranked"
        self.add(figure(f"monthly computation of {MONTH}", round(median(runs), 2), "s", runs,
                        "< 2 s at province size", ok, note))  # fmt: skip
        rerun = []
        for _ in self.rounds(self.runs):
            started = time.perf_counter()
            monthly.compute_month(campaign, MONTH)
            rerun.append(time.perf_counter() - started)
        self.add(figure(f"monthly computation of {MONTH}, rerun", round(median(rerun), 2), "s", rerun))

    # --- (c) quarterly computation ---------------------------------------------------------

    def bench_quarterly(self) -> None:
        from campaigns.models import Action, Campaign
        from scoring import quarterly
        from scoring.models import ScoreRun

        campaign = Campaign.objects.get(slug="bench")
        runs = []
        for _ in self.rounds(self.runs):
            # From scratch, as the quarter is computed the first time: its run (and with it every score,
            # list and rating) and the proposals nobody has decided yet are deleted, outside the timing.
            ScoreRun.objects.filter(campaign=campaign, quarter=generate.QUARTER).delete()
            Action.objects.filter(
                campaign=campaign, period=generate.QUARTER, status=Action.Status.PROPOSED
            ).delete()
            started = time.perf_counter()
            run = quarterly.compute_quarter(campaign, generate.QUARTER)
            runs.append(time.perf_counter() - started)
        ok = median(runs) < 30 if self.size == "province" else None
        summary = run.summary
        note = (f"{summary.get('projects', 0):,} projects, {summary.get('red', 0)} red, {summary.get('black', 0)} "
                f"black, {summary.get('actions', 0)} actions, each run from scratch")  # fmt: skip
        self.add(figure(f"quarterly computation of {generate.QUARTER}", round(median(runs), 2), "s", runs,
                        "< 30 s at province size", ok, note))  # fmt: skip
        rerun = []
        for _ in self.rounds(self.runs):
            started = time.perf_counter()
            quarterly.compute_quarter(campaign, generate.QUARTER)
            rerun.append(time.perf_counter() - started)
        self.add(figure(f"quarterly computation of {generate.QUARTER}, rerun", round(median(rerun), 2), "s", rerun,
                        note="the same data again: only what changed is written"))  # fmt: skip

    # --- (d) ledger export -----------------------------------------------------------------

    def bench_export(self) -> None:
        limit = min(100_000, self.facts["items"])
        app, peer = [], []
        with tempfile.TemporaryDirectory() as folder:
            for _ in self.rounds(self.runs):
                app.append(_worker("export-app", f"{folder}/app.xlsx", limit))
                peer.append(_worker("export-peer", f"{folder}/peer.xlsx", limit))
        seconds = [r["seconds"] for r in app]
        rss = [r["peak_rss_mb"] for r in app]
        target = 15 * limit / 100_000
        note = f"{app[0]['items']:,} items, {app[0]['merged_ranges']:,} merged ranges, {app[0]['file_mb']} MB"
        self.add(figure(f"ledger export {limit:,} items, seed 001 template (app)", round(median(seconds), 2), "s",
                        seconds, f"< {target:g} s", median(seconds) < target, note))  # fmt: skip
        self.add(
            figure(
                "ledger export worker peak RSS (app)", median(rss), "MB", rss, "< 200 MB", median(rss) < 200
            )
        )
        peer_seconds = [r["seconds"] for r in peer]
        self.add(figure(f"ledger export {limit:,} items (peer: django-import-export xlsx)",
                        round(median(peer_seconds), 2), "s", peer_seconds,
                        note=f"peak RSS {median([r['peak_rss_mb'] for r in peer])} MB, "
                             f"{peer[0]['merged_ranges']} merged ranges (no template)"))  # fmt: skip
        ratio = median(peer_seconds) / median(seconds)
        self.add(figure("ledger export peer ÷ app", round(ratio, 2), "×", [], "> 1×", ratio > 1))

    # --- (e) pages under load --------------------------------------------------------------

    def bench_pages(self) -> None:
        from bench import pages

        for fig in pages.measure(self.size, self.rounds, self.runs, self.page_seconds, self.log):
            self.add(fig)

    # --- (f) the embedded default at county size --------------------------------------------

    def bench_county(self) -> None:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        env["VAR_DIR"] = str(services.BENCH_DIR / "sqlite-county")
        env["DEBUG"] = "0"
        runs = len(list(self.rounds(self.runs)))
        out = subprocess.run([_python(), "-m", "bench.county", str(runs)], cwd=REPO, env=env,
                             capture_output=True, text=True, check=True)  # fmt: skip
        # The first run builds the county with load_demo: part of a fresh checkout's time.
        for line in out.stderr.splitlines():
            if line.startswith("load_demo"):
                self.log(line)
        for fig in json.loads(out.stdout.strip().splitlines()[-1]):
            self.add(fig)

    # --- where and with what ---------------------------------------------------------------

    def environment(self) -> dict:
        return environment(self.size, self.facts, self.load, self.wall)


def _describe(error: Exception) -> str:
    """The error in one line, with the end of a child process's stderr (where its traceback is)."""
    text = f"{type(error).__name__}: {error}"
    stderr = getattr(error, "stderr", None)
    if stderr:
        text += " — " + " / ".join(stderr.strip().splitlines()[-3:])
    return text


def _python() -> str:
    import sys

    return sys.executable


def _worker(task: str, out: str, limit: int) -> dict:
    result = subprocess.run([_python(), "-m", "bench.worker", task, out, str(limit)], cwd=REPO,
                            capture_output=True, text=True, check=True)  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])


def _version(module: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(module)
    except PackageNotFoundError:
        return "—"


def _command(args: list[str]) -> str:
    try:
        out = subprocess.run(args, capture_output=True, text=True, timeout=10)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "—"


def environment(size: str, facts: dict, load: list, wall: dict | None = None) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        pg = cursor.fetchone()[0].split(" on ")[0]
        counts = generate.complaint_years(cursor)
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())  # fmt: skip
    mem_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")))  # fmt: skip
    commit = _command(["git", "-C", str(REPO), "rev-parse", "HEAD"])
    # The run's own result files (written after each figure) are not a change to what is measured.
    status = [
        "git",
        "-C",
        str(REPO),
        "status",
        "--porcelain",
        "--untracked-files=no",
        "--",
        ".",
        ":!bench/results",
    ]
    dirty = bool(_command(status).strip("—"))
    return {
        "size": size,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": commit,
        "git_dirty": dirty,
        "machine": {
            "nproc": os.cpu_count(),
            "ram_gb": round(mem_kb / 1024 / 1024, 1),
            "cpu": cpu,
            "kernel": platform.release(),
            "load_average_1_5_15": [list(map(lambda x: round(x, 2), la)) for la in load],
        },  # fmt: skip
        "seconds_per_figure": wall or {},
        "versions": {
            "python": platform.python_version(),
            "django": _version("django"),
            "postgresql": pg,
            "psycopg": _version("psycopg"),
            "openpyxl": _version("openpyxl"),
            "xlsxwriter": _version("xlsxwriter"),
            "python-calamine": _version("python-calamine"),
            "django-import-export": _version("django-import-export"),
            "tablib": _version("tablib"),
            "gunicorn": _version("gunicorn"),
            "redis-server": _command(["redis-server", "--version"]),
            "wrk": _command(["wrk", "-v"]),
        },  # fmt: skip
        "postgresql_settings": services.PG_SETTINGS
        if not os.environ.get("ZZT_BENCH_EXTERNAL_DB")
        else "external",
        "data": {**facts, **counts},
    }
