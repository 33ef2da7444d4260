"""Registry bulk import vs a raw PostgreSQL COPY of the same rows, measured in one run.

    .venv/bin/python -m bench.registry_import --persons 100000 [--repeat 2] [--keep] [--xlsx]

1. A CSV of ``--persons`` persons in the county-office layout is generated from a seed (the demo-data
   generator, ≈2.3 persons per household, statuses 2016–2020, incomes and 两不愁三保障) and cached under
   ``var/bench/``.
2. **Fupin**: a child process (so its peak memory is its own) imports the file into a freshly migrated
   database with the real importer — streamed, fully validated, households, members, yearly records and
   their outbox events committed in batches — exactly what ``fupin registry import`` does.
3. **Baseline**: the rows Fupin wrote are exported with ``COPY … TO`` (binary) and loaded with
   ``COPY … FROM`` (binary, one transaction) into another freshly migrated database with the same
   indexes. Two baselines: *all rows* (households, members, records and outbox — the same rows in the
   same tables) and *person rows only* (households and members, no events).

With ``--xlsx`` the same data set is also written as an XLSX workbook (the layout a county office keeps in
Excel) and imported the same way into a fresh database: its persons/s beside the CSV path's.

Ratios are persons/s of Fupin over persons/s of each baseline (goal ≥ 0.50 of the first). The importer's
peak RSS is reported (goal ≤ 300 MB whatever the file size). Results go to
``bench/results/registry_import-<time>.json``. Needs the project's PostgreSQL (``make infra-up``).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_BASE = os.environ.get("FUPIN_TEST_PG_URL", "postgresql+asyncpg://fupin:fupin@127.0.0.1:55432/")
TABLES_ALL = ["household", "member", "household_income", "household_guarantee", "outbox"]
TABLES_PERSONS = ["household", "member"]
SEED = 2017


def _dsn(database: str) -> str:
    return PG_BASE.replace("postgresql+asyncpg", "postgresql") + database


async def _recreate(name: str, template: str | None = None) -> str:
    """A fresh database at the registry's Alembic head (divisions seeded), migrated or copied from a
    migrated ``template``; returns its SQLAlchemy URL."""
    import asyncpg

    from fupin_registry.app import MIGRATIONS
    from fupin_shared.db.migrations import upgrade

    conn = await asyncpg.connect(_dsn("postgres"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    finally:
        await conn.close()
    url = PG_BASE + name
    if template is None:
        await asyncio.to_thread(upgrade, MIGRATIONS, url)
    return url


async def _drop(name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(_dsn("postgres"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def make_file(persons: int, suffix: str = "csv") -> tuple[Path, int, int]:
    from fupin_registry import demodata

    directory = ROOT / "var" / "bench"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"registry-{persons}-{SEED}.{suffix}"
    meta = path.with_suffix(f".{suffix}.json")
    if path.exists() and meta.exists():
        info = json.loads(meta.read_text())
        return path, info["households"], info["persons"]
    write = demodata.write_xlsx if suffix == "xlsx" else demodata.write_csv
    households, people = write(path, demodata.Generator(SEED).households(demodata.households_for_persons(persons)))
    meta.write_text(json.dumps({"households": households, "persons": people}))
    return path, households, people


async def child_import(url: str, path: Path, batch_persons: int, reader: str = "auto") -> dict:
    """Runs in the child process: the real importer, timed; peak RSS of this process."""
    from fupin_registry.imports import service
    from fupin_registry.standalone import open_registry

    async with open_registry(url, migrate=False) as registry:
        job = await service.create_job(registry.uow(), path=path, filename=path.name, division="441200000000",
                                       actor="bench")
        started, cpu = time.perf_counter(), time.process_time()
        job = await service.run_job(registry.uow, job.id, batch_persons=batch_persons,
                                    reader_process={"auto": None, "thread": False, "process": True}[reader])
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"seconds": seconds, "cpu_seconds": cpu, "status": job.status, "households": job.households_created,
            "persons": job.persons_created, "errors": job.error_count,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "reader_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            "reader_cpu_seconds": resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime}


def run_fupin(url: str, path: Path, batch_persons: int, reader: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.registry_import", "--child", url, str(path),
                          "--batch-persons", str(batch_persons), "--reader", reader], cwd=ROOT,
                         capture_output=True, text=True,
                         env={**os.environ, "FUPIN_LOG_LEVEL": "WARNING"})
    if out.returncode != 0:
        raise SystemExit(f"importer failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


async def export_rows(database: str, directory: Path) -> dict[str, int]:
    import asyncpg

    conn = await asyncpg.connect(_dsn(database))
    counts = {}
    try:
        for table in TABLES_ALL:
            await conn.copy_from_table(table, output=str(directory / f"{table}.bin"), format="binary")
            counts[table] = await conn.fetchval(f"SELECT count(*) FROM {table}")
    finally:
        await conn.close()
    return counts


async def baseline_copy(database: str, directory: Path, tables: list[str]) -> float:
    """Raw binary COPY of the exported rows into the same tables (same indexes), one transaction."""
    import asyncpg

    conn = await asyncpg.connect(_dsn(database))
    try:
        started = time.perf_counter()
        async with conn.transaction():
            for table in tables:
                await conn.copy_to_table(table, source=str(directory / f"{table}.bin"), format="binary")
        return time.perf_counter() - started
    finally:
        await conn.close()


async def main(args: argparse.Namespace) -> dict:
    path, households, persons = make_file(args.persons)
    print(f"file: {path.name}: {households:,} households, {persons:,} persons, "
          f"{path.stat().st_size / 1e6:.1f} MB", flush=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    fupin_db, base_db = f"bench_reg_import_f_{stamp}", f"bench_reg_import_b_{stamp}"
    template = f"bench_reg_import_t_{stamp}"
    await _recreate(template)
    export = ROOT / "var" / "bench" / f"registry-export-{stamp}"
    export.mkdir(parents=True, exist_ok=True)
    runs = []
    try:
        for attempt in range(args.repeat):
            url = await _recreate(fupin_db, template)
            fupin = run_fupin(url, path, args.batch_persons, args.reader)
            if fupin["status"] != "done" or fupin["errors"]:
                raise SystemExit(f"the import did not run clean: {fupin}")
            counts = await export_rows(fupin_db, export)
            await _recreate(base_db, template)
            all_rows = await baseline_copy(base_db, export, TABLES_ALL)
            await _recreate(base_db, template)
            person_rows = await baseline_copy(base_db, export, TABLES_PERSONS)
            run = {"fupin_s": fupin["seconds"], "fupin_cpu_s": fupin["cpu_seconds"],
                   "reader_cpu_s": fupin["reader_cpu_seconds"], "reader_peak_rss_mb": fupin["reader_peak_rss_mb"],
                   "copy_all_s": all_rows, "copy_persons_s": person_rows,
                   "peak_rss_mb": fupin["peak_rss_mb"], "rows": counts}
            runs.append(run)
            if args.xlsx:
                xlsx_path, _, _ = make_file(args.persons, "xlsx")
                xlsx = run_fupin(await _recreate(fupin_db, template), xlsx_path, args.batch_persons, args.reader)
                if xlsx["status"] != "done" or xlsx["errors"] or xlsx["persons"] != fupin["persons"]:
                    raise SystemExit(f"the XLSX import did not run clean: {xlsx}")
                run |= {"xlsx_s": xlsx["seconds"], "xlsx_cpu_s": xlsx["cpu_seconds"],
                        "xlsx_peak_rss_mb": max(xlsx["peak_rss_mb"], xlsx["reader_peak_rss_mb"])}
                print(f"run {attempt + 1}: XLSX {xlsx['seconds']:.1f}s ({xlsx['persons'] / xlsx['seconds']:,.0f} "
                      f"persons/s, peak {run['xlsx_peak_rss_mb']:.0f} MB)", flush=True)
            print(f"run {attempt + 1}: fupin {fupin['seconds']:.1f}s "
                  f"({fupin['persons'] / fupin['seconds']:,.0f} persons/s; writer {fupin['cpu_seconds']:.1f}s CPU, "
                  f"peak {fupin['peak_rss_mb']:.0f} MB; reader process {fupin['reader_cpu_seconds']:.1f}s CPU, "
                  f"peak {fupin['reader_peak_rss_mb']:.0f} MB) · COPY all rows {all_rows:.1f}s · "
                  f"COPY person rows {person_rows:.1f}s", flush=True)
    finally:
        for file in export.glob("*.bin"):
            file.unlink()
        export.rmdir()
        await _drop(template)
        if not args.keep:
            await _drop(fupin_db)
            await _drop(base_db)
    fupin_s = statistics.median(r["fupin_s"] for r in runs)
    copy_all = statistics.median(r["copy_all_s"] for r in runs)
    copy_persons = statistics.median(r["copy_persons_s"] for r in runs)
    result = {
        "measure": "registry import, CSV, validated, with events", "date": datetime.now(UTC).isoformat(),
        "machine": {"cores": os.cpu_count(), "load_avg_1m": os.getloadavg()[0]},
        "persons": persons, "households": households, "rows": runs[-1]["rows"],
        "fupin_persons_per_s": persons / fupin_s,
        "copy_all_rows_persons_per_s": persons / copy_all,
        "copy_person_rows_persons_per_s": persons / copy_persons,
        "ratio_vs_copy_all_rows": copy_all / fupin_s, "ratio_vs_copy_person_rows": copy_persons / fupin_s,
        "goal": 0.5, "importer_peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "reader_peak_rss_mb": max(r["reader_peak_rss_mb"] for r in runs), "runs": runs,
    }
    if args.xlsx:
        xlsx_s = statistics.median(r["xlsx_s"] for r in runs)
        result |= {"xlsx_persons_per_s": persons / xlsx_s, "xlsx_vs_csv": fupin_s / xlsx_s,
                   "xlsx_peak_rss_mb": max(r["xlsx_peak_rss_mb"] for r in runs)}
    print(json.dumps({k: (round(v, 3) if isinstance(v, float) else v) for k, v in result.items() if k != "runs"},
                     ensure_ascii=False, indent=1))
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / f"registry_import-{stamp}.json").write_text(json.dumps(result, indent=1, ensure_ascii=False))
    return result


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--batch-persons", type=int, default=5000)
    parser.add_argument("--keep", action="store_true", help="keep the two databases")
    parser.add_argument("--xlsx", action="store_true", help="also import the same data set from an XLSX file")
    parser.add_argument("--reader", choices=["auto", "thread", "process"], default="auto",
                        help="validate in a thread of the importer or in a reader process (auto: by file size)")
    parser.add_argument("--child", nargs=2, metavar=("URL", "FILE"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


if __name__ == "__main__":
    arguments = parse()
    if arguments.child:
        print(json.dumps(asyncio.run(child_import(arguments.child[0], Path(arguments.child[1]),
                                                 arguments.batch_persons, arguments.reader))))
    else:
        asyncio.run(main(arguments))
