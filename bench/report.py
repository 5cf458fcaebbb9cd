"""The results table, on the terminal and in bench/results/ (JSON for machines, Markdown for people),
and the README's table of the latest figures, generated from those files so it never drifts:

    .venv/bin/python -m bench.report --readme     # rewrites the block between the README's markers
"""

import argparse
import json
import re
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
README = RESULTS.parent.parent / "README.md"
BEGIN, END = "<!-- bench-results:begin -->", "<!-- bench-results:end -->"
_RAW = re.compile(r"^Raw results: `([^`]+\.json)`", re.MULTILINE)


def verdict(fig: dict) -> str:
    if fig.get("failed") or fig["value"] in ("error", "skipped"):
        return "FAILED" if fig["value"] == "error" else "NOT MEASURED"
    return "" if fig["ok"] is None else ("OK" if fig["ok"] else "MISSED")


def value_text(fig: dict) -> str:
    """The median as shown: '≥' when it is only a lower bound (requests that never answered); a load
    figure adds the throughput it was measured at (for the stress figure, the saturation throughput)."""
    text = f"{'≥ ' if fig.get('at_least') else ''}{fig['value']} {fig['unit']}".strip()
    return f"{text} at {fig['rps']:g} req/s" if fig.get("rps") is not None else text


def table(results: list[dict]) -> str:
    width = max((len(f["name"]) for f in results), default=10)
    lines = [f"{'figure':<{width}}  {'median':>12}  {'target':<22} verdict"]
    for f in results:
        lines.append(f"{f['name']:<{width}}  {value_text(f):>12}  {f['target']:<22} {verdict(f)}")
    return "\n".join(lines)


def _runs(fig: dict) -> str:
    return ", ".join(f"{r:.2f}" if isinstance(r, float) else str(r) for r in fig["runs"])


def markdown(name: str, results: list[dict], env: dict, raw: str) -> str:
    machine, versions = env["machine"], env["versions"]
    dirty = " (with uncommitted changes)" if env["git_dirty"] else ""
    state = "" if env.get("complete", True) else " · **partial: the run was still going or was interrupted**"
    out = [
        f"# Benchmarks: {name}",
        "",
        f"{env['date']} · commit `{env['git_commit'][:12]}`{dirty} · {machine['nproc']} cores ({machine['cpu']}), "
        f"{machine['ram_gb']} GB RAM · runs per figure: {env.get('runs', '?')} · "
        f"load average before/after each figure: {machine['load_average_1_5_15']}{state}",
        "",
        f"Data: {json.dumps(env['data'], ensure_ascii=False)}",
        "",
        f"Seconds per figure: {json.dumps(env.get('seconds_per_figure', {}))}, "
        f"whole run {env.get('seconds_total', '?')} s",
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()),
        "",
        "| figure | median | runs | target | verdict | note |",
        "| --- | ---: | --- | --- | --- | --- |",
    ]
    for f in results:
        note = f["note"].replace("|", "/")
        out.append(f"| {f['name']} | {value_text(f)} | {_runs(f)} | {f['target']} | {verdict(f)} | {note} |")
    out += [
        "",
        f"Reproduce: `{reproduce(name, env.get('only'))}` (see README.md, Benchmarks).",
        "",
        f"Raw results: `{raw}`",
    ]
    return "\n".join(out) + "\n"


def reproduce(name: str, only: list[str] | None = None) -> str:
    """The make command that runs the same figures again (a partial run: its --only and --label)."""
    size, _, label = name.partition("-")
    args = []
    if only and set(only) != {"import", "monthly", "quarterly", "export", "pages", "county"}:
        args.append(f"--only {','.join(only)}")
    if label:
        args.append(f"--label {label}")
    extra = f' BENCH_ARGS="{" ".join(args)}"' if args else ""
    return f"make bench{'' if size == 'city' else f' SIZE={size}'}{extra}"


class Saver:
    """The run's two files, rewritten after each figure: <name>-<start>.json and LATEST-<name>.md."""

    def __init__(self, name: str, folder: Path = RESULTS):
        folder.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.data = folder / f"{name}-{datetime.now(UTC).strftime('%Y-%m-%dT%H%M')}.json"
        self.latest = folder / f"LATEST-{name}.md"

    def save(self, results: list[dict], env: dict) -> list[Path]:
        payload = {"environment": env, "figures": results}
        self.data.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        self.latest.write_text(markdown(self.name, results, env, self.data.name), encoding="utf-8")
        return [self.data, self.latest]


# --- the README block ------------------------------------------------------------------------

_SIZES = {"city": "市级 city", "province": "省级 province", "tiny": "tiny"}


