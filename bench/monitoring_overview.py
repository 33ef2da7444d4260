"""Monitoring overview latency on a large synthetic read model (PostgreSQL).

1. Builds the read model of a city of ``--persons`` persons (default 1,000,000: about 435,000
   households with their members, a year of income and 两不愁三保障 records, identifications and
   exits, plus a funds picture) by running synthetic events through the view's own projector
   in batches — the same code and tables as the live view — and reports the projection rate.
2. Starts the monitoring API as its own process (``fupin serve monitoring --no-workers``) on that
   database and measures ``GET /v1/overview`` for the whole city (and a county, and the city at a
   year end) over HTTP: p50 / p95 / p99 over ``--requests`` sequential requests after a warm-up.
3. Baseline in the same run: the same counter rows read with a bare asyncpg query (the floor of
   any implementation that reads them), so the figure reads as a ratio too.

    .venv/bin/python bench/monitoring_overview.py [--persons 1000000] [--requests 2000] [--keep]

PostgreSQL must run (deploy/local/pg.sh start). The database ``bench_monitoring_overview`` is
recreated unless ``--reuse`` is given (then the read model already built is measured again).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[1]
PG = os.environ.get("FUPIN_BENCH_PG", "postgresql+asyncpg://fupin:fupin@127.0.0.1:55432/")
DB = "bench_monitoring_overview"
CITY, COUNTY = "441200000000", "441223000000"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


async def recreate_database() -> str:
    conn = await asyncpg.connect(PG.replace("postgresql+asyncpg", "postgresql") + "postgres")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{DB}"')
    finally:
        await conn.close()
    return PG + DB


def households(rng: random.Random, villages: list[str], count: int):  # noqa: ANN201
    """Lean household histories: registration, identification, members, one year's records, exits."""
    from fupin_monitoring.synthetic import LINE_FEN, PATHS, envelope
    from fupin_shared.contracts import registry as cr

    for i in range(count):
        hid, village = uuid.uuid4(), villages[i % len(villages)]
        persons = rng.choice((1, 2, 2, 2, 3, 3, 3, 4, 5))
        year = rng.choice((2016, 2017, 2018))
        base = {"household_id": hid, "village_code": village, "persons": persons}
        yield envelope(cr.HouseholdRegistered(**base, status="identified", year=year, labour_type="labour",
                                              poverty_causes=[rng.choice(("illness", "disability", "lack_of_skills"))]),
                       subject=hid)
        yield envelope(cr.HouseholdIdentified(**base, status="identified", year=year), subject=hid)
        for _ in range(persons):
            yield envelope(cr.MemberAdded(**base, status="identified", member_id=uuid.uuid4(),
                                          birth_date=date(1950 + rng.randrange(65), 6, 1), in_school=None,
                                          medical_insurance=rng.random() > 0.01), subject=hid)
        income = int(LINE_FEN * rng.uniform(0.7, 2.0))
        yield envelope(cr.IncomeRecorded(**base, status="identified", year=2019, per_capita_income_fen=income,
                                         line_fen=LINE_FEN), subject=hid)
        yield envelope(cr.GuaranteesAssessed(**base, status="identified", year=2019, food=True, clothing=True,
                                             compulsory_education=True, basic_medical=True, drinking_water=True,
                                             housing_safety=rng.choice("AAAB"), compliant=True), subject=hid)
        if income >= LINE_FEN and rng.random() < 0.8:
            yield envelope(cr.HouseholdExited(**base, status="exited", year=2019, exit_path=rng.choice(PATHS),
                                              per_capita_income_fen=income, line_fen=LINE_FEN), subject=hid)


async def build(url: str, persons: int, batch: int) -> dict[str, float]:
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from fupin_monitoring import synthetic
    from fupin_monitoring.alerts.domain import default_rules
    from fupin_monitoring.app import MIGRATIONS
    from fupin_monitoring.view.projector import Projector
    from fupin_monitoring.workdays import default_calendar
    from fupin_shared.db import create_engine_from_url
    from fupin_shared.db.migrations import upgrade

    await asyncio.to_thread(upgrade, MIGRATIONS, url)
    engine = create_engine_from_url(url)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    projector = Projector(calendar=default_calendar(), rules=default_rules(), alerts=None)
    rng = random.Random(20181210)
    villages = synthetic.villages(1400)
    target_households = int(persons / 2.3)
    events = done_persons = 0
    started = time.perf_counter()
    chunk: list = []

    async def flush() -> None:
        async with sessions() as session, session.begin():
            await projector.apply(session, chunk)
        chunk.clear()

    for event in households(rng, villages, target_households):
        chunk.append(event)
        events += 1
        if event.type.endswith("member.added.v1"):
            done_persons += 1
        if len(chunk) >= batch:
            await flush()
            if events % (batch * 50) == 0:
                rate = events / (time.perf_counter() - started)
                print(f"  projected {events:,} events ({done_persons:,} persons), {rate:,.0f} events/s", flush=True)
    funds = list(synthetic.funds_history(rng, villages))
    chunk.extend(funds)
    events += len(funds)
    await flush()
    seconds = time.perf_counter() - started
    await engine.dispose()
    return {"events": events, "persons": done_persons, "households": target_households, "seconds": seconds}


