"""Load test (issue 8, "Load and faults"): every role reads and writes at once against gunicorn at city size.

gunicorn (2 workers, 127.0.0.1 only) serves a PostgreSQL database holding the demo city
(`load_demo --size city`: 5,000 projects, 231k complaints, one account per role). locust runs
tests/hard/locustfile.py headless for a bounded time; afterwards the database must hold every write
the server accepted exactly once and none of those it refused, and locust must count 0 failures.
The figures (p50, p95, p99, requests, error rate) go to bench/results/ beside the benchmarks'.

Servers: the hard suite's own PostgreSQL and Redis (`stack`, `app_factory` in conftest.py). The demo
city is loaded there (≈4 min), unless LOADTEST_DATABASE_URL names a database already holding it
(written to, with markers unique to the run). LOADTEST_USERS / LOADTEST_TIME change the load.
"""

import csv
import json
import math
import os
import platform
import re
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

pytestmark = pytest.mark.hard

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
RESULTS = REPO / "bench" / "results"
USERS = int(os.environ.get("LOADTEST_USERS", "20"))
SPAWN_RATE = 5
DURATION = os.environ.get("LOADTEST_TIME", "120s")
WORKERS = 2


@pytest.fixture(scope="module")
def city_database(stack) -> str:
    """The demo city on the suite's own PostgreSQL (tests/hard/conftest.py), or LOADTEST_DATABASE_URL."""
    given = os.environ.get("LOADTEST_DATABASE_URL")
    if given:
        return given
    url = stack.empty_database("zzt_load")
    for args in (["migrate", "--noinput", "-v", "0"], ["load_demo", "--size", "city", "--seed", "1"]):
        subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env=stack.env(url), check=True)
    return url


@pytest.fixture
def server(city_database, app_factory) -> str:
    """gunicorn as in production (2 sync workers, DEBUG off) on a free 127.0.0.1 port; no Celery worker:
    no write of the mix waits for a task."""
    # All simulated residents come from 127.0.0.1, where real ones come from many addresses.
    app = app_factory(city_database, web=False, worker=False, RESIDENT_REPORTS_PER_IP_HOUR="1000000")
    app.start_web(workers=WORKERS)
    return app.base_url


@dataclass
class Run:
    """One locust run: its marker id and the files locust and the locustfile leave behind."""

    workdir: Path
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])

    @property
    def csv_prefix(self) -> Path:
        return self.workdir / "locust"

    @property
    def writes(self) -> list[dict]:
        return [json.loads(line) for line in (self.workdir / "writes.jsonl").read_text().splitlines()]

    @property
    def times(self) -> list[tuple[str, float, bool]]:
        return [tuple(t) for t in json.loads((self.workdir / "times.json").read_text())]


def run_locust(base: str, database_url: str, run: Run) -> None:
    from orgs.demo import DEMO_PASSWORD

    (run.workdir / "writes.jsonl").touch()
    config = run.workdir / "config.json"
    config.write_text(
        json.dumps(
            {
                "password": DEMO_PASSWORD,
                "run": run.id,
                "tokens": _tokens(database_url),
                "writes": str(run.workdir / "writes.jsonl"),
                "times": str(run.workdir / "times.json"),
            }
        )
    )
    subprocess.run(
        [str(BIN / "locust"), "-f", str(LOCUSTFILE), "--headless", "-u", str(USERS), "-r", str(SPAWN_RATE),
         "-t", DURATION, "--host", base, "--csv", str(run.csv_prefix), "--only-summary",
         "--stop-timeout", "10", "--exit-code-on-error", "0", "--loglevel", "WARNING"],
        cwd=REPO, env={**os.environ, "LOADTEST_CONFIG": str(config)}, check=True, timeout=900,
    )  # fmt: skip


TOKENS_SQL = "SELECT public_token FROM orgs_project WHERE public_token <> '' ORDER BY id LIMIT 200"


def _tokens(database_url: str) -> list[str]:
    with psycopg.connect(database_url) as conn:
        return [row[0] for row in conn.execute(TOKENS_SQL)]


# Where each kind of write leaves its marker: SQL returning the texts that may hold this run's markers.
STORED = {
    "item": "SELECT problem FROM ledgers_ledgeritem WHERE problem LIKE %(like)s",
    "move": "SELECT note FROM ledgers_ledgerevent WHERE note LIKE %(like)s",
    # An edit event keeps [before, after]; only the after of the write itself counts, not the next
    # edit's "before", so a note is counted once however often it is overwritten.
    "note": "SELECT changes->'progress_note'->>1 FROM ledgers_ledgerevent WHERE move = 'edit' "
    "AND changes ? 'progress_note' AND changes->'progress_note'->>1 LIKE %(like)s",
    "resident_report": "SELECT content FROM complaints_complaint WHERE content LIKE %(like)s",
}
WHERE = {
    "item_form": "item",
    "item_api": "item",
    "move": "move",
    "note": "note",
    "resident_report": "resident_report",
}


