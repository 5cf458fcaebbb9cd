"""Pages under load: gunicorn with 2 workers on 127.0.0.1, wrk with 20 connections for a fixed time.

Each page gets its own gunicorn (started fresh, so a page that stalls cannot leave a queue of
abandoned requests for the next page), a 3 s warm-up and then --runs wrk runs per load mode,
signed in as the task force of the whole jurisdiction with a session cookie. Between runs the
server first answers what wrk left in flight when it stopped (Server.settle), so no run starts
behind the last one's queue; after a run in which requests timed out, the server is restarted
instead (draining requests that take over 10 s each would take minutes).

Each wrk connection is one user: 20 users each sending the next request as soon as the answer
arrives (20 requests always in flight: p95 includes the wait for one of the 2 workers).

What goes wrong is counted apart, per run: answers other than 200, requests that got no answer
within TIMEOUT_S (wrk gives up on them and they are missing from its latency histogram, so
when more than 5% of the requests timed out p95 is only known to be at least TIMEOUT_S), and
socket errors (connect/read/write). Before loading, each page's first URLs are fetched once
through Django's test client to check they answer 200 and to count their queries (the same
at any row count, if the page is right).
"""

import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
USERS = 20
WORKERS = 2
TIMEOUT_S = 10
WARM_UP_S = 3
START_S = 180
# 20 users each sending the next request as soon as the answer arrives. No think-time mode: wrk reconnects
# at once after gunicorn's sync worker closes the connection and only then pauses, so a worker sits blocked
# reading a request that comes 0.5–1.5 s later (~770 ms on every page, whatever the page). In production a
# buffering reverse proxy stands in front (README, 生产部署) and no worker waits on an idle client.
MODES = {"with no pause": None}
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
  io.write(string.format('{"requests": %%d, "seconds": %%.2f, "p50_ms": %%.1f, "p95_ms": %%.1f, ' ..
    '"p99_ms": %%.1f, "max_ms": %%.1f, "non200": %%d, "timeouts": %%d, "socket_errors": %%d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, bad, e.timeout, e.connect + e.read + e.write))
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


def check(paths: list[str], user) -> dict:
    """The page's first URLs once each through the test client: status 200 and the number of queries."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    queries, single = [], []
    for path in paths[:2]:
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        single.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        queries.append(len(ctx.captured_queries))
    return {"queries": sorted(set(queries)), "single_request_ms": round(max(single), 1)}


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


class Server:
    """gunicorn with WORKERS sync workers on a free 127.0.0.1 port, restarted on demand."""

    def __init__(self):
        self.port, self.process = _free_port(), None

    def start(self) -> None:
        from bench.services import BENCH_DIR

        env = {**os.environ, "DEBUG": "0"}
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        # Its output (the tracebacks of workers stopped mid-request are expected) goes to a file, not the table.
        with (BENCH_DIR / "gunicorn.log").open("ab") as log:
            self.process = subprocess.Popen(
                [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{self.port}",
                 "--workers", str(WORKERS), "--timeout", "120", "--graceful-timeout", "1", "--log-level", "error"],
                cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        # Two workers importing Django on a busy 2-core machine can take a minute before the first answer.
        deadline = time.monotonic() + START_S
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/login/", timeout=10)  # nosec B310  # a fixed http URL of our own server
                return
            except urllib.error.HTTPError:
                return  # it answers (what it answers, the page check and the load runs count)
            except OSError:
                time.sleep(0.5)
        code = self.process.poll()
        self.stop()
        why = f"exited with {code}" if code is not None else f"did not answer within {START_S} s"
        raise RuntimeError(f"gunicorn {why} (see {BENCH_DIR / 'gunicorn.log'})")

    def stop(self) -> None:
        """Quick shutdown (SIGINT): workers busy with abandoned requests are not waited for."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def restart(self) -> None:
        self.stop()
        self.start()

    def settle(self) -> None:
        """Wait until the workers have answered what wrk left queued when it stopped (up to 20 requests it
        no longer waits for), so the next run does not start behind them. Connections are accepted in
        order: a request sent now is answered after those, and one more after the other worker's last."""
        try:
            for _ in range(WORKERS):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{self.port}/login/", timeout=60)  # nosec B310  # our own server
                except urllib.error.HTTPError:
                    pass  # answered: that is all this waits for
        except OSError:  # no answer in a minute: a fresh server is quicker
            self.restart()


def wrk(port: int, paths: list[str], cookie: str, seconds: int, think: tuple[int, int] | None) -> dict:
    """One wrk run; `think` = each user's pause between pages (ms, uniform), None = no pause."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        lua_paths = "{" + ", ".join(json.dumps(p) for p in paths) + "}"
        pause = f"math.random({think[0]}, {think[1]})" if think else "0"
        fh.write(_LUA % {"paths": lua_paths, "cookie": cookie, "think": pause})
        script = fh.name
    try:
        out = subprocess.run(
            ["wrk", "-t", "2", "-c", str(USERS), "-d", f"{seconds}s", "--timeout", f"{TIMEOUT_S}s", "-s", script,
             f"http://127.0.0.1:{port}"],
            capture_output=True, text=True, check=True, timeout=seconds + TIMEOUT_S + 30,
        )  # fmt: skip
    finally:
        os.unlink(script)
    return bounded(json.loads(out.stdout.strip().splitlines()[-1]), seconds, think)


def bounded(result: dict, seconds: float, think: tuple[int, int] | None) -> dict:
    """wrk leaves requests it gave up on out of its percentiles: when more than 5% of the requests
    timed out, the 95th percentile is only known to be ≥ the timeout. When no request finished at all
    (stalled), every one took at least the run's length less the first pause."""
    asked = result["requests"] + result["timeouts"]
    if result["requests"] == 0:
        floor_s = TIMEOUT_S if result["timeouts"] else seconds - (think[1] / 1000 if think else 0)
        result.update(p95_ms=floor_s * 1000.0, p95_at_least=True, stalled=True)
    elif result["timeouts"] > 0.05 * asked:
        result.update(p95_ms=max(result["p95_ms"], TIMEOUT_S * 1000.0), p95_at_least=True)
    return result


def measure(size: str, rounds, runs: int, seconds: int, log) -> list[dict]:
    """One figure per page and load mode, each of `rounds(runs)` wrk runs (Suite.rounds: fewer past the
    time budget); a page that cannot be measured is a failed figure, and the others go on."""
    from bench.figures import figure
    from orgs.models import User

    user = User.objects.get(username="bench_taskforce")
    urls = page_urls(size)
    figures = []
    if not _month_ready():
        del urls["ranking page"]
        figures.append(figure("page p95, ranking page: not measured", "skipped", "", ok=False,
                              note="the months before 2026-10 are not computed (run the monthly figure first)"))  # fmt: skip
    cookie = session_cookie(user)
    for page, paths in urls.items():
        try:
            checked = check(paths, user)
            figures += _measure_page(page, paths, cookie, rounds, runs, seconds, checked, log)
        except Exception as error:  # one broken page must not hide the others
            figures.append(figure(f"page p95, {page}: failed", "error", "", ok=False, failed=True,
                                  note=f"{type(error).__name__}: {error}"))  # fmt: skip
    return figures


def _measure_page(page, paths, cookie, rounds, runs, seconds, checked, log) -> list[dict]:
    server = Server()
    server.start()
    try:
        _warm_up(server, paths, cookie)
        figures = []
        for mode, think in MODES.items():
            results = []
            for _ in rounds(runs):
                result = wrk(server.port, paths, cookie, seconds, think)
                results.append(result)
                log(f"{page} ({mode}): {result}")
                if result["timeouts"] or result.get("stalled"):
                    server.restart()  # draining what wrk gave up on would take longer than a restart
                    _warm_up(server, paths, cookie)
                else:
                    server.settle()
            figures.append(_load_figure(page, paths, seconds, mode, results, checked))
        return figures
    finally:
        server.stop()


def _warm_up(server, paths, cookie) -> None:
    """Both workers load templates and connect; then the queue it leaves is drained."""
    wrk(server.port, paths, cookie, WARM_UP_S, None)
    server.settle()


def _load_figure(page, paths, seconds, mode, results, checked) -> dict:
    from bench.figures import figure, median

    p95 = [r["p95_ms"] for r in results]
    errors = {k: sum(r[k] for r in results) for k in ("non200", "timeouts", "socket_errors")}
    stalled = sum(1 for r in results if r.get("stalled"))
    bounds = sorted(r["p95_ms"] for r in results if r.get("p95_at_least"))
    at_least = bool(bounds) and median(p95) >= bounds[0]  # the median is one of the lower bounds
    rps = median([r["requests"] / r["seconds"] for r in results])
    note = (f"{len(paths)} URLs; p50 {median([r['p50_ms'] for r in results])} ms, "
            f"p99 {median([r['p99_ms'] for r in results])} ms, {rps:.0f} req/s; over {len(results)} runs "
            f"{errors['non200']} answers not 200, {errors['timeouts']} timeouts (no answer in {TIMEOUT_S} s), "
            f"{errors['socket_errors']} socket errors{f', {stalled} runs in which nothing answered' if stalled else ''}; "
            f"queries per request {checked['queries']}, one request alone ≤ {checked['single_request_ms']} ms")  # fmt: skip
    ok = median(p95) < 200 and not any(errors.values())
    return figure(f"page p95, {page} ({USERS} users {mode}, {WORKERS} workers, {seconds} s)", median(p95),
                  "ms", p95, "< 200 ms, 0 errors", ok, note, errors=errors, at_least=at_least,
                  rps=round(rps, 1))  # fmt: skip
