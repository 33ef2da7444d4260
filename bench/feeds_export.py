"""The persons change feed over HTTP vs PostgreSQL's own ``COPY … TO STDOUT`` of the same rows.

    .venv/bin/python -m bench.feeds_export [--persons 1000000] [--small 100000]

1. A scratch PostgreSQL database is migrated with the registry's migrations and filled by SQL
   (``generate_series``): ``--small`` persons in 广宁县 (441223) and the rest in 怀集县 (441224),
   four per household.
2. The registry app runs as ``fupin serve registry`` would (uvicorn, one worker, uvloop, httptools),
   in its own process.
3. Baseline: ``COPY (<the feed's own SELECT: HMAC pseudonyms, age bands…>) TO STDOUT (FORMAT csv)``
   through asyncpg into a sink that drops the bytes — the same rows as the feed, measured right
   before the HTTP pulls, in the same run.
4. ``GET /v1/feeds/persons?format=csv`` and ``?format=ndjson`` with a city token (all rows), streamed
   uncompressed (``Accept-Encoding: identity``, as COPY's bytes are) and dropped by an httpx client; rows/s of each and the ratio to COPY (goals: CSV ≥ 0.70,
   NDJSON ≥ 0.20).
5. Peak server memory: the server process's ``VmHWM`` after a county export (``--small`` rows)
   and after the city exports (all rows), NDJSON and CSV.

Results go to ``bench/results/feeds_export-<time>.json``. Needs the project's PostgreSQL.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CITY, SMALL_COUNTY = "441200000000", "441223000000"

FILL = """
INSERT INTO household (id, village_code, status, head_name, head_id_number, persons, labour_type, guarantee_type,
                       poverty_causes, cause_mask, registered_year, identified_year, version, created_at, updated_at)
SELECT gen_random_uuid(),
       CASE WHEN g <= $1 THEN '441223101' ELSE '441224100' END || lpad((200 + g % 60)::text, 3, '0'),
       CASE WHEN g % 10 = 0 THEN 'exited' ELSE 'identified' END, '测试户主', lpad(g::text, 18, '0'), 4, 'labour',
       'none', '["illness", "lack_of_funds"]'::jsonb, 1, 2016, 2016, 1, now(), now()
FROM generate_series(1, $2) g;
"""
FILL_MEMBERS = """
INSERT INTO member (id, household_id, id_number, name, sex, birth_date, relation, in_school, education, health,
                    medical_insurance, pension_insurance, labour_skill, employment, active, version, created_at,
                    updated_at)
SELECT gen_random_uuid(), h.id, substr(md5(h.id::text || k), 1, 18), '测试成员',
       CASE WHEN k % 2 = 0 THEN 'female' ELSE 'male' END, date '1945-01-01' + ((hashtext(h.id::text || k) & 65535) % 27000),
       CASE k WHEN 1 THEN 'head' WHEN 2 THEN 'spouse' ELSE 'child' END, k > 2, 'primary', 'healthy', true, k <= 2,
       'ordinary', 'farming', true, 1, now(), now()
FROM household h CROSS JOIN generate_series(1, 4) k;
"""


async def prepare(name: str, persons: int, small: int) -> str:
    import asyncpg

    from bench.registry_import import _dsn, _recreate

    url = await _recreate(name)
    conn = await asyncpg.connect(_dsn(name))
    try:
        t0 = time.perf_counter()
        await conn.execute(FILL, small // 4, persons // 4)
        await conn.execute(FILL_MEMBERS)
        await conn.execute("VACUUM ANALYZE household")
        await conn.execute("VACUUM ANALYZE member")
        print(f"filled {persons:,} persons in {time.perf_counter() - t0:.1f}s", flush=True)
    finally:
        await conn.close()
    return url


async def copy_baseline(name: str, division: str, client_id: str, pseudonym_key: str) -> dict:
    """COPY of the feed's own SELECT (as the server runs it, in a repeatable-read snapshot)."""
    import asyncpg

    from bench.registry_import import _dsn
    from fupin_registry.feeds import domain, repository
    from fupin_shared.auth.principal import division_range

    conn = await asyncpg.connect(_dsn(name))
    total = 0
    lines = 0

    async def sink(chunk: bytes) -> None:
        nonlocal total, lines
        total += len(chunk)
        lines += chunk.count(b"\n")

    try:
        lo, hi = division_range(division)
        args = repository.pg_args("persons", domain.consumer_key(pseudonym_key, client_id), lo, hi, 0, 0, date.today())
        t0 = time.perf_counter()
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            await conn.execute("SET LOCAL TimeZone = 'UTC'")
            await conn.copy_from_query(repository.pg_query("persons", 0), *args, output=sink, format="csv",
                                       header=True)
        seconds = time.perf_counter() - t0
    finally:
        await conn.close()
    return {"rows": lines - 1, "bytes": total, "seconds": seconds, "rows_per_s": (lines - 1) / seconds}


