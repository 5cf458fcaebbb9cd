"""Mixed reads and writes by every role against a running 整治通 (driven by tests/hard/test_load.py).

Each simulated person logs in through the real login form, reads the pages of their role and writes
through the real forms (with the CSRF token) and the API (with X-CSRFToken): quick entry of ledger
items, workflow moves (开始整改 → 申请验收 → 验收销号), progress notes, and residents' reports from a
project's QR page /r/<token>/. Every write carries a fresh UUID marker in its text and is written,
with its outcome, to the JSON-lines file named in the config; the test then checks the database:
a write the server accepted exists exactly once, a write it refused does not exist at all.

The only refusals expected are those concurrency makes: two people moving the same item at once,
where the one with the stale version is told 409 (API) or "已被他人修改" (page). Anything else that
is not 2xx/3xx counts as a locust failure.

Config: LOADTEST_CONFIG names a JSON file {"password", "run": "<id put in every marker>",
"tokens": [project public tokens], "writes": "<JSON-lines log of writes>", "times": "<JSON file of
every request's time>"}. Usernames are the demo accounts of `load_demo`.
"""

import json
import os
import random
import re
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import gevent
from locust import HttpUser, between, events, task
from locust.exception import StopUser

CONFIG = json.loads(Path(os.environ["LOADTEST_CONFIG"]).read_text())
WRITES = Path(CONFIG["writes"])
TIMES: list[tuple[str, float, bool]] = []

# The move each role makes from each state; a company or department never accepts (workflow.ACCEPTORS).
FIXER_MOVES = {"registered": "start", "in_progress": "submit"}
ACCEPTOR_MOVES = {**FIXER_MOVES, "submitted": "accept"}
HOT, HOT_SHARE = 3, 0.3
SUCCESS = re.compile(r'class="alert alert-success"')
STALE = "已被他人修改"


def record(kind: str, marker: str, status: int, accepted: bool, text: str = "") -> None:
    """One line per write, flushed at once: the check afterwards reads what really happened."""
    line = {"kind": kind, "marker": marker, "status": status, "accepted": accepted, "text": text}
    with WRITES.open("a", encoding="utf-8") as out:
        out.write(json.dumps(line, ensure_ascii=False) + "\n")


def new_marker() -> str:
    return f"LOAD-{CONFIG['run']}-{uuid.uuid4().hex}"


@events.request.add_listener
def _timed(request_type, name, response_time, exception, **kwargs) -> None:
    """Every request's own time, so the test can take exact percentiles of any part of the mix."""
    TIMES.append((f"{request_type} {name}", round(response_time, 1), exception is None))


@events.test_stop.add_listener
def _save_times(**kwargs) -> None:
    Path(CONFIG["times"]).write_text(json.dumps(TIMES))


