"""Monitoring overview latency on a large synthetic read model (PostgreSQL).

1. Builds the read model of a city of ``--persons`` persons (default 1,000,000: about 435,000
   households with their members, the 2019 income and 两不愁三保障 records, identifications and
   exits) with the view's own domain rules, written by COPY; or, with ``--via-projector``, by
   running the synthetic events through the projector in batches (the same code as the live view),
   which also reports the projection rate.
2. Starts the monitoring API as its own process (``fupin serve monitoring --no-workers``) on that
   database and measures ``GET /v1/overview`` for the whole city (and a county, and the city at a
   year end) over HTTP: p50 / p95 / p99 over ``--requests`` sequential requests after a warm-up.
3. Baseline in the same run: the same counter rows read with a bare asyncpg query (the floor of
   any implementation that reads them), so the figure reads as a ratio too.

    .venv/bin/python bench/monitoring_overview.py [--persons 1000000] [--requests 2000] [--no-memo]
        [--via-projector] [--reuse] [--nice -10]

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


async def build_direct(url: str, persons: int) -> dict[str, float]:
    """The same read model the projector builds for these households, computed with the view's
    domain rules in memory and written with COPY (minutes instead of the projector's hours on a
    shared 2-core box). Lean histories: registered and identified in 2016–2018, members, the 2019
    income and 两不愁三保障 records, and an exit in 2019 for most households above the line."""
    from fupin_monitoring import synthetic
    from fupin_monitoring.app import MIGRATIONS
    from fupin_monitoring.divisions import is_code, level_of, parent_of
    from fupin_monitoring.synthetic import LINE_FEN, PATHS
    from fupin_monitoring.view import domain as d
    from fupin_shared.db import utc_now
    from fupin_shared.db.migrations import upgrade

    await asyncio.to_thread(upgrade, MIGRATIONS, url)
    started = time.perf_counter()
    rng = random.Random(20181210)
    villages = synthetic.villages(1400)
    deltas = d.Deltas()
    now = utc_now()
    households, members, years = [], [], []
    done = 0
    on = date(2019, 9, 1)
    while done < persons:
        hid, village = uuid.uuid4(), villages[len(households) % len(villages)]
        size = rng.choice((1, 2, 2, 2, 3, 3, 3, 4, 5))
        year = rng.choice((2016, 2017, 2018))
        h = {"household_id": hid, "village_code": village, "status": "identified", "persons": size,
             "labour_type": "labour", "poverty_causes": [rng.choice(("illness", "disability", "lack_of_skills"))],
             "guarantee_type": None, "last_year": year, "identified_year": year, "exited_year": None,
             "disaster": None, "updated_at": now}
        d.move_timeline(deltas, year=year, old_village=None, old={}, new_village=village, new=d.household_stock(h))
        deltas.add(village, year, "identified", "", 1)
        deltas.add(village, year, "identified_persons_flow", "", size)
        for _ in range(size):
            m = {"member_id": uuid.uuid4(), "household_id": hid, "village_code": village,
                 "birth_date": date(1950 + rng.randrange(65), 6, 1), "sex": None, "in_school": None, "health": None,
                 "disability_grade": None, "medical_insurance": rng.random() > 0.01, "active": True, "updated_at": now}
            m["flags"] = d.member_flags(m, on)
            d.move_timeline(deltas, year=year, old_village=None, old={}, new_village=village, new=d.member_stock(m["flags"]))
            members.append(m)
        income = int(LINE_FEN * rng.uniform(0.7, 2.0))
        record = {"household_id": hid, "year": 2019, "village_code": village, "per_capita_income_fen": income,
                  "line_fen": LINE_FEN, "labour_capacity": True, "food": True, "clothing": True,
                  "compulsory_education": True, "basic_medical": True, "drinking_water": True,
                  "housing_safety": rng.choice("AAAB"), "compliant": True}
        deltas.replace_rolled({}, d.household_year_items(record))
        years.append(record)
        if income >= LINE_FEN and rng.random() < 0.8:
            exited = {**h, "status": "exited", "last_year": 2019, "exited_year": 2019}
            d.move_timeline(deltas, year=2019, old_village=village, old=d.household_stock(h), new_village=village,
                            new=d.household_stock(exited))
            deltas.add(village, 2019, "exits", rng.choice(PATHS), 1)
            deltas.add(village, 2019, "exit_persons", "", size)
            h = exited
        households.append(h)
        done += size
    counters = deltas.nonzero()
    codes = {k[0] for k in counters}
    print(f"  computed {len(households):,} households, {len(members):,} persons, {len(counters):,} counters "
          f"in {time.perf_counter() - started:.0f} s", flush=True)
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        import orjson

        async def copy(table: str, rows: list[dict]) -> None:
            columns = list(rows[0])
            records = [[orjson.dumps(r[c]).decode() if c == "poverty_causes" else r[c] for c in columns] for r in rows]
            await conn.copy_records_to_table(table, records=records, columns=columns)

        await copy("household_view", households)
        await copy("member_view", members)
        await copy("household_year", years)
        await copy("view_counter", [{"division_code": c, "year": y, "metric": m, "key": k, "value": v}
                                    for (c, y, m, k), v in counters.items()])
        await copy("view_division", [{"code": c, "parent_code": parent_of(c), "level": level_of(c)}
                                     for c in sorted(codes) if is_code(c)])
        await conn.execute("INSERT INTO view_freshness (topic, partition, last_event_time, applied_at, events_applied, "
                           "max_year, lag_ms) VALUES ('', 0, now(), now(), $1, 2019, 0)",
                           len(households) * 5 + len(members))
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return {"households": len(households), "persons": len(members), "events": 0,
            "seconds": time.perf_counter() - started}


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


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (and its threads) from /proc, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


CPU: dict[str, float] = {}


async def measure(base: str, token: str, params: dict, n: int, pid: int | None = None) -> list[float]:
    out = []
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
        for _ in range(50):
            (await client.get("/v1/overview", params=params)).raise_for_status()
        cpu0 = cpu_seconds(pid) if pid else 0.0
        for _ in range(n):
            t0 = time.perf_counter()
            response = await client.get("/v1/overview", params=params)
            out.append((time.perf_counter() - t0) * 1000)
            response.raise_for_status()
        if pid:
            CPU[str(params or "city")] = (cpu_seconds(pid) - cpu0) * 1000 / n
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
    parser.add_argument("--via-projector", action="store_true",
                        help="build through the projector (also reports its events/s; slow for a million persons)")
    parser.add_argument("--no-memo", action="store_true", help="measure with the overview memo off")
    parser.add_argument("--nice", type=int, default=0,
                        help="scheduling priority of the API process and this script (e.g. -10 on a shared box)")
    args = parser.parse_args()
    if args.nice:
        os.setpriority(os.PRIO_PROCESS, 0, args.nice)

    url = PG + DB
    if not args.reuse:
        url = await recreate_database()
        print(f"building the read model of {args.persons:,} persons in {DB} …", flush=True)
        if args.via_projector:
            built = await build(url, args.persons, args.batch)
            print(f"built: {built['households']:,} households, {built['persons']:,} persons, {built['events']:,} "
                  f"events in {built['seconds']:.0f} s = {built['events'] / built['seconds']:,.0f} events/s "
                  "through the projector")
        else:
            built = await build_direct(url, args.persons)
            print(f"built: {built['households']:,} households, {built['persons']:,} persons in "
                  f"{built['seconds']:.0f} s (domain rules + COPY)")
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    sizes = {t: await conn.fetchval(f"SELECT count(*) FROM {t}")
             for t in ("household_view", "member_view", "household_year", "view_counter")}
    await conn.close()
    print("read model rows:", ", ".join(f"{k} {v:,}" for k, v in sizes.items()))

    workdir = Path(tempfile.mkdtemp(prefix="fupin-bench-"))
    key_file = workdir / "signing-key.json"
    env = {**os.environ, "FUPIN_MONITORING_DATABASE_URL": url, "FUPIN_AUTH_KEY_FILE": str(key_file),
           "FUPIN_DATA_DIR": str(workdir), "FUPIN_LOG_LEVEL": "WARNING", "FUPIN_BUS": "memory",
           "FUPIN_MONITORING_OVERVIEW_CACHE_SECONDS": "0" if args.no_memo else "1"}
    server = subprocess.Popen([str(ROOT / ".venv/bin/fupin"), "serve", "monitoring", "--no-workers", "--port",
                               str(args.port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    if args.nice:
        os.setpriority(os.PRIO_PROCESS, server.pid, args.nice)
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
        city = await measure(base, token, {}, args.requests, server.pid)
        county = await measure(base, token, {"division": COUNTY}, args.requests // 2, server.pid)
        year_end = await measure(base, token, {"year": 2018}, args.requests // 2, server.pid)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
    print()
    print(f"load average during the run: {os.getloadavg()} on {os.cpu_count()} cores; memo "
          f"{'off' if args.no_memo else 'on (API-only process: an entry is checked against the view version every 1 s)'}")
    print(summary("GET /v1/overview (city, now)", city))
    print(summary("GET /v1/overview (county)", county))
    print(summary("GET /v1/overview (city, end of 2018)", year_end))
    print(summary("baseline: bare asyncpg counter read", floor))
    print(f"ratio (baseline p50 / overview p50): {percentile(floor, 50) / percentile(city, 50):.3f}")
    print("server CPU per request (independent of the box's load): " +
          ", ".join(f"{k} {v:.2f} ms" for k, v in CPU.items()))


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
