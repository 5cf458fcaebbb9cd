"""Pages under load: gunicorn with 2 workers on 127.0.0.1, 20 simulated users for a bounded time.

Each page gets its own gunicorn (started fresh, so a page that stalls cannot leave a queue of
abandoned requests for the next page), a 3 s warm-up and then two load modes, signed in as the task
force of the whole jurisdiction with a session cookie:

- the target (issue 7: p95 < 200 ms, 0 errors): 20 users who each read the page before asking for the
  next one (a pause of 1–3 s, see PAUSE_S), driven by locust (bench/locust_pages.py) for PAUSED_S
  seconds after a warm-up. locust opens the connection when it sends, so no worker is blocked on an
  idle connection during a pause. One user alone with no pause is measured first, as the page's
  service time: the 20 pausing users' p95 beside it shows what they add by queueing for a worker.
- stress, informational (no target): wrk with 20 connections, each sending the next request the moment
  the answer arrives (20 requests always in flight: p95 is mostly the wait for one of the 2 workers, by
  Little's law about 20 × service time ÷ 2). Its figure is the saturation throughput and that p95.

Between runs the server first answers what the last run left in flight (Server.settle), so no run
starts behind the last one's queue; after a run in which requests timed out, the server is restarted
instead (draining requests that take over 10 s each would take minutes).

What goes wrong is counted apart, per run: answers other than 200, requests that got no answer
within TIMEOUT_S (they are left out of the percentiles, as wrk leaves them out, so when more than 5%
of the requests timed out p95 is only known to be at least TIMEOUT_S), and socket errors
(connect/read/write). Before loading, each page's first URLs are fetched once through Django's test
client to check they answer 200 and to count their queries (the same at any row count, if the page is
right).
"""

import csv
import json
import math
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
LOCUSTFILE = Path(__file__).with_name("locust_pages.py")
USERS = 20
WORKERS = 2
TIMEOUT_S = 10
WARM_UP_S = 3
START_S = 180
# Each user's pause between pages, uniform. People read a page before the next click: the average web
# page visit lasts a little under a minute and many end within 10–20 s (J. Nielsen, "How Long Do Users
# Stay on Web Pages?", Alertbox, 2011), and an officer working through a ledger or complaint list reads
# rows. 1–3 s is far shorter than that on purpose: 20 users then ask for ~9 pages a second, several
# times what 20 real readers would, so the target is met with room to spare or not at all. Drawn at
# random (not a fixed pause) so the users do not fall into step, as load tools' random think-time
# timers do.
PAUSE_S = (1.0, 3.0)
PAUSED_S = 60  # measured, after PAUSED_WARM_UP_S: ~500 requests, so p95 rests on ~25 of them
PAUSED_WARM_UP_S = 5  # the users' staggered arrival (within one pause) and the first pages, not counted
PAUSED = f"{USERS} users pausing {PAUSE_S[0]:g}–{PAUSE_S[1]:g} s"
NO_PAUSE = f"{USERS} users with no pause"
TARGET = "< 200 ms, 0 errors"
# wrk cannot be the paused mode: it reconnects at once after gunicorn's sync worker closes the connection
# and only then pauses, so a worker sits blocked reading a request that comes 0.5–1.5 s later (~770 ms on
# every page, whatever the page). It stays for the stress figure, where there is no pause.
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


