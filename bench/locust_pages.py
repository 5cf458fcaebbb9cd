"""One page under load, as people use it: locust users each reading the page before asking for the next
(driven by bench/pages.py, which starts it headless and reads what it records).

Each user is the signed-in task force (the session cookie bench/pages.py made), asks for one of the
page's URLs at random, reads it for a pause drawn uniformly from the configured range and asks again.
Users arrive spread over one pause, not all in the same instant. Redirects are not followed: a
redirect to the login page is an answer that is not 200, as it was for wrk.

Unlike wrk, the client opens its connection when it sends: gunicorn's sync worker closes the connection
after each answer, and locust (requests) connects again only for the next request, so no worker sits
blocked on an idle connection during the user's pause.

Every request is recorded as [seconds since the test started, milliseconds, HTTP status (0 = no
answer), timed out] and the list is written as JSON when the test stops; bench/pages.py drops the
warm-up and takes exact percentiles (locust's own statistics round response times above 100 ms).

Config: BENCH_LOCUST_CONFIG names a JSON file {"paths": [...], "cookie": "name=value",
"pause": [min_s, max_s], "timeout": seconds, "out": "<JSON file to write>"}.
"""

import json
import os
import random
import time
from pathlib import Path

import gevent
import requests
from locust import HttpUser, between, events, task

CONFIG = json.loads(Path(os.environ["BENCH_LOCUST_CONFIG"]).read_text(encoding="utf-8"))
RECORDS: list[list] = []
STARTED = [time.time()]


@events.test_start.add_listener
def _started(**kwargs) -> None:
    STARTED[0] = time.time()


@events.request.add_listener
def _record(response_time, response, exception, start_time, **kwargs) -> None:
    status = getattr(response, "status_code", 0) or 0
    error = getattr(response, "error", None) or exception
    timed_out = status == 0 and isinstance(error, requests.exceptions.Timeout)
    RECORDS.append([round(start_time - STARTED[0], 3), round(response_time, 2), status, timed_out])


@events.test_stop.add_listener
def _save(**kwargs) -> None:
    Path(CONFIG["out"]).write_text(json.dumps({"requests": RECORDS}), encoding="utf-8")


class Reader(HttpUser):
    wait_time = between(*CONFIG["pause"])

    def on_start(self) -> None:
        gevent.sleep(random.uniform(0, CONFIG["pause"][1]))

    @task
    def read_page(self) -> None:
        path = random.choice(CONFIG["paths"])
        # One name for all URLs: locust's own summary is one line; the figures come from RECORDS.
        self.client.get(path, name="page", headers={"Cookie": CONFIG["cookie"]}, allow_redirects=False,
                        timeout=CONFIG["timeout"])  # fmt: skip
