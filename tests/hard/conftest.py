"""The hard suite (`make test-hard`): real servers on 127.0.0.1, started here, broken on purpose.

A throwaway PostgreSQL cluster and a Redis of the suite's own (so a test may restart or stop them),
gunicorn and Celery worker processes started with DATABASE_URL/REDIS_URL pointing at them. No
pytest-django database is used: tests talk to the servers over HTTP, through `manage.py` and SQL.
Every test in this folder is marked `hard`; `make test` leaves them out.

Fixture API (also used by test_load.py): see /work/notes/resilience.md or the docstrings below.
"""

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg
import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HERE = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark before `-m "not hard"` deselects, so a new module here cannot slip into `make test`."""
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.hard)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, timeout: float, what: str, every: float = 0.2):
    """Poll `check()` until it returns something truthy; fail the test with `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _as_postgres(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:  # initdb and postgres refuse to run as root
        args = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(args, check=True, **kwargs)


class Stack:
    """PostgreSQL + Redis of the hard suite's own; see the module docstring."""

    def __init__(self, work: Path):
        self.work = work
        self.pg_bin = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))[-1]
        self.pg_data = work / "pg"
        self.pg_port = free_port()
        self.redis_port = free_port()
        self.redis: subprocess.Popen | None = None
        self.admin_url = f"postgres://postgres@127.0.0.1:{self.pg_port}/postgres"
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"
        self._templates: dict[str, str] = {}
        self._copies = 0

    # --- PostgreSQL --------------------------------------------------------------------------
    def start_postgres(self) -> None:
        if not (self.pg_data / "PG_VERSION").exists():
            self.pg_data.mkdir(parents=True)
            if os.geteuid() == 0:
                shutil.chown(self.work, "postgres", "postgres")
                shutil.chown(self.pg_data, "postgres", "postgres")
            _as_postgres(
                [f"{self.pg_bin}/initdb", "-D", str(self.pg_data), "-U", "postgres", "-A", "trust",
                 "-E", "UTF8", "--locale=C.UTF-8"],
                stdout=subprocess.DEVNULL,
            )  # fmt: skip
        # fsync off: the cluster is thrown away (as in .ci/run); a restart still loses no committed row.
        # The connection check ends the transaction of a killed worker that waits on a lock.
        options = f"-p {self.pg_port} -k {self.work} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 -c client_connection_check_interval=1s"
        _as_postgres(
            [f"{self.pg_bin}/pg_ctl", "-D", str(self.pg_data), "-l", str(self.work / "pg.log"), "-w", "-t", "60",
             "start", "-o", options],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip

    def stop_postgres(self, mode: str = "fast") -> None:
        _as_postgres(
            [f"{self.pg_bin}/pg_ctl", "-D", str(self.pg_data), "-m", mode, "-w", "-t", "60", "stop"],
            stdout=subprocess.DEVNULL,
        )

    def restart_postgres(self, down_seconds: float = 0, mode: str = "fast") -> None:
        """Stop the server (`fast`: every connection is cut), stay down a while, start it again."""
        self.stop_postgres(mode)
        time.sleep(down_seconds)
        self.start_postgres()

    def sql(self, url: str, query: str, params=()) -> list[tuple]:
        with psycopg.connect(url, autocommit=True) as conn:
            cur = conn.execute(query, params)
            return cur.fetchall() if cur.description else []

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.pg_port}/{name}"

    def database(self, size: str = "tiny") -> str:
        """A migrated database filled by bench.generate at `size`, made once per session (a template)."""
        if size not in self._templates:
            name = f"zzt_hard_{size}"
            self.sql(self.admin_url, f"DROP DATABASE IF EXISTS {name}")
            self.sql(self.admin_url, f"CREATE DATABASE {name}")
            url = self.url(name)
            subprocess.run(
                [sys.executable, "-m", "bench.generate", "--size", size], cwd=REPO, env=self.env(url), check=True,
                stdout=subprocess.DEVNULL,
            )  # fmt: skip
            self._templates[size] = name
        return self.url(self._templates[size])

    def fresh_database(self, size: str = "tiny") -> str:
        """An isolated copy of `database(size)`, for a test that writes."""
        template = self.database(size).rsplit("/", 1)[1]
        self._copies += 1
        name = f"{template}_{self._copies}"
        self.sql(self.admin_url, f"CREATE DATABASE {name} TEMPLATE {template}")
        return self.url(name)

    def empty_database(self, name: str) -> str:
        self.sql(self.admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self.sql(self.admin_url, f"CREATE DATABASE {name}")
        return self.url(name)

    # --- Redis -----------------------------------------------------------------------------------
    def start_redis(self) -> None:
        self.redis = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.redis_port), "--save", "",
             "--appendonly", "no", "--dir", str(self.work), "--logfile", str(self.work / "redis.log")],
        )  # fmt: skip
        wait_for(lambda: _port_open(self.redis_port), 10, "redis-server")

    def stop_redis(self) -> None:
        """Redis gone (its queued messages with it, as after a crash without persistence)."""
        if self.redis is not None and self.redis.poll() is None:
            self.redis.terminate()
            self.redis.wait(timeout=10)

    # --- environment for the app's processes -------------------------------------------------
    def env(self, database_url: str, **extra: str) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_", "PYTEST_"))}
        return {
            **keep,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_TESTING": "0",
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "DATABASE_URL": database_url,
            "REDIS_URL": self.redis_url,
            "DEBUG": "0",
            "PYTHONUNBUFFERED": "1",
            **extra,
        }

    def stop(self) -> None:
        self.stop_redis()
        if (self.pg_data / "postmaster.pid").exists():
            self.stop_postgres("immediate")


@pytest.fixture(scope="session")
def stack():
    if not shutil.which("redis-server") or not glob.glob("/usr/lib/postgresql/*/bin"):
        pytest.skip(
            "the hard suite needs postgresql and redis-server (apt-get install postgresql redis-server)"
        )
    work = Path(tempfile.mkdtemp(prefix="zzt-hard-"))
    work.chmod(0o755)
    services = Stack(work)
    try:
        services.start_postgres()
        services.start_redis()
        yield services
    finally:
        services.stop()
        shutil.rmtree(work, ignore_errors=True)


class App:
    """gunicorn and/or Celery processes of one database; see `app_factory`."""

    def __init__(self, stack: Stack, database_url: str, work: Path, **env: str):
        self.stack, self.database_url, self.work = stack, database_url, work
        (work / "media").mkdir(parents=True, exist_ok=True)
        (work / "var").mkdir(parents=True, exist_ok=True)
        self.env = stack.env(database_url, MEDIA_ROOT=str(work / "media"), VAR_DIR=str(work / "var"), **env)
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.web: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.beat: subprocess.Popen | None = None

    def _spawn(self, args: list[str], log: str) -> subprocess.Popen:
        # Its own process group, so a kill reaches the worker's pool children too.
        with (self.work / log).open("ab") as out:
            return subprocess.Popen(
                args, cwd=REPO, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    def start_web(self, workers: int = 3, threads: int = 1) -> None:
        self.web = self._spawn(
            [str(BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
             "--threads", str(threads), "--timeout", "120", "--graceful-timeout", "2"],
            "web.log",
        )  # fmt: skip

        def answers() -> bool:
            if self.web.poll() is not None:
                pytest.fail(f"gunicorn exited: {(self.work / 'web.log').read_text()[-2000:]}")
            try:
                return urllib.request.urlopen(f"{self.base_url}/login/", timeout=5).status == 200
            except OSError:
                return False

        wait_for(answers, 60, "gunicorn")

    def start_worker(self, concurrency: int = 1) -> None:
        self.worker = self._spawn(
            [str(BIN / "celery"), "-A", "config", "worker", "--loglevel=INFO", f"--concurrency={concurrency}",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"hard{free_port()}@%h"],
            "worker.log",
        )  # fmt: skip
        wait_for(lambda: b"ready." in (self.work / "worker.log").read_bytes(), 60, "the Celery worker")

    def start_beat(self) -> None:
        self.beat = self._spawn(
            [str(BIN / "celery"), "-A", "config", "beat", "--loglevel=INFO",
             "-s", str(self.work / "var" / "celerybeat-schedule")],
            "beat.log",
        )  # fmt: skip

    def worker_children(self) -> list[int]:
        """Pids of the worker's pool processes (the ones running tasks)."""
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if self.worker is not None and int(fields[1]) == self.worker.pid:
                found.append(int(stat.parent.name))
        return found

    def kill_worker(self, sig: int = signal.SIGKILL, children_only: bool = False) -> None:
        """SIGKILL the whole worker (a machine losing the process), or only the pool child mid-task."""
        if children_only:
            for pid in self.worker_children():
                os.kill(pid, sig)
            return
        os.killpg(self.worker.pid, sig)
        self.worker.wait(timeout=30)
        (self.work / "worker.log").rename(self.work / f"worker-killed-{time.monotonic_ns()}.log")

    def manage(self, *args: str, check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=REPO, env=self.env, capture_output=True, text=True,
            check=check, timeout=timeout,
        )  # fmt: skip

    def sql(self, query: str, params=()) -> list[tuple]:
        return self.stack.sql(self.database_url, query, params)

    def stop(self) -> None:
        for process in (self.web, self.worker, self.beat):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in (self.web, self.worker, self.beat):
            if process is not None:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)


@pytest.fixture
def app_factory(stack, tmp_path):
    """`app = app_factory(database_url, web=True, worker=True, beat=False, **env)`; stopped after the test."""
    apps: list[App] = []

    def make(database_url: str, web: bool = True, worker: bool = True, beat: bool = False, **env: str) -> App:
        app = App(stack, database_url, tmp_path / f"app{len(apps)}", **env)
        apps.append(app)
        if worker:
            app.start_worker()
        if beat:
            app.start_beat()
        if web:
            app.start_web()
        return app

    yield make
    for app in apps:
        app.stop()


class Browser:
    """A logged-in HTTP client of a live app (urllib: cookies, CSRF). Never raises on 4xx/5xx."""

    def __init__(self, base_url: str):
        import http.cookiejar

        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def _csrf(self) -> str:
        return next((c.value for c in self.cookies if c.name == "csrftoken"), "")

    def request(self, path: str, data: dict | None = None, files: dict | None = None, timeout: float = 30):
        """GET, or POST `data` (and `files`: name -> (filename, bytes)); returns (status, text, final url)."""
        import urllib.error
        import urllib.parse
        import uuid

        headers, body = {"Referer": self.base_url + "/"}, None
        if data is not None or files:
            data = {"csrfmiddlewaretoken": self._csrf(), **(data or {})}
            if files:
                boundary = uuid.uuid4().hex
                parts = []
                for name, value in data.items():
                    parts.append(
                        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
                    )
                for name, (filename, content) in files.items():
                    parts.append(
                        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                        f"Content-Type: application/octet-stream\r\n\r\n".encode()
                        + content
                        + b"\r\n"
                    )
                body = b"".join(parts) + f"--{boundary}--\r\n".encode()
                headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
            else:
                body = urllib.parse.urlencode(data).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
        req = urllib.request.Request(self.base_url + path, data=body, headers=headers)
        try:
            with self.opener.open(req, timeout=timeout) as response:
                return response.status, response.read().decode("utf-8", "replace"), response.url
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace"), error.url

    def login(self, username: str, password: str = "Bench-Only-Passw0rd") -> "Browser":
        self.request("/login/")
        status, text, url = self.request("/login/", {"username": username, "password": password})
        assert status == 200 and not url.endswith("/login/"), f"login of {username} failed: {status} {url}"
        return self