async def baseline(url: str, n: int) -> list[float]:
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    out = []
    try:
        for _ in range(n):
            t0 = time.perf_counter()
            await conn.fetch("SELECT year, metric, key, value FROM view_counter WHERE division_code = $1 AND value <> 0",
                             CITY)
            out.append((time.perf_counter() - t0) * 1000)
    finally:
        await conn.close()
    return out


async def measure(base: str, token: str, params: dict, n: int) -> list[float]:
    out = []
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
        for _ in range(50):
            (await client.get("/v1/overview", params=params)).raise_for_status()
        for _ in range(n):
            t0 = time.perf_counter()
            response = await client.get("/v1/overview", params=params)
            out.append((time.perf_counter() - t0) * 1000)
            response.raise_for_status()
        body = response.json()
    print(f"  {params or 'city'}: households_total={body['households_total']:,} persons_total={body['persons_total']:,} "
          f"as_of={body['as_of']} lag_ms={body['lag_ms']}")
    return out


def summary(name: str, values: list[float]) -> str:
    return (f"{name:<34} p50 {percentile(values, 50):6.2f} ms  p95 {percentile(values, 95):6.2f} ms  "
            f"p99 {percentile(values, 99):6.2f} ms  mean {statistics.fmean(values):6.2f} ms  (n={len(values)})")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--port", type=int, default=18405)
    parser.add_argument("--reuse", action="store_true", help="measure the read model already built")
    args = parser.parse_args()

    url = PG + DB
    if not args.reuse:
        url = await recreate_database()
        print(f"building the read model of {args.persons:,} persons in {DB} …", flush=True)
        built = await build(url, args.persons, args.batch)
        print(f"built: {built['households']:,} households, {built['persons']:,} persons, {built['events']:,} events "
              f"in {built['seconds']:.0f} s = {built['events'] / built['seconds']:,.0f} events/s through the projector")
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    sizes = {t: await conn.fetchval(f"SELECT count(*) FROM {t}")
             for t in ("household_view", "member_view", "household_year", "view_counter")}
    await conn.close()
    print("read model rows:", ", ".join(f"{k} {v:,}" for k, v in sizes.items()))

    workdir = Path(tempfile.mkdtemp(prefix="fupin-bench-"))
    key_file = workdir / "signing-key.json"
    env = {**os.environ, "FUPIN_MONITORING_DATABASE_URL": url, "FUPIN_AUTH_KEY_FILE": str(key_file),
           "FUPIN_DATA_DIR": str(workdir), "FUPIN_LOG_LEVEL": "WARNING", "FUPIN_BUS": "memory"}
    server = subprocess.Popen([str(ROOT / ".venv/bin/fupin"), "serve", "monitoring", "--no-workers", "--port",
                               str(args.port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    base = f"http://127.0.0.1:{args.port}"
    try:
        from fupin_shared.testing import mint_token

        token = mint_token(key_file, scopes=["monitoring:read"])
        deadline = time.monotonic() + 60
        async with httpx.AsyncClient() as probe:
            while True:
                try:
                    if (await probe.get(base + "/healthz")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the monitoring API did not start")
                await asyncio.sleep(0.2)
        floor = await baseline(url, args.requests)
        city = await measure(base, token, {}, args.requests)
        county = await measure(base, token, {"division": COUNTY}, args.requests // 2)
        year_end = await measure(base, token, {"year": 2018}, args.requests // 2)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
    print()
    print(summary("GET /v1/overview (city, now)", city))
    print(summary("GET /v1/overview (county)", county))
    print(summary("GET /v1/overview (city, end of 2018)", year_end))
    print(summary("baseline: bare asyncpg counter read", floor))
    print(f"ratio (baseline p50 / overview p50): {percentile(floor, 50) / percentile(city, 50):.3f}")


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
