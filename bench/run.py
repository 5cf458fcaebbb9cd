"""The benchmark suite: `make bench` (city) or `make bench SIZE=province`.

    .venv/bin/python -m bench.run --size city [--runs 3] [--only import,monthly,...]

Starts PostgreSQL and Redis on 127.0.0.1 (bench/services.py) unless DATABASE_URL is set,
builds the data set once per size (bench/generate.py), then measures each figure against
its target. Every figure is the median of --runs runs; every comparison (against the floor
and against the peer) is a ratio of medians measured in the same run, interleaved. Prints a
table and writes bench/results/<size>-<date>.json and bench/results/LATEST-<size>.md.
"""

import argparse
import os
import signal
import sys
import time
from pathlib import Path

from bench import services

RESULTS = Path(__file__).resolve().parent / "results"
FIGURES = ("import", "monthly", "quarterly", "export", "pages", "county")  # "import" includes import_xlsx


class Log:
    def __init__(self):
        self.started = time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def __call__(self, text: str) -> None:
        print(f"[{self.elapsed():7.1f}s] {text}", flush=True)


def prepare_database(size: str, admin_url: str, log: Log) -> str:
    """The size's own database, created, migrated and generated once; returns its URL."""
    import psycopg

    name = f"zzt_bench_{size}"
    if os.environ.get("DATABASE_URL"):
        url = os.environ["DATABASE_URL"]
    else:
        url = services.database_url(admin_url, name)
        with psycopg.connect(admin_url, autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    return url


def setup_django(size: str, seed: int, log: Log) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("MEDIA_ROOT", str(services.BENCH_DIR / "media"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench import generate

    log("migrate")
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        meta = generate.generated(cursor)
    if meta and (meta["size"], meta["seed"], meta["version"]) != (size, seed, generate.GENERATOR_VERSION):
        raise SystemExit(f"{connection.settings_dict['NAME']} holds another data set ({meta}); drop it first")
    if meta is None:
        log(f"generate {size} (seed {seed})")
        facts = generate.generate(size, seed, log=log)
    else:
        facts = meta["facts"]
        log(f"reuse generated data: {facts}")
    generate.write_import_files(size, seed, log=log)
    return facts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="city", choices=["tiny", "city", "province"])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--import-runs", type=int, help="runs of the import figures (default: --runs)")
    parser.add_argument("--only", default=",".join(FIGURES), help="comma-separated: " + ",".join(FIGURES))
    parser.add_argument("--page-seconds", type=int, default=10, help="duration of each load run (≤ 60)")
    parser.add_argument(
        "--budget-minutes",
        type=float,
        help="the whole run's time: each figure gets a part of what is left (bench/figures.py SHARES) and no "
        "further runs past it, but always one (default 22 at city size, so that make bench ends within 30 "
        "minutes; 0 = no limit)",
    )
    parser.add_argument("--no-save", action="store_true", help="print only; write no result files")
    parser.add_argument(
        "--label", default="", help="suffix of the result files, for a partial run (e.g. import)"
    )
    args = parser.parse_args()
    # Stopped with SIGTERM (kill, timeout), the finally blocks still stop gunicorn and the servers started here.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    log = Log()
    svc = services.start()
    try:
        os.environ.setdefault("REDIS_URL", svc.redis_url)
        prepare_database(args.size, svc.database_url, log)
        facts = setup_django(args.size, args.seed, log)
        from bench import figures, report

        only = [f.strip() for f in args.only.split(",") if f.strip()]
        suite = figures.Suite(
            args.size, args.seed, args.runs, facts, log, page_seconds=min(args.page_seconds, 60)
        )
        suite.import_runs = args.import_runs or args.runs
        budget = (
            args.budget_minutes if args.budget_minutes is not None else (22 if args.size == "city" else 0)
        )
        if budget:
            suite.deadline = log.started + budget * 60
        saver = (
            None if args.no_save else report.Saver(f"{args.size}-{args.label}" if args.label else args.size)
        )

        def environment(complete: bool) -> dict:
            env = suite.environment()
            env.update(runs=args.runs, import_runs=suite.import_runs, budget_minutes=budget, complete=complete,
                       only=only, seconds_total=round(log.elapsed()))  # fmt: skip
            return env

        def save_so_far(results: list[dict]) -> None:
            if saver is not None:
                saver.save(results, environment(complete=False))

        results = suite.run(only, on_figure=save_so_far)
        print(report.table(results))
        if saver is not None:
            paths = saver.save(results, environment(complete=True))
            log("wrote " + ", ".join(str(p) for p in paths))
    finally:
        services.stop(svc)
    sys.exit(0)


if __name__ == "__main__":
    main()