class Staff(HttpUser):
    """A logged-in user of one role; subclasses name the account, the pages and the writes."""

    abstract = True
    wait_time = between(0.5, 2)
    username = ""
    pages: tuple[str, ...] = ("/", "/ledgers/", "/orgs/projects/", "/orgs/inbox/")
    moves = FIXER_MOVES
    creates = False  # quick entry through the page form
    api_creates = False  # POST /api/ledger-items/

    def on_start(self) -> None:
        self.client.get("/login/", name="/login/")
        with self.client.post(
            "/login/",
            data={"username": self.username, "password": CONFIG["password"], **self._form_token()},
            allow_redirects=False,
            name="/login/ (POST)",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"{self.username} could not log in")  # counted, so the test fails
                raise StopUser()
        self.me = self._api("/api/users/me/")
        self.projects = [p["id"] for p in self._api("/api/projects/").get("results", [])]
        campaigns = self._api("/api/campaigns/").get("results", [])
        self.campaign = next((c["id"] for c in campaigns if c.get("is_active", True)), None)
        self.items = []
        for status in self.moves:  # the items this role can move on, newest first
            found = self._api(f"/api/ledger-items/?status={status}", name="/api/ledger-items/?status=")
            self.items += [i["id"] for i in found.get("results", [])]

    # --- plumbing --------------------------------------------------------------------------------

    def _csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def _form_token(self) -> dict:
        return {"csrfmiddlewaretoken": self._csrf()}

    def _api_headers(self) -> dict:
        return {"X-CSRFToken": self._csrf(), "Referer": self.host + "/"}

    def _api(self, path: str, name: str | None = None) -> dict:
        response = self.client.get(path, name=name or path.split("?")[0])
        return response.json() if response.ok else {}

    # --- reads -----------------------------------------------------------------------------------

    @task(6)
    def browse(self) -> None:
        self.client.get(random.choice(self.pages))

    @task(3)
    def read_item(self) -> None:
        if self.items:
            self.client.get(f"/ledgers/{random.choice(self.items)}/", name="/ledgers/[id]/")

    @task(2)
    def read_api(self) -> None:
        self._api("/api/ledger-items/")

    # --- writes ----------------------------------------------------------------------------------

    @task(2)
    def create_item(self) -> None:
        """快速登记 through the page form, as a township officer does from a phone."""
        if not (self.creates and self.projects and self.campaign):
            return
        self.client.get("/ledgers/new/", name="/ledgers/new/")
        marker = new_marker()
        response = self.client.post(
            "/ledgers/new/",
            data={
                **self._form_token(),
                "campaign": self.campaign,
                "project": random.choice(self.projects),
                "problem": f"压测登记 {marker}",
                "deadline": (date.today() + timedelta(days=30)).isoformat(),
                "source": "self_check" if self.username.startswith("company") else "inspection",
            },
            allow_redirects=False,
            name="/ledgers/new/ (POST)",
        )
        created = response.status_code == 302 and re.search(r"/ledgers/(\d+)/$", response.headers["Location"])
        record("item_form", marker, response.status_code, bool(created))
        if created:
            self.items.append(int(created.group(1)))

    @task(1)
    def create_item_api(self) -> None:
        """登记 through the API; a department names itself responsible, or it could not see the item."""
        if not (self.api_creates and self.projects and self.campaign):
            return
        marker = new_marker()
        data = {
            "campaign": self.campaign,
            "project": random.choice(self.projects),
            "problem": f"压测登记 {marker}",
        }
        if self.me.get("department"):
            data["responsible_unit"] = self.me["department"]
        response = self.client.post(
            "/api/ledger-items/", json=data, headers=self._api_headers(), name="/api/ledger-items/ (POST)"
        )
        record("item_api", marker, response.status_code, response.status_code == 201)
        if response.status_code == 201:
            self.items.append(response.json()["id"])

    @task(2)
    def move_api(self) -> None:
        """One workflow step through the API, with the version read just before (409 when stale)."""
        item = self._pick_item()
        if item is None or item["status"] not in self.moves:
            return
        marker = new_marker()
        move = self.moves[item["status"]]
        with self.client.post(
            f"/api/ledger-items/{item['id']}/{move}/",
            json={"version": item["version"], "note": f"压测{move} {marker}"},
            headers=self._api_headers(),
            name=f"/api/ledger-items/[id]/{move}/",
            catch_response=True,
        ) as response:
            if response.status_code == 409:
                response.success()  # someone else moved it first: the refusal the version check exists for
            record("move", marker, response.status_code, response.status_code == 200)

    @task(1)
    def move_form(self) -> None:
        """One workflow step through the item page's button form; the next page says whether it took."""
        item = self._pick_item()
        if item is None or item["status"] not in self.moves:
            return
        marker = new_marker()
        move = self.moves[item["status"]]
        with self.client.post(
            f"/ledgers/{item['id']}/move/{move}/",
            data={**self._form_token(), "version": item["version"], "note": f"压测{move} {marker}"},
            name=f"/ledgers/[id]/move/{move}/",
            catch_response=True,
        ) as response:
            accepted = bool(SUCCESS.search(response.text))
            if not accepted and STALE not in response.text:
                response.failure(f"neither done nor refused as stale: {_alert(response.text)!r}")
            record("move", marker, response.status_code, accepted, "" if accepted else _alert(response.text))

    @task(1)
    def add_note(self) -> None:
        """进展情况 through the API (PATCH with the version read just before)."""
        item = self._pick_item()
        if item is not None:
            self._patch_note(item)

    @task(1)
    def race(self) -> None:
        """Two tabs save a note on one item from the same version at once: one is kept, the other is
        told 409 and leaves nothing — never both kept (a silent overwrite)."""
        item = self._pick_item()
        if item is None:
            return
        started = time.perf_counter()
        saves = [gevent.spawn(self._patch_note, item) for _ in range(2)]
        gevent.joinall(saves)
        codes = sorted(save.value for save in saves)
        self.environment.events.request.fire(
            request_type="RACE",
            name="two saves of one version",
            response_time=(time.perf_counter() - started) * 1000,
            response_length=0,
            # [409, 409] is fine too: a third writer got in first.
            exception=AssertionError(f"both saves kept: {codes}") if codes.count(200) > 1 else None,
            context={},
        )

    def _patch_note(self, item: dict) -> int:
        marker = new_marker()
        note = f"压测进展 {marker}"
        with self.client.patch(
            f"/api/ledger-items/{item['id']}/",
            json={"version": item["version"], "progress_note": note},
            headers=self._api_headers(),
            name="/api/ledger-items/[id]/ (PATCH)",
            catch_response=True,
        ) as response:
            if response.status_code == 409:
                response.success()
            record("note", marker, response.status_code, response.status_code == 200, note)
        return response.status_code

    def _pick_item(self) -> dict | None:
        if not self.items:
            return None
        # Often one of the first few: users of a role start from the same list, so they sometimes
        # move the same item at once, and the stale-version refusal is exercised, not just possible.
        pk = random.choice(self.items[:HOT] if random.random() < HOT_SHARE else self.items)
        response = self.client.get(f"/api/ledger-items/{pk}/", name="/api/ledger-items/[id]/")
        if not response.ok:
            return None
        item = response.json()
        if item["status"] in ("closed", "withdrawn"):
            self.items.remove(pk)  # done with it; keeps the pool to items that can still move
            return None
        return item


