"""The results table, on the terminal and in bench/results/ (JSON for machines, Markdown for people)."""

import json
from datetime import UTC, datetime
from pathlib import Path


def _verdict(fig: dict) -> str:
    return "" if fig["ok"] is None else ("OK" if fig["ok"] else "MISSED")


def table(results: list[dict]) -> str:
    width = max((len(f["name"]) for f in results), default=10)
    lines = [f"{'figure':<{width}}  {'median':>10}  unit  {'target':<22} verdict"]
    for f in results:
        lines.append(
            f"{f['name']:<{width}}  {f['value']:>10}  {f['unit']:<4}  {f['target']:<22} {_verdict(f)}"
        )
    return "\n".join(lines)


def markdown(size: str, results: list[dict], env: dict) -> str:
    machine, versions = env["machine"], env["versions"]
    out = [
        f"# Benchmarks: {size}",
        "",
        f"{env['date']} · commit `{env['git_commit'][:12]}`{' (with uncommitted changes)' if env['git_dirty'] else ''} · "
        f"{machine['nproc']} cores ({machine['cpu']}), {machine['ram_gb']} GB RAM · "
        f"load average before/after each figure: {machine['load_average_1_5_15']}",
        "",
        f"Data: {json.dumps(env['data'], ensure_ascii=False)}",
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()),
        "",
        "| figure | median | runs | target | verdict | note |",
        "| --- | ---: | --- | --- | --- | --- |",
    ]
    for f in results:
        runs = ", ".join(f"{r:.2f}" if isinstance(r, float) else str(r) for r in f["runs"])
        note = f["note"].replace("|", "/")
        out.append(
            f"| {f['name']} | {f['value']} {f['unit']} | {runs} | {f['target']} | {_verdict(f)} | {note} |"
        )
    base, _, label = size.partition("-")
    args = f' BENCH_ARGS="--only {label}"' if label else ""
    out += [
        "",
        f"Reproduce: `make bench{'' if base == 'city' else f' SIZE={base}'}{args}` (see README.md, Benchmarks).",
    ]
    return "\n".join(out) + "\n"


def save(size: str, results: list[dict], env: dict, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H%M")
    data = folder / f"{size}-{stamp}.json"
    data.write_text(json.dumps({"environment": env, "figures": results}, ensure_ascii=False, indent=1) + "\n")
    latest = folder / f"LATEST-{size}.md"
    latest.write_text(markdown(size, results, env), encoding="utf-8")
    return [data, latest]