def pull(port: int, token: str, fmt: str) -> dict:
    import httpx

    total = lines = 0
    t0 = time.perf_counter()
    with httpx.stream("GET", f"http://127.0.0.1:{port}/v1/feeds/persons", params={"format": fmt},
                      headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"}, timeout=None) as r:
        if r.status_code != 200:
            raise SystemExit(f"{fmt}: {r.status_code} {r.read()[:300]!r}")
        for chunk in r.iter_raw(1 << 16):
            total += len(chunk)
            lines += chunk.count(b"\n")
    seconds = time.perf_counter() - t0
    rows = lines - (1 if fmt == "csv" else 0)
    return {"rows": rows, "bytes": total, "seconds": seconds, "rows_per_s": rows / seconds}


def hwm_kib(pid: int) -> tuple[int, int]:
    """(VmHWM, VmRSS) of the server process in KiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            fields[key] = int(value.split()[0])
    return fields["VmHWM"], fields["VmRSS"]


def serve(port: int, url: str, key_file: str) -> None:
    import uvicorn

    from fupin_registry.app import create_app
    from fupin_registry.settings import RegistrySettings

    app = create_app(RegistrySettings(database_url=url, auth_key_file=Path(key_file), inline_workers=False,
                                      db_pool_size=4, db_max_overflow=0))
    uvicorn.run(app, host="127.0.0.1", port=port, log_config=None, access_log=False, loop="uvloop",
                http="httptools", lifespan="on")


def main(args: argparse.Namespace) -> dict:
    from bench.registry_get import _free_port, _wait_port
    from bench.registry_import import _drop
    from fupin_registry.settings import RegistrySettings
    from fupin_shared.testing import mint_token

    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    name = f"bench_feeds_{stamp}"
    work = ROOT / "var" / "bench" / f"feeds-{stamp}"
    work.mkdir(parents=True, exist_ok=True)
    key_file = work / "signing-key.json"
    pseudonym_key = RegistrySettings().pseudonym_key
    url = asyncio.run(prepare(name, args.persons, args.small))
    city = mint_token(key_file, client_id="bench", scopes="feeds:read", division=CITY)
    county = mint_token(key_file, client_id="bench", scopes="feeds:read", division=SMALL_COUNTY)
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "bench.feeds_export", "--serve", str(port), url, str(key_file)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=(work / "server.log").open("wb"),
                              env={**os.environ, "FUPIN_REGISTRY_INLINE_WORKERS": "false"})
    result: dict = {"persons": args.persons, "small": args.small}
    try:
        _wait_port(port)
        pull(port, county, "ndjson")  # warm-up (imports, pool, caches)
        result["memory_kib_after_warmup"] = hwm_kib(server.pid)[0]
        result["small_csv"] = pull(port, county, "csv")
        result["small_ndjson"] = pull(port, county, "ndjson")
        result["memory_kib_after_small"] = hwm_kib(server.pid)[0]
        result["copy"] = asyncio.run(copy_baseline(name, CITY, "bench", pseudonym_key))
        result["csv"] = pull(port, city, "csv")
        result["ndjson"] = pull(port, city, "ndjson")
        result["memory_kib_after_large"] = hwm_kib(server.pid)[0]
        for fmt in ("csv", "ndjson"):
            if result[fmt]["rows"] != result["copy"]["rows"]:
                raise SystemExit(f"{fmt}: {result[fmt]['rows']} rows, COPY {result['copy']['rows']}")
            result[f"{fmt}_ratio"] = result[fmt]["rows_per_s"] / result["copy"]["rows_per_s"]
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        if not args.keep:
            asyncio.run(_drop(name))
    print(f"COPY      {result['copy']['rows']:>9,} rows {result['copy']['seconds']:6.2f}s "
          f"{result['copy']['rows_per_s']:>10,.0f} rows/s")
    for fmt in ("csv", "ndjson"):
        r = result[fmt]
        print(f"HTTP {fmt:6s}{r['rows']:>9,} rows {r['seconds']:6.2f}s {r['rows_per_s']:>10,.0f} rows/s  "
              f"ratio {result[fmt + '_ratio']:.2f}")
    print(f"server peak RSS: warm-up {result['memory_kib_after_warmup'] / 1024:.0f} MiB, after {args.small:,} rows "
          f"{result['memory_kib_after_small'] / 1024:.0f} MiB, after {args.persons:,} rows "
          f"{result['memory_kib_after_large'] / 1024:.0f} MiB")
    out = ROOT / "bench" / "results" / f"feeds_export-{stamp}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    return result


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--serve", nargs=3, metavar=("PORT", "URL", "KEY_FILE"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


if __name__ == "__main__":
    arguments = parse()
    if arguments.serve:
        port_, url_, key_ = arguments.serve
        serve(int(port_), url_, key_)
    else:
        main(arguments)