def stored_markers(database_url: str, run_id: str) -> dict[str, dict[str, int]]:
    """Where → marker of this run → how many rows hold it."""
    found: dict[str, dict[str, int]] = {}
    pattern = re.compile(rf"LOAD-{run_id}-[0-9a-f]{{32}}")
    with psycopg.connect(database_url) as conn:
        for where, sql in STORED.items():
            counts = found.setdefault(where, {})
            for (text,) in conn.execute(sql, {"like": f"%LOAD-{run_id}-%"}):
                for marker in pattern.findall(text or ""):
                    counts[marker] = counts.get(marker, 0) + 1
    return found


# Every version an item went through is one recorded event (workflow._apply bumps both together), so an
# item created in this run whose version and event count differ was changed without a trace.
UNRECORDED_SQL = """
SELECT i.id, i.version, count(e.id) FROM ledgers_ledgeritem i LEFT JOIN ledgers_ledgerevent e ON e.item_id = i.id
WHERE i.problem LIKE %(like)s GROUP BY i.id, i.version HAVING i.version <> count(e.id)
"""


def unrecorded_versions(database_url: str, run_id: str) -> list[str]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(UNRECORDED_SQL, {"like": f"%LOAD-{run_id}-%"}).fetchall()
    return [f"item {pk}: version {version}, {events} events" for pk, version, events in rows]


def check_writes(writes: list[dict], stored: dict[str, dict[str, int]]) -> list[str]:
    """Accepted → exactly one row; refused → none; and no row of this run whose write nobody sent."""
    problems, sent = [], {where: set() for where in STORED}
    for write in writes:
        where, marker = WHERE[write["kind"]], write["marker"]
        sent[where].add(marker)
        count = stored[where].get(marker, 0)
        if count != (1 if write["accepted"] else 0):
            problems.append(
                f"{write['kind']} {marker} (HTTP {write['status']}, accepted={write['accepted']}): {count} rows"
            )
    for where, counts in stored.items():
        problems += [f"{where} {m}: in the database but never sent" for m in counts if m not in sent[where]]
    return problems