def latest_runs(folder: Path = RESULTS) -> list[tuple[str, dict]]:
    """(name, JSON) for every LATEST-<name>.md: the JSON it names, or else the newest <name>-<date>.json;
    sizes in the order city, province, each full run before its partial runs."""
    found = []
    for md in folder.glob("LATEST-*.md"):
        name = md.stem.removeprefix("LATEST-")
        match = _RAW.search(md.read_text(encoding="utf-8"))
        candidates = [folder / match.group(1)] if match else []
        stamped = re.compile(re.escape(name) + r"-\d{4}-\d\d-\d\dT\d{4}\.json$")
        candidates += sorted(
            (p for p in folder.glob(f"{name}-*.json") if stamped.match(p.name)), reverse=True
        )
        raw = next((p for p in candidates if p.exists()), None)
        data = json.loads(raw.read_text(encoding="utf-8")) if raw is not None else {}
        if "figures" in data:  # written by bench.run (bench/results/ also holds other tools' results)
            found.append((name, data))
    order = list(_SIZES)
    size_rank = lambda name: order.index(name.split("-")[0]) if name.split("-")[0] in order else len(order)  # noqa: E731
    return sorted(found, key=lambda item: (size_rank(item[0]), "-" in item[0], item[0]))


_PAGE = re.compile(r"^page (?:stress )?p95, (.+?) \(")


def _key(name: str) -> str:
    """A figure's identity across runs: its name without the load run's length (", 15 s)"); a measured
    page figure's is the page's, so a newer run of a page supersedes every load mode of an older one
    (the modes have changed: an older run's modes must not stand beside the newer run's)."""
    page = _PAGE.match(name)
    return f"page: {page.group(1)}" if page else re.sub(r", \d+ s\)$", ")", name)


def current(runs: list[tuple[str, dict]]) -> list[tuple[str, dict, list[dict]]]:
    """Each file with only the figures no newer file of the same size measured again: an older partial
    run is superseded figure by figure, and left out once nothing of it is the latest."""
    out = []
    for name, data in runs:
        size, date = name.split("-")[0], data["environment"]["date"]
        newer = {
            _key(f["name"])
            for other, odata in runs
            if other.split("-")[0] == size and odata["environment"]["date"] > date
            for f in odata["figures"]
        }
        figures = [f for f in data["figures"] if _key(f["name"]) not in newer]
        if figures:
            out.append((name, data, figures))
    return out


def _load_range(env: dict) -> str:
    ones = [la[0] for la in env.get("machine", {}).get("load_average_1_5_15", [])]
    return f"{min(ones):g}–{max(ones):g}" if ones else "?"


# Page figures measured before the target moved to users who pause between pages (bench/pages.py): wrk with
# no pause is now the informational stress figure, and wrk's pauses kept workers waiting on idle connections.
_EARLIER_PAGE_MODES = {
    re.compile(r"^page p95, .+ \(\d+ users with no pause, \d+ workers"): "none: stress, informational",
    re.compile(r"^page p95, .+ \(\d+ users clicking every "): "none: withdrawn (wrk kept workers waiting)",
}


def as_now(fig: dict) -> dict:
    """An earlier run's page figure judged by today's rule: in a mode the target no longer applies to,
    no target and no verdict (its value stays as measured)."""
    for pattern, target in _EARLIER_PAGE_MODES.items():
        if pattern.match(fig["name"]):
            return {**fig, "target": target, "ok": None}
    return fig


def readme_block(runs: list[tuple[str, dict]]) -> str:
    out = [
        BEGIN,
        "<!-- 由 `.venv/bin/python -m bench.report --readme` 从 bench/results/LATEST-*.md 生成，请勿手改 -->",
    ]
    for name, data, figures in current(runs):
        env = data["environment"]
        size, _, label = name.partition("-")
        rounds = env.get("runs") or max((len(f["runs"]) for f in figures), default="?")
        title = _SIZES.get(size, size) + (f"，部分运行 `{label}`" if label else "")
        commit = env["git_commit"][:10] + ("（含未提交改动）" if env["git_dirty"] else "")
        partial = "；**未跑完**" if not env.get("complete", True) else ""
        total = env.get("seconds_total")
        took = f"，全程 {total / 60:.1f} 分钟" if total else ""
        out += [
            "",
            f"**{title}** — {env['date'][:16].replace('T', ' ')} UTC，提交 `{commit}`，每项 {rounds} 轮"
            f"{took}，1 分钟负载 {_load_range(env)}{partial}（`bench/results/LATEST-{name}.md`）",
            "",
            "| 项目 figure | 中位数 median | 目标 target | 结论 verdict |",
            "| --- | ---: | --- | --- |",
        ]
        for f in map(as_now, figures):
            out.append(f"| {f['name']} | {value_text(f)} | {f['target']} | {verdict(f)} |")
    out.append(END)
    return "\n".join(out)


def rewrite_readme(readme: Path = README, folder: Path = RESULTS) -> None:
    text = readme.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        raise SystemExit(f"{readme} has no {BEGIN} … {END} block")
    head, rest = text.split(BEGIN, 1)
    _old, tail = rest.split(END, 1)
    readme.write_text(head + readme_block(latest_runs(folder)) + tail, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--readme", action="store_true", help=f"rewrite the README block between {BEGIN} and {END}"
    )
    args = parser.parse_args()
    if args.readme:
        rewrite_readme()
    else:
        for name, data in latest_runs():
            print(f"== {name} ({data['environment']['date']})\n{table(data['figures'])}\n")


if __name__ == "__main__":
    main()