def wrk(port: int, paths: list[str], cookie: str, seconds: int) -> dict:
    """One wrk run: USERS connections, each sending the next request as soon as the answer arrives."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        lua_paths = "{" + ", ".join(json.dumps(p) for p in paths) + "}"
        fh.write(_LUA % {"paths": lua_paths, "cookie": cookie})
        script = fh.name
    try:
        out = subprocess.run(
            ["wrk", "-t", "2", "-c", str(USERS), "-d", f"{seconds}s", "--timeout", f"{TIMEOUT_S}s", "-s", script,
             f"http://127.0.0.1:{port}"],
            capture_output=True, text=True, check=True, timeout=seconds + TIMEOUT_S + 30,
        )  # fmt: skip
    finally:
        os.unlink(script)
    return bounded(json.loads(out.stdout.strip().splitlines()[-1]), seconds)


def locust(port: int, paths: list[str], cookie: str, users: int, pause: tuple[float, float], seconds: int,
           warm_up: float) -> dict:  # fmt: skip
    """One headless locust run of bench/locust_pages.py: `users` readers pausing `pause` seconds between
    pages for warm_up + seconds; the requests started in the warm-up are not counted."""
    with tempfile.TemporaryDirectory(prefix="zzt-locust-") as tmp:
        folder = Path(tmp)
        config, out, prefix = folder / "config.json", folder / "requests.json", folder / "locust"
        config.write_text(json.dumps({"paths": paths, "cookie": cookie, "pause": list(pause),
                                      "timeout": TIMEOUT_S, "out": str(out)}), encoding="utf-8")  # fmt: skip
        run_s = round(warm_up + seconds)
        done = subprocess.run(
            [str(Path(sys.executable).parent / "locust"), "-f", str(LOCUSTFILE), "--headless", "-u", str(users),
             "-r", str(users), "-t", f"{run_s}s", "--host", f"http://127.0.0.1:{port}",
             # Requests still out when the time is up are waited for (up to the timeout), not dropped.
             "--stop-timeout", str(TIMEOUT_S), "--csv", str(prefix), "--only-summary",
             "--exit-code-on-error", "0", "--loglevel", "WARNING"],
            cwd=REPO, env={**os.environ, "BENCH_LOCUST_CONFIG": str(config)}, capture_output=True, text=True,
            timeout=run_s + 2 * TIMEOUT_S + 60,
        )  # fmt: skip
        if done.returncode:  # the figure's note says why (CalledProcessError would not show its stderr)
            tail = " / ".join(done.stderr.strip().splitlines()[-3:])
            raise RuntimeError(f"locust exited with {done.returncode}: {tail}")
        crashed = locust_exceptions(prefix.with_name(prefix.name + "_exceptions.csv"))
        if crashed:
            raise RuntimeError("the locustfile raised: " + "; ".join(crashed))
        records = json.loads(out.read_text(encoding="utf-8"))["requests"]
    return summarise(records, warm_up, seconds)


def locust_exceptions(path: Path) -> list[str]:
    """The exceptions locust caught in the locustfile's own code (not failed requests): each stops
    a user's task, so the load was not what it claims."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return [f"{row['Count']}× {row['Message']}" for row in csv.DictReader(fh)]


def summarise(records: list[list], warm_up: float, seconds: float) -> dict:
    """A locust run's requests ([start s, ms, status, timed out], status 0 = no answer) started after the
    warm-up, in the same form as a wrk run: percentiles over the answered requests (200 or not), the
    timeouts and socket errors apart and left out of them, as wrk leaves them out."""
    counted = [r for r in records if r[0] >= warm_up]
    times = sorted(ms for _start, ms, status, _timed_out in counted if status)
    result = {
        "requests": len(times),
        "seconds": float(seconds),
        "p50_ms": percentile(times, 50),
        "p95_ms": percentile(times, 95),
        "p99_ms": percentile(times, 99),
        "max_ms": times[-1] if times else 0.0,
        "non200": sum(1 for r in counted if r[2] not in (0, 200)),
        "timeouts": sum(1 for r in counted if r[2] == 0 and r[3]),
        "socket_errors": sum(1 for r in counted if r[2] == 0 and not r[3]),
    }
    return bounded(result, seconds)


def percentile(ordered: list[float], q: float) -> float:
    """Nearest rank: the smallest time that q% of the requests did not exceed."""
    if not ordered:
        return 0.0
    return round(float(ordered[max(math.ceil(q / 100 * len(ordered)) - 1, 0)]), 1)


def bounded(result: dict, seconds: float) -> dict:
    """Requests given up on are left out of the percentiles: when more than 5% of the requests timed
    out, the 95th percentile is only known to be ≥ the timeout. When no request finished at all
    (stalled), every one took at least the timeout, or the run's length if none timed out either."""
    asked = result["requests"] + result["timeouts"]
    if result["requests"] == 0:
        floor_s = TIMEOUT_S if result["timeouts"] else seconds
        result.update(p95_ms=floor_s * 1000.0, p95_at_least=True, stalled=True)
    elif result["timeouts"] > 0.05 * asked:
        result.update(p95_ms=max(result["p95_ms"], TIMEOUT_S * 1000.0), p95_at_least=True)
    return result


