"""Redis stopped for a minute under light load: pages keep serving and saving, the work asked for
meanwhile waits in the outbox and runs once Redis is back (issue 8, "stop Redis for a minute")."""

import csv
import io
import threading
import time
from collections import Counter

from complaints.excel import FIELD_LABELS

from .conftest import Browser, wait_for
from .test_faults_import import confirm_when_previewed

HEADER = list(FIELD_LABELS.values())
PAGES = [
    "/",
    "/orgs/projects/",
    "/complaints/",
    "/complaints/ranking/",
    "/orgs/inbox/",
    "/ledgers/",
]
OUTAGE_SECONDS = 60


def complaint_csv(projects: list[tuple[str, str, str]], prefix: str, rows: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for n in range(rows):
        township, name, address = projects[n % len(projects)]
        writer.writerow([f"{prefix}{n:05d}", "2026-11-20 09:30:00", township, name, address, "电梯故障",
                         "电梯经常停运困人", "已办结", "满意", "12345热线"])  # fmt: skip
    return out.getvalue().encode("utf-8")


def test_redis_down_for_a_minute_loses_no_work(stack, app_factory):
    app = app_factory(stack.fresh_database("tiny"), web=True, worker=True, beat=True)
    projects = app.sql(
        "SELECT r.name, p.name, p.address FROM orgs_project p JOIN orgs_region r ON r.id = p.township_id "
        "ORDER BY p.id LIMIT 20"
    )
    reader = Browser(app.base_url).login("bench_township")
    writer = Browser(app.base_url).login("bench_taskforce")
    statuses: Counter = Counter()
    stop = threading.Event()

    def read_pages() -> None:  # the light load: one reader going round the pages all the time
        while not stop.is_set():
            for path in PAGES:
                started = time.monotonic()
                status, _, _ = reader.request(path)
                statuses[(status, time.monotonic() - started < 5)] += 1

    load = threading.Thread(target=read_pages, daemon=True)
    load.start()
    try:
        stack.stop_redis()
        outage_started, uploads, batches = time.monotonic(), [], []
        while time.monotonic() - outage_started < OUTAGE_SECONDS:
            prefix = f"RD{len(uploads):02d}-"
            started = time.monotonic()
            status, text, url = writer.request(
                "/complaints/import/",
                {"channel": "12345"},
                files={"file": (f"outage-{len(uploads)}.csv", complaint_csv(projects, prefix, 50))},
            )
            uploads.append(prefix)
            batches.append(int(url.rsplit("batch=", 1)[1]))
            assert status == 200 and "batch=" in url, f"upload during the outage answered {status}"
            assert time.monotonic() - started < 10, "a save hung on the missing broker"
            # The job's page tells the user why nothing happens yet.
            batch = url.rsplit("batch=", 1)[1]
            job = app.sql("SELECT job_id FROM complaints_importbatch WHERE id = %s", (int(batch),))[0][0]
            status, text, _ = writer.request(f"/orgs/jobs/{job}/")
            assert status == 200 and "消息服务暂时不可用" in text
            time.sleep(5)
        waiting = app.sql("SELECT count(*) FROM orgs_outboxmessage WHERE status = 'waiting'")[0][0]
        assert waiting == len(uploads) >= 5
    finally:
        stack.start_redis()
    # Back: each upload's preview runs once the relay hands it over, and the person confirms it.
    for batch in batches:
        confirm_when_previewed(app, writer, batch, timeout=180)
    # Back: the beat relay (every 30 s) hands the kept work to the worker, which has reconnected.
    wait_for(
        lambda: (
            app.sql("SELECT count(*) FROM complaints_importbatch WHERE status IN ('done', 'failed')")[0][0]
            == len(uploads)
        ),
        180,
        "the imports asked for during the outage",
        every=2,
    )
    stop.set()
    load.join(timeout=30)

    assert set(statuses) == {(200, True)}, f"pages during the outage: {dict(statuses)}"
    assert sum(statuses.values()) > 50
    assert app.sql("SELECT count(*) FROM orgs_outboxmessage WHERE status = 'waiting'")[0][0] == 0
    assert app.sql("SELECT count(*) FROM complaints_importbatch WHERE status <> 'done'")[0][0] == 0
    # Every complaint of every upload exists exactly once.
    counts = app.sql(
        "SELECT left(ticket, 5), count(*), count(DISTINCT ticket) FROM complaints_complaint "
        "WHERE ticket LIKE 'RD%%' GROUP BY 1 ORDER BY 1"
    )
    assert counts == [(prefix[:5], 50, 50) for prefix in uploads]
