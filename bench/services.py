"""PostgreSQL and Redis for the benchmarks, on 127.0.0.1, started the way .ci/run starts them.

Unlike CI the PostgreSQL cluster is kept between runs (in $ZZT_BENCH_DIR, default
/var/tmp/zzt-bench) so a province-sized data set is generated once; the servers this
module starts are stopped again by `stop()`. With DATABASE_URL set nothing is started.

The cluster keeps fsync and synchronous_commit on (unlike CI's throwaway cluster): the
figures are meant to be what a real server does. Memory settings suit a machine with a
few GB of RAM to spare and are written into every result file.
"""

import glob
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(os.environ.get("ZZT_BENCH_DIR", "/var/tmp/zzt-bench"))  # nosec B108  # benchmark data kept across runs on purpose, not a temp file
PG_PORT = int(os.environ.get("ZZT_BENCH_PG_PORT", "55432"))
REDIS_PORT = int(os.environ.get("ZZT_BENCH_REDIS_PORT", "56379"))
PG_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    # A quarter of the machine's memory (6 GB of 24), PostgreSQL's usual starting point for a dedicated
    # server. With 1 GB the province's complaint indexes (3.5 GB) did not fit, and a million-row import
    # evicted and re-read index pages: 37-44 s against 34.5-36 s with 6 GB (same code, one after the other).
    "shared_buffers": f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') // 4 // 2**20}MB",
    "work_mem": "32MB",
    "maintenance_work_mem": "512MB",
    "max_wal_size": "8GB",
    "checkpoint_timeout": "15min",
    "effective_cache_size": "8GB",
    "random_page_cost": "1.1",
    "jit": "off",
}


@dataclass
class Services:
    database_url: str
    redis_url: str
    started: list[str] = field(default_factory=list)
    pg_bin: str = ""


def _as_postgres(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run a PostgreSQL tool as the postgres user when we are root (initdb refuses root)."""
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(args, check=True, **kwargs)


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def pg_bin() -> str:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    if not found:
        raise SystemExit("PostgreSQL is not installed: apt-get install postgresql redis-server")
    return found[-1]


def start_postgres(services: Services) -> None:
    data = BENCH_DIR / "pg"
    binary = services.pg_bin = pg_bin()
    if not (data / "PG_VERSION").exists():
        data.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(BENCH_DIR, "postgres", "postgres")
            shutil.chown(data, "postgres", "postgres")
        _as_postgres(
            [f"{binary}/initdb", "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
             "--locale=C.UTF-8"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
    if not _port_open(PG_PORT):
        options = " ".join(f"-c {k}={v}" for k, v in PG_SETTINGS.items())
        _as_postgres(
            [f"{binary}/pg_ctl", "-D", str(data), "-l", str(BENCH_DIR / "pg.log"), "-w", "-t", "120",
             "start", "-o", f"-p {PG_PORT} -k {data} {options}"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        services.started.append("postgres")


def start_redis(services: Services) -> None:
    if _port_open(REDIS_PORT):
        return
    subprocess.run(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(REDIS_PORT), "--daemonize", "yes",
         "--pidfile", str(BENCH_DIR / "redis.pid"), "--dir", str(BENCH_DIR),
         "--logfile", str(BENCH_DIR / "redis.log"), "--save", "", "--appendonly", "no"],
        check=True,
    )  # fmt: skip
    for _ in range(50):
        if _port_open(REDIS_PORT):
            break
        time.sleep(0.1)
    services.started.append("redis")


def start() -> Services:
    """Start (or reuse) the servers; returns the URLs of the admin database and of Redis."""
    if os.environ.get("DATABASE_URL"):
        return Services(os.environ["DATABASE_URL"], os.environ.get("REDIS_URL", ""))
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    services = Services(
        f"postgres://postgres@127.0.0.1:{PG_PORT}/postgres", f"redis://127.0.0.1:{REDIS_PORT}/0"
    )
    start_postgres(services)
    start_redis(services)
    return services


def stop(services: Services) -> None:
    """Stop only what start() started."""
    if "redis" in services.started:
        pid_file = BENCH_DIR / "redis.pid"
        if pid_file.exists():
            subprocess.run(["kill", pid_file.read_text().strip()], check=False)
    if "postgres" in services.started:
        _as_postgres(
            [f"{services.pg_bin}/pg_ctl", "-D", str(BENCH_DIR / "pg"), "-m", "fast", "-w", "stop"],
            stdout=subprocess.DEVNULL,
        )


def database_url(admin_url: str, name: str) -> str:
    """The URL of another database on the same server."""
    base, _, _old = admin_url.rpartition("/")
    return f"{base}/{name}"
