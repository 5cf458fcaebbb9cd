"""CPU per request of the four load-tested pages (bench/pages.py), in-process through Django's test client.

    DATABASE_URL=postgres://postgres@127.0.0.1:55432/zzt_bench_province DEBUG=0 \
        .venv/bin/python scripts/profile_pages.py [--requests 20] [--profile PAGE] [--only PAGE]

Signed in as bench_taskforce, like the load test. For each page: one pass counting queries (cold caches),
then --requests requests cycling through the page's URLs; prints the median Django CPU (process
time, so PostgreSQL's own work is not in it), the median wall time and the query counts. --profile
prints cProfile's top functions for that page. Reads only; the session row of force_login and the
shared cache rows are the only writes.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--profile", default="")
    parser.add_argument("--only", default="")
    parser.add_argument("--dump", default="", help="write the cProfile stats of --profile to this file")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.pages import page_urls
    from orgs.models import User

    client = Client()
    client.force_login(User.objects.get(username="bench_taskforce"))
    for page, paths in page_urls("province").items():
        if args.only and args.only not in page:
            continue
        counts = set()
        for path in paths:
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")
            counts.add(len(ctx.captured_queries))
        cpu, wall = [], []
        profiler = cProfile.Profile() if args.profile and args.profile in page else None
        for i in range(args.requests):
            path = paths[i % len(paths)]
            c0, w0 = time.process_time(), time.perf_counter()
            if profiler:
                profiler.enable()
            client.get(path)
            if profiler:
                profiler.disable()
            cpu.append((time.process_time() - c0) * 1000)
            wall.append((time.perf_counter() - w0) * 1000)
        print(
            f"{page:26} cpu median {statistics.median(cpu):6.1f} ms  wall median {statistics.median(wall):6.1f} ms"
            f"  max {max(wall):6.1f} ms  queries at first {sorted(counts)}"
        )
        warm = set()
        for path in paths:
            with CaptureQueriesContext(connection) as ctx:
                client.get(path)
            warm.add(len(ctx.captured_queries))
        print(f"{'':26} queries once warm {sorted(warm)}")
        if profiler and args.dump:
            profiler.dump_stats(args.dump)
        if profiler:
            stats = pstats.Stats(profiler).sort_stats("cumulative")
            stats.print_stats(60)
            stats.sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()