def read_stats(prefix: Path) -> tuple[dict, list[dict]]:
    with open(f"{prefix}_stats.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    return total, [r for r in rows if r["Name"] != "Aggregated"]


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (the value below which `share` of the requests finished)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else 0.0


def test_mixed_load_by_every_role_loses_and_duplicates_nothing(city_database, server, tmp_path):
    run = Run(tmp_path)
    load_before = os.getloadavg()
    started = time.monotonic()
    run_locust(server, city_database, run)
    seconds = time.monotonic() - started
    load_after = os.getloadavg()

    writes = run.writes
    problems = check_writes(writes, stored_markers(city_database, run.id))
    problems += unrecorded_versions(city_database, run.id)
    total, per_name = read_stats(run.csv_prefix)
    figures = summarise(total, per_name, run.times, writes, problems)
    figures["environment"] |= {
        "load_average_1_5_15": {"before": load_before, "after": load_after},
        "wall_seconds": round(seconds, 1),
    }
    save(figures)
    print(json.dumps(figures["summary"], ensure_ascii=False, indent=1))

    kinds = {w["kind"] for w in writes if w["accepted"]}
    assert kinds == set(WHERE), f"every kind of write must have happened at least once: {sorted(kinds)}"
    assert problems == [], "\n".join(problems[:50])
    assert figures["summary"]["requests"] > 0
    assert figures["summary"]["failures"] == 0, _failures_text(run.csv_prefix)
    assert _exceptions(run.csv_prefix) == [], "an exception in the locustfile stopped part of the mix"


def _failures_text(prefix: Path) -> str:
    path = Path(f"{prefix}_failures.csv")
    return path.read_text()[:4000] if path.exists() else ""


def _exceptions(prefix: Path) -> list[dict]:
    with open(f"{prefix}_exceptions.csv", newline="") as fh:
        return list(csv.DictReader(fh))


def summarise(
    total: dict, per_name: list[dict], times: list, writes: list[dict], problems: list[str]
) -> dict:
    requests, failures = int(total["Request Count"]), int(total["Failure Count"])
    by_kind: dict[str, dict[str, int]] = {}
    for write in writes:
        counts = by_kind.setdefault(write["kind"], {"accepted": 0, "refused": 0})
        counts["accepted" if write["accepted"] else "refused"] += 1
    times = [t for t in times if not t[0].startswith("RACE ")]  # a pair of saves, each counted on its own
    every = [ms for _name, ms, _ok in times]
    # The 16 staff log in at once in the first seconds (PBKDF2, a deliberate ~0.5 s of CPU each):
    # the figure without the login burst is the one that says how the pages themselves hold up.
    working = [ms for name, ms, _ok in times if "/login/" not in name]
    summary = {
        "users": USERS,
        "duration": DURATION,
        "gunicorn_workers": WORKERS,
        "requests": requests,
        "failures": failures,
        "error_rate": round(failures / requests, 5) if requests else None,
        "requests_per_s": round(float(total["Requests/s"]), 1),
        "p50_ms": percentile(every, 0.50),
        "p95_ms": percentile(every, 0.95),
        "p99_ms": percentile(every, 0.99),
        "max_ms": max(every, default=0.0),
        "without_login": {
            "requests": len(working),
            "p50_ms": percentile(working, 0.5),
            "p95_ms": percentile(working, 0.95),
        },
        "writes": by_kind,
        "writes_lost_or_duplicated": len(problems),
    }
    by_name: dict[str, list[float]] = {}
    for name, ms, _ok in times:
        by_name.setdefault(name, []).append(ms)
    return {
        "environment": {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "git_commit": _git("rev-parse", "HEAD"),
            "git_dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
            "machine": {"nproc": os.cpu_count(), "kernel": platform.release()},
            "data": "load_demo --size city --seed 1",
        },
        "summary": summary,
        "per_request": sorted(
            (
                {
                    "name": name,
                    "requests": len(ms),
                    "failures": next(
                        (int(r["Failure Count"]) for r in per_name if f"{r['Type']} {r['Name']}" == name), 0
                    ),
                    "p50_ms": percentile(ms, 0.5),
                    "p95_ms": percentile(ms, 0.95),
                }
                for name, ms in by_name.items()
            ),
            key=lambda r: -r["p95_ms"],
        ),
        "problems": problems[:100],
    }


def _git(*args: str) -> str:
    out = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
    return out.stdout.strip()


def save(figures: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H%M")
    (RESULTS / f"loadtest-{stamp}.json").write_text(json.dumps(figures, ensure_ascii=False, indent=1) + "\n")
    (RESULTS / "LATEST-loadtest.md").write_text(markdown(figures))


def markdown(figures: dict) -> str:
    env, s = figures["environment"], figures["summary"]
    load = env["load_average_1_5_15"]
    writes = ", ".join(
        f"{k} {v['accepted']} accepted / {v['refused']} refused" for k, v in s["writes"].items()
    )
    lines = [
        "# Load test: every role at once, city size",
        "",
        f"{env['date']} · commit `{env['git_commit'][:12]}`{' (with uncommitted changes)' if env['git_dirty'] else ''}"
        f" · {env['machine']['nproc']} cores · load average before/after: "
        f"{[round(x, 2) for x in load['before']]} / {[round(x, 2) for x in load['after']]}",
        "",
        f"Data: {env['data']} (5,000 projects, 231k complaints). Server: gunicorn, {s['gunicorn_workers']} workers,"
        f" DEBUG off, PostgreSQL. Load: locust, {s['users']} users (task force 3, township A 3, township B 2,"
        f" department 2, company X 3, company Y 2, admin 1, anonymous residents 4), each pausing 0.5–2 s"
        f" (residents 1–3 s) between requests, {s['duration']}.",
        "",
        "| figure | value | target | verdict |",
        "| --- | ---: | --- | --- |",
        f"| requests | {s['requests']} ({s['requests_per_s']} req/s) |  |  |",
        f"| failures (non-2xx/3xx, not an expected refusal) | {s['failures']} | 0 | {_ok(s['failures'] == 0)} |",
        f"| error rate | {s['error_rate']} | 0 | {_ok(s['failures'] == 0)} |",
        f"| p50, all requests | {s['p50_ms']:.0f} ms |  |  |",
        f"| p95, all requests | {s['p95_ms']:.0f} ms |  |  |",
        f"| p99, all requests | {s['p99_ms']:.0f} ms |  |  |",
        f"| p50 / p95 without the login burst | {s['without_login']['p50_ms']:.0f} / {s['without_login']['p95_ms']:.0f} ms |  |  |",
        f"| writes lost or duplicated | {s['writes_lost_or_duplicated']} | 0 | {_ok(s['writes_lost_or_duplicated'] == 0)} |",
        "",
        f"Writes: {writes}. A refusal is the stale-version answer (409 / 已被他人修改) when two people move "
        "the same item at once; each refused write was checked to have left nothing, each accepted one to "
        "exist exactly once.",
        "",
        "Slowest requests (p95):",
        "",
        "| request | count | p50 ms | p95 ms |",
        "| --- | ---: | ---: | ---: |",
        *[
            f"| {r['name']} | {r['requests']} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} |"
            for r in figures["per_request"][:12]
        ],
        "",
        "Reproduce: `make test-hard`, or `.venv/bin/pytest -m hard tests/hard/test_load.py -s`"
        " (LOADTEST_DATABASE_URL to reuse a database already holding the demo city).",
        "",
    ]
    return "\n".join(lines)


def _ok(good: bool) -> str:
    return "OK" if good else "MISSED"
