"""One benchmark harness: every headline figure of Fupin beside its baseline, measured in the same run.

    .venv/bin/python -m bench --scale small|medium|large [--only NAME ...] [--out docs/benchmarks.md]

Each measure calls the benchmark script that owns it (``bench/registry_import.py``, ``registry_get.py``,
``household_post.py``, ``propagation.py`` → ``monitoring_lag.py``, ``monitoring_overview.py``,
``feeds_export.py``) at the sizes of the chosen scale, collects its figures, and writes a table of
measure · Fupin · baseline · ratio · goal · met? with the date and the machine (cores, memory, load
average before and after) to ``docs/benchmarks.md`` (and the raw figures to ``bench/results/``).

Where an HTTP goal is missed and pyinstrument is installed, a profile of the Fupin server under the same
load is kept under ``bench/profiles/`` (``--no-profiles`` to skip).

A measure that fails (a broken script, a service that did not start) is reported as *failed* with its
error and the harness exits 1 after writing the table; a goal missed is a figure, not a failure.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# sizes per scale; "medium" is meant to fit in about 15 minutes on 2 idle cores
SCALES: dict[str, dict] = {
    "tiny": {  # the CI smoke test: a few seconds
        "import_persons": (200, 600), "get": {"households": 30, "concurrency": 4, "duration": 1, "rounds": 1},
        "post": {"concurrency": 4, "duration": 1, "rounds": 1}, "propagation": {"rate": 100, "seconds": 3},
        "overview": {"persons": 2000, "requests": 100}, "feeds_rows": (200, 600),
    },
    "small": {
        "import_persons": (2_000, 10_000), "get": {"households": 500, "concurrency": 32, "duration": 3, "rounds": 1},
        "post": {"concurrency": 32, "duration": 3, "rounds": 1}, "propagation": {"rate": 500, "seconds": 10},
        "overview": {"persons": 20_000, "requests": 300}, "feeds_rows": (2_000, 10_000),
    },
    "medium": {
        "import_persons": (20_000, 100_000), "get": {"households": 5_000, "concurrency": 32, "duration": 15, "rounds": 2},
        "post": {"concurrency": 32, "duration": 15, "rounds": 2}, "propagation": {"rate": 500, "seconds": 60},
        "overview": {"persons": 200_000, "requests": 1000}, "feeds_rows": (20_000, 100_000),
    },
    "large": {
        "import_persons": (100_000, 1_000_000), "get": {"households": 50_000, "concurrency": 32, "duration": 30, "rounds": 3},
        "post": {"concurrency": 32, "duration": 30, "rounds": 3}, "propagation": {"rate": 500, "seconds": 120},
        "overview": {"persons": 1_000_000, "requests": 2000}, "feeds_rows": (100_000, 1_000_000),
    },
}


@dataclass
class Row:
    measure: str
    fupin: str = "—"
    baseline: str = "—"
    ratio: str = "—"
    goal: str = "—"
    met: bool | None = None
    note: str = ""
    raw: dict = field(default_factory=dict)


def machine() -> dict:
    meminfo = Path("/proc/meminfo").read_text()
    total = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1)) // 1024
    available = int(re.search(r"MemAvailable:\s+(\d+)", meminfo).group(1)) // 1024
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.machine())
    return {"cores": os.cpu_count(), "cpu": cpu, "memory_mb": total, "memory_available_mb": available,
            "load_avg": [round(x, 2) for x in os.getloadavg()], "python": platform.python_version(),
            "kernel": platform.release()}


def _fmt(value: float, unit: str = "") -> str:
    if value >= 100:
        text = f"{value:,.0f}"
    elif value >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    return f"{text} {unit}".strip()


# ---------------------------------------------------------------- the measures


def measure_import(sizes: dict) -> list[Row]:
    from bench import registry_import

    small, big = sizes["import_persons"]
    runs = {n: asyncio.run(registry_import.main(registry_import.parse(["--persons", str(n)]))) for n in (small, big)}
    r = runs[big]
    rows = [Row("registry import, CSV, validated, with events (persons/s)",
                fupin=_fmt(r["fupin_persons_per_s"]), baseline=_fmt(r["copy_all_rows_persons_per_s"]) + " (COPY)",
                ratio=f"{r['ratio_vs_copy_all_rows']:.2f}", goal="≥ 0.50 ×", met=r["ratio_vs_copy_all_rows"] >= 0.5,
                note=f"{r['persons']:,} persons, {r['rows'].get('outbox', 0):,} events; baseline = COPY (binary) of the "
                     f"same rows into the same tables; COPY of person rows only: "
                     f"{_fmt(r['copy_person_rows_persons_per_s'])} persons/s (ratio {r['ratio_vs_copy_person_rows']:.2f}); "
                     f"the importer's own CPU (writer + reader process): "
                     f"{r['runs'][-1]['fupin_cpu_s'] + r['runs'][-1].get('reader_cpu_s', 0):.1f} s for "
                     f"{r['runs'][-1]['fupin_s']:.1f} s of wall clock",
                raw={str(k): v for k, v in runs.items()})]
    def peak(run: dict) -> float:  # the larger of the importer's processes (the writer and, if any, its reader)
        return max(run["importer_peak_rss_mb"], run.get("reader_peak_rss_mb", 0))

    low, high = peak(runs[small]), peak(runs[big])
    growth = high / low - 1
    rows.append(Row(f"importer peak memory, {small:,} vs {big:,} persons", fupin=f"{low:.0f} → {high:.0f} MB",
                    ratio=f"{high / low:.2f}", goal="flat (±20 %), ≤ 300 MB", met=growth <= 0.2 and high <= 300,
                    note="peak RSS (ru_maxrss) of the larger of the importer's processes: writer "
                         f"{runs[big]['importer_peak_rss_mb']:.0f} MB, reader "
                         f"{runs[big].get('reader_peak_rss_mb', 0):.0f} MB at {big:,} persons"))
    return rows


def measure_get(sizes: dict) -> list[Row]:
    from bench import registry_get

    g = sizes["get"]
    r = registry_get.main(registry_get.parse(["--households", str(g["households"]), "--concurrency", str(g["concurrency"]),
                                              "--duration", str(g["duration"]), "--rounds", str(g["rounds"])]))
    f, b = r["fupin"], r["baseline"]
    met = r["ratio"] >= 0.8 and f["p99_ms"] <= 50
    return [Row(f"GET household by id (auth, masking, ETag), {g['concurrency']} clients (req/s)",
                fupin=f"{f['rps']:,.0f} (p50 {f['p50_ms']:.1f} / p99 {f['p99_ms']:.1f} ms)",
                baseline=f"{b['rps']:,.0f} (p50 {b['p50_ms']:.1f} / p99 {b['p99_ms']:.1f} ms)",
                ratio=f"{r['ratio']:.2f}", goal="≥ 0.80 ×, p99 ≤ 50 ms", met=met,
                note=f"baseline: bare FastAPI + asyncpg, same PK SELECT, same uvicorn setup; {g['duration']} s × "
                     f"{g['rounds']} rounds, {r['households']:,} households; load from a separate process",
                raw=r)]


def measure_post(sizes: dict) -> list[Row]:
    from bench import household_post

    p = sizes["post"]
    r = household_post.main(household_post.parse(["--concurrency", str(p["concurrency"]), "--duration",
                                                  str(p["duration"]), "--rounds", str(p["rounds"])]))
    f, b = r["fupin"], r["baseline"]
    return [Row(f"POST household (state + outbox), {p['concurrency']} clients (req/s)",
                fupin=f"{f['rps']:,.0f} (p50 {f['p50_ms']:.1f} / p99 {f['p99_ms']:.1f} ms)",
                baseline=f"{b['rps']:,.0f} (p50 {b['p50_ms']:.1f} / p99 {b['p99_ms']:.1f} ms)",
                ratio=f"{r['ratio']:.2f}", goal="≥ 0.30 ×", met=r["ratio"] >= 0.3,
                note="baseline: bare FastAPI endpoint doing one INSERT (asyncpg); every Fupin request a real 201",
                raw=r)]


def measure_propagation(sizes: dict) -> list[Row]:
    from bench import propagation

    p = sizes["propagation"]
    r = propagation.main(propagation.parse(["--rate", str(p["rate"]), "--seconds", str(p["seconds"])]))
    f, b = r["fupin"], r["baseline"]
    raw = {k: v for k, v in r.items() if k != "fupin"} | {"fupin": {k: v for k, v in f.items() if k != "output"}}
    return [Row(f"event propagation, commit → visible in the monitoring view, p99 at {p['rate']:,} events/s",
                fupin=f"{f['p99_ms']:,.0f} ms (p50 {f['p50_ms']:,.0f})",
                baseline=f"{b['p99_ms']:.1f} ms (p50 {b['p50_ms']:.1f})", ratio=f"+{f['p99_ms'] - b['p99_ms']:,.0f} ms",
                goal="≤ baseline + 100 ms", met=r["met"],
                note=f"Fupin: bench/monitoring_lag.py — writers commit state + outbox through the spine's "
                     "UnitOfWork, the spine's Relay publishes (woken by NOTIFY), the monitoring view consumes; the "
                     f"service's own histogram, commit → view committed; {f['events']:,.0f} events sent at "
                     f"{f['send_rate']:,.0f}/s for {p['seconds']} s; baseline: raw aiokafka produce → consume round "
                     "trip at the same rate", raw=raw)]


def measure_overview(sizes: dict) -> list[Row]:
    from bench.registry_get import _free_port

    o = sizes["overview"]
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "monitoring_overview.py"), "--persons", str(o["persons"]),
                          "--requests", str(o["requests"]), "--port", str(_free_port())], cwd=ROOT,
                         capture_output=True, text=True, timeout=3600)
    if out.returncode != 0:
        raise RuntimeError(f"monitoring_overview failed: {out.stderr[-2000:]}")

    def line(name: str) -> dict:
        found = re.search(re.escape(name) + r"\s+p50\s+([\d.]+) ms\s+p95\s+([\d.]+) ms\s+p99\s+([\d.]+) ms", out.stdout)
        if not found:
            raise RuntimeError(f"monitoring_overview: no figures for {name!r} in:\n{out.stdout}")
        return {"p50_ms": float(found.group(1)), "p95_ms": float(found.group(2)), "p99_ms": float(found.group(3))}

    city, floor = line("GET /v1/overview (city, now)"), line("baseline: bare asyncpg counter read")
    built = re.search(r"built: ([\d,]+) households, ([\d,]+) persons", out.stdout)
    return [Row(f"monitoring overview, whole city, {o['persons']:,} persons, p99",
                fupin=f"{city['p99_ms']:.1f} ms (p50 {city['p50_ms']:.1f})",
                baseline=f"{floor['p99_ms']:.1f} ms (p50 {floor['p50_ms']:.1f})",
                ratio=f"{floor['p50_ms'] / city['p50_ms']:.2f} (p50)", goal="≤ 20 ms", met=city["p99_ms"] <= 20,
                note=f"bench/monitoring_overview.py: {built.group(0) if built else ''}; {o['requests']:,} sequential "
                     "requests over HTTP; baseline (not a goal): the same counter rows read with bare asyncpg",
                raw={"city": city, "baseline": floor, "output": out.stdout})]


def measure_feeds(sizes: dict) -> list[Row]:
    from bench import feeds_export

    small, big = sizes["feeds_rows"]
    r = feeds_export.main(feeds_export.parse(["--persons", str(big), "--small", str(small)]))
    copy = r["copy"]
    rows = []
    for fmt, goal in (("csv", 0.7), ("ndjson", 0.2)):
        fig, ratio = r[fmt], r[f"{fmt}_ratio"]
        rows.append(Row(f"feed export over HTTP, {big:,} rows as {fmt.upper()}, streamed (rows/s)",
                        fupin=_fmt(fig["rows_per_s"]), baseline=_fmt(copy["rows_per_s"]) + " (COPY TO STDOUT)",
                        ratio=f"{ratio:.2f}", goal=f"≥ {goal:.2f} ×", met=ratio >= goal,
                        note="bench/feeds_export.py: GET /v1/feeds/persons?format=… with a city token, uncompressed; "
                             "baseline: COPY (the feed's own SELECT) TO STDOUT through asyncpg into a sink",
                        raw=r))
    warm, low, high = (r[f"memory_kib_after_{k}"] / 1024 for k in ("warmup", "small", "large"))
    rows.append(Row(f"exporter peak memory, {small:,} vs {big:,} rows", fupin=f"{low:.0f} → {high:.0f} MB",
                    ratio=f"{high / low:.2f}", goal="flat (±20 %), ≤ 300 MB", met=high / low - 1 <= 0.2 and high <= 300,
                    note=f"VmHWM of the registry server process (after warm-up {warm:.0f} MB), a county export "
                         f"of {small:,} rows, then the city's {big:,} rows as CSV and NDJSON"))
    return rows


MEASURES: dict[str, Callable[[dict], list[Row]]] = {
    "import": measure_import, "feeds": measure_feeds, "get": measure_get, "post": measure_post,
    "propagation": measure_propagation, "overview": measure_overview,
}


# ---------------------------------------------------------------- profiles of missed goals


def profile_http(kind: str, seconds: float = 8.0) -> Path | None:
    """Runs the Fupin server of ``kind`` ("get" or "post") under pyinstrument with the same load for a few
    seconds and keeps the profile (text tree) under bench/profiles/."""
    try:
        import pyinstrument  # noqa: F401
    except ImportError:
        return None
    from bench import household_post, registry_get
    from bench.registry_import import _drop
    from fupin_shared.testing import mint_token

    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    profiles = ROOT / "bench" / "profiles"
    profiles.mkdir(exist_ok=True)
    target = profiles / f"{kind}-{stamp}.txt"
    work = ROOT / "var" / "bench" / f"profile-{kind}-{stamp}"
    work.mkdir(parents=True, exist_ok=True)
    key_file = work / "signing-key.json"
    name = f"bench_profile_{kind}_{stamp}"
    module = "bench.registry_get" if kind == "get" else "bench.household_post"
    if kind == "get":
        url, ids = asyncio.run(registry_get.prepare_database(name, 300))
        paths = work / "paths"
        paths.write_text("\n".join(f"/v1/households/{i}" for i in ids))
    else:
        url = asyncio.run(household_post.prepare_database(name))
    token = mint_token(key_file, client_id="bench", scopes="registry:read registry:write", division="441200000000")
    port = registry_get._free_port()
    session = work / "profile.pyisession"
    server = subprocess.Popen([sys.executable, "-m", "pyinstrument", "-r", "pyisession", "-o",
                               str(session), "-m", module, "--serve", "fupin", str(port), url, str(key_file)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, "FUPIN_REGISTRY_INLINE_WORKERS": "false"})
    try:
        registry_get._wait_port(port, timeout=240)  # imports under the profiler are slow on a busy machine
        if kind == "get":
            registry_get.run_load(port, paths, token, 32, seconds)
        else:
            household_post.run_load(port, "/v1/households", token, 32, seconds, 2_000_000)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
        if session.exists():  # a text tree: readable in a diff, small enough to keep in git
            subprocess.run([sys.executable, "-m", "pyinstrument", "--load", str(session), "-r", "text",
                            "--no-color", "-o", str(target)], cwd=ROOT, check=False)
        for file in work.iterdir():
            file.unlink()
        work.rmdir()
        asyncio.run(_drop(name))
    return target if target.exists() else None


# ---------------------------------------------------------------- the report


def render(scale: str, rows: list[Row], before: dict, after: dict, seconds: float, profiles: dict[str, Path]) -> str:
    def met(row: Row) -> str:
        if row.met is None:
            return "—"
        return "✅ yes" if row.met else "❌ no"

    load_note = (f"load average {before['load_avg'][0]} / {before['load_avg'][1]} / {before['load_avg'][2]} (1/5/15 min) "
                 f"at the start, {after['load_avg'][0]} / {after['load_avg'][1]} / {after['load_avg'][2]} at the end")
    busy = max(before["load_avg"][0], after["load_avg"][0]) > (before["cores"] or 1)
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`.venv/bin/python -m bench --scale " + scale + "`); do not edit by hand.",
        "Every figure is measured beside its baseline in the same run, on the same machine, so the **ratio** is",
        "what holds from one machine to another; the absolute figures only describe this run.",
        "",
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; scale `{scale}`; the whole run took {seconds / 60:.1f} min",
        f"- machine: {before['cores']} cores ({before['cpu']}), {before['memory_mb']:,} MB memory "
        f"({before['memory_available_mb']:,} MB available at the start), Linux {before['kernel']}, Python {before['python']}",
        f"- {load_note}" + (" — **the machine was shared with other work during this run** (load above the number of "
                            "cores): absolute figures are depressed and noisy, ratios less so" if busy else ""),
        "- PostgreSQL and Kafka: the project's local ones (`make infra-up`), on the same machine",
        "",
        "| measure | Fupin | baseline | ratio | goal | met? |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(f"| {row.measure} | {row.fupin} | {row.baseline} | {row.ratio} | {row.goal} | {met(row)} |")
    lines += ["", "## Notes", ""]
    for row in rows:
        if row.note:
            lines.append(f"- **{row.measure}** — {row.note}")
    missed = [row for row in rows if row.met is False]
    if missed:
        lines += ["", "## Goals missed", ""]
        for row in missed:
            lines.append(f"- {row.measure}: {row.fupin} against {row.baseline} (ratio {row.ratio}, goal {row.goal}).")
        if profiles:
            lines += ["", "Profiles of the Fupin server under the same load (pyinstrument, text tree), kept for the "
                      "tuning work:", ""]
            lines += [f"- `{p.relative_to(ROOT)}` ({kind})" for kind, p in profiles.items()]
    lines += ["", "## Sizes of the scales", "",
              "`small` is a smoke run (seconds to a few minutes); `medium` is meant to fit in about 15 minutes on 2 "
              "idle cores; `large` measures at the sizes of the goals (1,000,000 persons).", "",
              "| scale | import persons (memory: small vs big) | GET / POST clients × s × rounds | propagation | "
              "overview persons |", "|---|---|---|---|---|"]
    for name, s in SCALES.items():
        lines.append(f"| {name} | {s['import_persons'][0]:,} vs {s['import_persons'][1]:,} | "
                     f"{s['get']['concurrency']} × {s['get']['duration']} × {s['get']['rounds']} | "
                     f"{s['propagation']['rate']}/s for {s['propagation']['seconds']} s | {s['overview']['persons']:,} |")
    lines += ["", "Raw figures of this run: `bench/results/harness-*.json`. How to run and read: `bench/README.md`.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=list(SCALES), default="medium")
    parser.add_argument("--only", nargs="+", choices=list(MEASURES), help="run only these measures")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--no-profiles", action="store_true", help="do not profile the HTTP measures that miss")
    args = parser.parse_args(argv)
    sizes = SCALES[args.scale]
    before, started = machine(), time.monotonic()
    rows: list[Row] = []
    failed = []
    for name in args.only or list(MEASURES):
        print(f"== {name} ({args.scale})", flush=True)
        t0 = time.monotonic()
        try:
            got = MEASURES[name](sizes)
        except (Exception, SystemExit) as error:  # noqa: BLE001 - a failed measure is reported, the others run
            traceback.print_exc()
            failed.append(name)
            got = [Row(f"{name}", note=f"**failed**: {str(error).strip().splitlines()[-1][:300] if str(error) else type(error).__name__}")]
        rows += got
        print(f"   {name}: {time.monotonic() - t0:.0f} s; " + "; ".join(f"{r.fupin} vs {r.baseline} → {r.ratio}"
                                                                        for r in got), flush=True)
    profiles: dict[str, Path] = {}
    if not args.no_profiles:
        for kind, prefix in (("get", "GET household"), ("post", "POST household")):
            if any(r.measure.startswith(prefix) and r.met is False for r in rows):
                try:
                    if (path := profile_http(kind)) is not None:
                        profiles[kind] = path
                except (Exception, SystemExit):  # noqa: BLE001 - a profile is a bonus, never a failure
                    traceback.print_exc()
    after = machine()
    seconds = time.monotonic() - started
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(render(args.scale, rows, before, after, seconds, profiles))
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / f"harness-{args.scale}-{datetime.now(UTC):%Y%m%d%H%M%S}.json").write_text(json.dumps(
        {"scale": args.scale, "machine_before": before, "machine_after": after, "seconds": seconds,
         "rows": [{k: v for k, v in row.__dict__.items()} for row in rows]}, indent=1, ensure_ascii=False, default=str))
    print(f"wrote {args.out} ({seconds / 60:.1f} min)" + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0