def _alert(html: str) -> str:
    found = re.search(r'role="alert">([^<]*)<', html)
    return found.group(1) if found else ""


class TaskForce(Staff):
    fixed_count = 3
    username = "taskforce"
    moves = ACCEPTOR_MOVES
    creates = True
    api_creates = True
    pages = (
        *Staff.pages,
        "/complaints/",
        "/complaints/ranking/",
        "/scoring/",
        "/campaigns/",
        "/scoring/actions/",
    )


class TownshipA(Staff):
    fixed_count = 3
    username = "township"
    moves = ACCEPTOR_MOVES
    creates = True
    pages = (*Staff.pages, "/complaints/", "/ledgers/orders/", "/ledgers/reports/", "/r/manage/posters/")


class TownshipB(TownshipA):
    fixed_count = 2
    username = "township2"


class Department(Staff):
    fixed_count = 2
    username = "department"
    api_creates = True
    pages = (*Staff.pages, "/ledgers/?status=in_progress")


class CompanyX(Staff):
    fixed_count = 3
    username = "company"
    creates = True
    pages = (*Staff.pages, "/ledgers/orders/", "/orgs/companies/")


class CompanyY(CompanyX):
    fixed_count = 2
    username = "company2"


class Admin(Staff):
    fixed_count = 1
    username = "admin"
    moves = {}
    pages = (*Staff.pages, "/admin/", "/complaints/", "/scoring/", "/campaigns/")


class Resident(HttpUser):
    """A resident without an account: opens a project's QR page and sends a report (随手拍)."""

    fixed_count = 4
    wait_time = between(1, 3)

    @task(3)
    def read_public(self) -> None:
        self.client.get("/public/", name="/public/")

    @task(2)
    def report(self) -> None:
        token = random.choice(CONFIG["tokens"])
        self.client.get(f"/r/{token}/", name="/r/[token]/")
        marker = new_marker()
        response = self.client.post(
            f"/r/{token}/",
            data={
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
                "category": "环境卫生",
                "description": f"楼道堆放杂物无人清理 {marker}",
                "phone": f"139{random.randrange(10**8):08d}",
                "website": "",
            },
            allow_redirects=False,
            name="/r/[token]/ (POST)",
        )
        accepted = response.status_code == 302 and response.headers["Location"].endswith("/done/")
        record("resident_report", marker, response.status_code, accepted)
        if accepted:
            self.client.get(response.headers["Location"], name="/r/[token]/done/")