def measure(size: str, rounds, runs: int, seconds: int, log) -> list[dict]:
    """Per page, the target figure (PAUSED) and the stress figure (NO_PAUSE, wrk for `seconds`), each of
    `rounds(runs)` runs (Suite.rounds: fewer past the time budget); a page that cannot be measured is a
    failed figure, and the others go on."""
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
        # Service time: one user, nothing to queue behind. Measured by the same client as the target.
        alone = locust(server.port, paths, cookie, 1, (0, 0), seconds, 0)
        log(f"{page} (1 user with no pause): {alone}")
        runners = {
            PAUSED: lambda: locust(server.port, paths, cookie, USERS, PAUSE_S, PAUSED_S, PAUSED_WARM_UP_S),
            NO_PAUSE: lambda: wrk(server.port, paths, cookie, seconds),
        }
        figures = []
        for mode, run in runners.items():
            results = []
            for _ in rounds(runs):
                result = run()
                results.append(result)
                log(f"{page} ({mode}): {result}")
                if result["timeouts"] or result.get("stalled"):
                    server.restart()  # draining what the tool gave up on would take longer than a restart
                    _warm_up(server, paths, cookie)
                else:
                    server.settle()
            length = PAUSED_S if mode == PAUSED else seconds
            figures.append(_load_figure(page, paths, length, mode, results, checked, alone))
        return figures
    finally:
        server.stop()


def _warm_up(server, paths, cookie) -> None:
    """Both workers load templates and connect; then the queue it leaves is drained."""
    wrk(server.port, paths, cookie, WARM_UP_S)
    server.settle()


def _load_figure(page, paths, seconds, mode, results, checked, alone=None) -> dict:
    """The target figure (mode PAUSED: p95 against TARGET, beside `alone`, one user's run with no pause)
    or the stress figure (NO_PAUSE: p95 at the saturation throughput, no verdict); errors count in both."""
    from bench.figures import figure, median

    p95 = [r["p95_ms"] for r in results]
    errors = {k: sum(r[k] for r in results) for k in ("non200", "timeouts", "socket_errors")}
    stalled = sum(1 for r in results if r.get("stalled"))
    bounds = sorted(r["p95_ms"] for r in results if r.get("p95_at_least"))
    at_least = bool(bounds) and median(p95) >= bounds[0]  # the median is one of the lower bounds
    rps = median([r["requests"] / r["seconds"] for r in results])
    requests = sum(r["requests"] for r in results)
    beside = (f"; one user alone with no pause: p95 {alone['p95_ms']} ms, so {USERS} users pausing add "
              f"{median(p95) / alone['p95_ms']:.1f}× (queueing for a worker)") if alone and alone["p95_ms"] else ""  # fmt: skip
    note = (f"{len(paths)} URLs; p50 {median([r['p50_ms'] for r in results])} ms, "
            f"p99 {median([r['p99_ms'] for r in results])} ms, {rps:.1f} req/s, {requests} requests; over "
            f"{len(results)} runs {errors['non200']} answers not 200, {errors['timeouts']} timeouts (no answer "
            f"in {TIMEOUT_S} s), {errors['socket_errors']} socket errors"
            f"{f', {stalled} runs in which nothing answered' if stalled else ''}; queries per request "
            f"{checked['queries']}, one request alone ≤ {checked['single_request_ms']} ms")  # fmt: skip
    if mode == PAUSED:
        name, target = f"page p95, {page} ({PAUSED}, locust", TARGET
        ok, note = median(p95) < 200 and not any(errors.values()), note + beside
    else:
        name, target, ok = f"page stress p95, {page} ({NO_PAUSE}, wrk", "none: stress, informational", None
    return figure(f"{name}, {WORKERS} workers, {seconds} s)", median(p95), "ms", p95, target, ok, note,
                  errors=errors, at_least=at_least, rps=round(rps, 1), mode=mode)  # fmt: skip
