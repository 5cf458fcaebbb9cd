"""Work the runner measures in a child process, so its peak memory is the work's own.

    python -m bench.worker export-app OUT.xlsx LIMIT
    python -m bench.worker export-peer OUT.xlsx LIMIT

Prints one JSON line: seconds, peak RSS (VmHWM, in MB) and what was written.
"""

import json
import os
import resource
import sys
import time
import zipfile


def _peak_mb() -> float:
    """This process's own peak: VmHWM of its memory map. Not getrusage's ru_maxrss, which Linux carries
    across fork and exec, so it reported the runner's size (444.6 MB for both the app and the peer once
    the runner had grown during the import figures)."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # no /proc: an upper bound


def _items(limit: int):
    """The first `limit` items of the campaign, as the task force's export job selects them."""
    from campaigns.models import Campaign
    from ledgers.models import LedgerItem
    from orgs.models import User

    campaign = Campaign.objects.get(slug="bench")
    ids = LedgerItem.objects.filter(campaign=campaign).order_by("pk").values_list("pk", flat=True)
    last = ids[limit - 1] if ids.count() >= limit else ids.last()
    user = User.objects.get(username="bench_taskforce")
    return campaign, LedgerItem.objects.visible_to(user).filter(campaign=campaign, pk__lte=last)


def merged_ranges(path: str) -> int:
    """<mergeCell> elements in all sheets, read from the package without loading the workbook."""
    count = 0
    with zipfile.ZipFile(path) as package:
        for name in package.namelist():
            if name.startswith("xl/worksheets/sheet"):
                with package.open(name) as fh:
                    for block in iter(lambda: fh.read(1 << 20), b""):
                        count += block.count(b"<mergeCell ")
    return count


def export_app(out: str, limit: int) -> dict:
    from ledgers.excel import ExportScope, export_items, write_workbook

    campaign, items = _items(limit)
    started = time.perf_counter()
    scope = ExportScope(campaign)
    written = write_workbook(out, scope, export_items(scope, items))
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "items": written, "merged_ranges": merged_ranges(out)}


def export_peer(out: str, limit: int) -> dict:
    from bench.peers import LedgerItemResource
    from ledgers.excel import ExportScope, export_items

    campaign, items = _items(limit)
    started = time.perf_counter()
    rows = export_items(ExportScope(campaign), items)
    dataset = LedgerItemResource().export(rows.select_related("project__community", "company", "township"))
    with open(out, "wb") as fh:
        fh.write(dataset.export("xlsx"))
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "items": len(dataset), "merged_ranges": merged_ranges(out)}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    task, out, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
    result = {"export-app": export_app, "export-peer": export_peer}[task](out, limit)
    result["peak_rss_mb"] = _peak_mb()
    result["file_mb"] = round(os.path.getsize(out) / 1e6, 1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
