"""Pages under load: gunicorn with 2 workers on 127.0.0.1, wrk with 20 connections for a fixed time.

Each of the four pages gets its own wrk run (repeated --runs times), signed in as the task
force of the whole jurisdiction with a session cookie. Each wrk connection is one user
sending its next request as soon as the previous answer arrives, so this is the heaviest
load 20 users can make; p95 includes the time a request waits for a free worker. Before
loading, every URL is fetched once through Django's test client to check it answers 200
and to record how many queries it makes (the same at any row count, if the page is right).
"""

import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
USERS = 20
WORKERS = 2
# Each user clicks again 0.5–1.5 s after a page arrives (a person moving fast through lists), or
# with no pause at all (the most 20 connections can ask of 2 workers: p95 is then mostly queueing).
MODES = {"clicking every 0.5–1.5 s": (500, 1500), "with no pause": None}
_LUA = """
local paths = %(paths)s
local threads = {}
local counter = 0
function setup(thread) table.insert(threads, thread) end
function init(args) non200 = 0; counter = math.random(1, #paths) end
function request()
  counter = counter %% #paths + 1
  return wrk.format("GET", paths[counter], {["Cookie"] = "%(cookie)s"})
end
function delay() return %(think)s end
function response(status, headers, body) if status ~= 200 then non200 = non200 + 1 end end
function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("non200") end
  local e = summary.errors
  io.write(string.format('{"requests": %%d, "seconds": %%.2f, "p50_ms": %%.1f, "p95_ms": %%.1f, "p99_ms": %%.1f, ' ..
    '"max_ms": %%.1f, "non200": %%d, "socket_errors": %%d}\\n', summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, bad, e.connect + e.read + e.write + e.timeout))
end
"""


def page_urls(size: str) -> dict[str, list[str]]:
    """A few URLs per page, so the load is not one cached row set."""
    from campaigns.models import Category
    from orgs.models import Project, Region

    rng = random.Random(11)
    townships = list(Region.objects.townships().order_by("pk").values_list("pk", flat=True))
    categories = list(Category.objects.filter(campaign__slug="bench").values_list("pk", flat=True))
    project_ids = list(Project.objects.order_by("pk").values_list("pk", flat=True))
    ledger = ["/ledgers/?status=in_progress", "/ledgers/?overdue=true", "/ledgers/?escalated=true"]
    ledger += [f"/ledgers/?township={t}&status=registered" for t in rng.sample(townships, 4)]
    ledger += [
        f"/ledgers/?category={c}&status=in_progress" for c in rng.sample(categories, min(3, len(categories)))
    ]
    complaints = ["/complaints/", "/complaints/?month=2026-10", "/complaints/?match_state=review"]
    complaints += [f"/complaints/?township={t}&month=2026-09" for t in rng.sample(townships, 4)]
    return {
        "ledger list with filters": ledger,
        "complaint list": complaints,
        "ranking page": [
            "/complaints/ranking/?campaign=bench&month=2026-10",
            "/complaints/ranking/?campaign=bench&month=2026-09",
        ],  # fmt: skip
        "project page": [
            f"/orgs/projects/{pk}/" for pk in rng.sample(project_ids, min(200, len(project_ids)))
        ],
    }


def _month_ready() -> bool:
    """The ranking page shows the month the monthly figure computes. When run without it, the month is
    computed here if the earlier months are stored; at province size they are not unless the monthly
    figure ran (23 months of history take far longer than a page run), and the page is left out."""
    from campaigns.models import Campaign
    from complaints import monthly
    from complaints.models import MonthlyRun

    campaign = Campaign.objects.get(slug="bench")
    if not MonthlyRun.objects.filter(campaign=campaign, month="2026-09").exists():
        return False
    if not MonthlyRun.objects.filter(campaign=campaign, month="2026-10").exists():
        monthly.compute_month(campaign, "2026-10")
    return True


def check(urls: dict[str, list[str]], user) -> dict[str, dict]:
    """Each URL once through the test client: status 200 and the number of queries."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    found = {}
    for page, paths in urls.items():
        queries, single = [], []
        for path in paths[:3]:
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(path)
            single.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}")
            queries.append(len(ctx.captured_queries))
        found[page] = {"queries": sorted(set(queries)), "single_request_ms": round(max(single), 1)}
    return found


def session_cookie(user) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int) -> subprocess.Popen:
    env = {**os.environ, "DEBUG": "0"}
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(WORKERS), "--timeout", "120", "--log-level", "warning"],
        cwd=REPO, env=env,
    )  # fmt: skip
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2)  # nosec B310  # a fixed http URL of our own server
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not start")


def wrk(port: int, paths: list[str], cookie: str, seconds: int, think: tuple[int, int] | None) -> dict:
    """One wrk run; `think` = each user's pause between pages (ms, uniform), None = no pause."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        lua_paths = "{" + ", ".join(json.dumps(p) for p in paths) + "}"
        pause = f"math.random({think[0]}, {think[1]})" if think else "0"
        fh.write(_LUA % {"paths": lua_paths, "cookie": cookie, "think": pause})
        script = fh.name
    try:
        out = subprocess.run(
            ["wrk", "-t", "2", "-c", str(USERS), "-d", f"{seconds}s", "--timeout", "10s", "-s", script,
             f"http://127.0.0.1:{port}"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    finally:
        os.unlink(script)
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(size: str, runs: int, seconds: int, log) -> list[dict]:
    from orgs.models import User

    user = User.objects.get(username="bench_taskforce")
    urls = page_urls(size)
    if not _month_ready():
        del urls["ranking page"]
        log(
            "ranking page left out: the months before 2026-10 are not computed (run the monthly figure first)"
        )
    checked = check(urls, user)
    port = _free_port()
    server = start_gunicorn(port)
    figures = []
    try:
        cookie = session_cookie(user)
        for page, paths in urls.items():
            wrk(port, paths, cookie, 3, None)  # warm-up: both workers load templates and connect
            for mode, think in MODES.items():
                figures.append(
                    _load_figure(port, page, paths, cookie, runs, seconds, mode, think, checked, log)
                )
    finally:
        server.terminate()
        server.wait(timeout=30)
    return figures


def _load_figure(port, page, paths, cookie, runs, seconds, mode, think, checked, log) -> dict:
    from bench.figures import figure, median

    results = []
    for _ in range(runs):
        result = wrk(port, paths, cookie, seconds, think)
        if (
            result["requests"] == 0 or result["p95_ms"] == 0
        ):  # nothing answered in time: the run's length bounds it
            result.update(
                p50_ms=seconds * 1000.0, p95_ms=seconds * 1000.0, p99_ms=seconds * 1000.0, stalled=1
            )
        results.append(result)
        log(f"{page} ({mode}): {results[-1]}")
    p95 = [r["p95_ms"] for r in results]
    errors = sum(r["non200"] + r["socket_errors"] + r.get("stalled", 0) for r in results)
    rps = median([r["requests"] / r["seconds"] for r in results])
    note = (f"{len(paths)} URLs; p50 {median([r['p50_ms'] for r in results])} ms, "
            f"p99 {median([r['p99_ms'] for r in results])} ms, {rps:.0f} req/s, {errors} errors; "
            f"queries per request {checked[page]['queries']}, one request alone "
            f"≤ {checked[page]['single_request_ms']} ms")  # fmt: skip
    return figure(f"page p95, {page} ({USERS} users {mode}, {WORKERS} workers, {seconds} s)", median(p95), "ms",
                  p95, "< 200 ms, 0 errors", median(p95) < 200 and errors == 0, note, errors=errors,
                  rps=round(rps, 1))  # fmt: skip
