"""Funds contention: disbursements per second when every request races for the same allocation row.

What it measures, against the funds service served by real uvicorn in its own process (PostgreSQL,
relay running), with a separate load process of concurrent HTTP clients on loopback:

  hot        ``--clients`` clients post household payments (1 yuan each) out of ONE allocation that has
             plenty left: every request takes the allocation's row lock (guarded UPDATE) — the ledger's
             worst case. All must be 201.
  spread     the same clients, each paying out of its own allocation: no shared hot row (the ceiling
             of the HTTP + use-case path on this machine).
  baseline   the physical limit of the hot case, measured right beside it: raw asyncpg, the same
             guarded UPDATE + disbursement INSERT + outbox INSERT in one transaction, same number of
             concurrent connections, no HTTP, no validation.
  race       50 concurrent requests of 3 yuan for the last 100 yuan of an allocation: exactly 33 pass,
             17 are refused with 409, and the ledger check reports the ledger balanced.

    .venv/bin/python bench/funds_contention.py --seconds 10 --clients 32

Needs the project's PostgreSQL (``make infra-up``). The database is created fresh and dropped at the end.
Results also go to ``bench/results/funds_contention-<time>.json``.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[1]
PG_BASE = os.environ.get("FUPIN_TEST_PG_URL", "postgresql+asyncpg://fupin:fupin@127.0.0.1:55432/")
DSN_BASE = PG_BASE.replace("postgresql+asyncpg", "postgresql")
VILLAGE = "441223101201"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def create_db(name: str) -> str:
    conn = await asyncpg.connect(DSN_BASE + "postgres")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return PG_BASE + name


async def drop_db(name: str) -> None:
    conn = await asyncpg.connect(DSN_BASE + "postgres")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


class Server:
    def __init__(self, url: str, key_file: Path, port: int) -> None:
        self.url, self.key_file, self.port = url, key_file, port
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        env = os.environ | {"FUPIN_FUNDS_DATABASE_URL": self.url, "FUPIN_AUTH_KEY_FILE": str(self.key_file),
                            "FUPIN_FUNDS_DB_POOL_SIZE": "20", "FUPIN_FUNDS_DB_MAX_OVERFLOW": "20",
                            "FUPIN_LOG_LEVEL": "WARNING"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "fupin_funds.app:create_app", "--host", "127.0.0.1",
             "--port", str(self.port), "--log-level", "warning", "--no-access-log"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.3)
        raise RuntimeError("funds server did not start")

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=20)


class Api:
    def __init__(self, client: httpx.AsyncClient, token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    async def post(self, path: str, body: dict) -> dict:
        r = await self.client.post(path, json=body, headers=self.headers)
        if r.status_code != 201:
            raise RuntimeError(f"{path}: {r.status_code} {r.text}")
        return r.json()

    async def village_allocation(self, amount_fen: int) -> str:
        source = await self.post("/v1/sources", {"level": "central", "category": "special_fund", "year": 2019,
                                                 "division_code": "441200000000", "document_no": "bench",
                                                 "amount_fen": amount_fen})
        county = await self.post("/v1/allocations", {"source_id": source["id"], "division_code": "441223000000",
                                                     "amount_fen": amount_fen, "year": 2019, "document_no": "b"})
        town = await self.post("/v1/allocations", {"parent_allocation_id": county["id"],
                                                   "division_code": "441223101000", "amount_fen": amount_fen,
                                                   "year": 2019, "document_no": "b"})
        village = await self.post("/v1/allocations", {"parent_allocation_id": town["id"], "division_code": VILLAGE,
                                                      "amount_fen": amount_fen, "year": 2019, "document_no": "b"})
        return village["id"]


def payment(allocation_id: str, household: uuid.UUID, amount_fen: int) -> dict:
    return {"allocation_id": allocation_id, "household_id": str(household), "purpose": "industry_subsidy",
            "amount_fen": amount_fen, "paid_on": "2019-06-01", "account_no": "6221880000000001"}


async def seed_households(dsn: str, n: int) -> list[uuid.UUID]:
    """Households in the read copy (the registry's events would put them there; the bench writes them)."""
    ids = [uuid.uuid4() for _ in range(n)]
    conn = await asyncpg.connect(dsn)
    try:
        await conn.executemany(
            "INSERT INTO beneficiary_household (household_id, village_code, status, persons, event_time, "
            "last_event_type) VALUES ($1, $2, 'identified', 3, now(), 'bench')", [(h, VILLAGE) for h in ids])
    finally:
        await conn.close()
    return ids


async def load(api: Api, allocations: list[str], households: list[uuid.UUID], *, seconds: float) -> dict:
    """Each client posts payments back to back for ``seconds``; client i uses allocations[i % len]."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    stop = time.monotonic() + seconds

    async def client(i: int) -> None:
        allocation = allocations[i % len(allocations)]
        household = households[i % len(households)]
        while time.monotonic() < stop:
            started = time.perf_counter()
            r = await api.client.post("/v1/disbursements", json=payment(allocation, household, 100),
                                      headers=api.headers)
            latencies.append(time.perf_counter() - started)
            statuses[r.status_code] = statuses.get(r.status_code, 0) + 1

    started = time.monotonic()
    await asyncio.gather(*[client(i) for i in range(len(households))])
    elapsed = time.monotonic() - started
    latencies.sort()
    ok = statuses.get(201, 0)
    return {"requests": len(latencies), "statuses": statuses, "seconds": round(elapsed, 2),
            "disbursements_per_s": round(ok / elapsed, 1),
            "p50_ms": round(latencies[len(latencies) // 2] * 1000, 1),
            "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 1)}


async def baseline(dsn: str, allocation_id: str, *, clients: int, seconds: float) -> dict:
    """Raw asyncpg: guarded UPDATE of the one hot allocation row + two INSERTs, one transaction each."""
    pool = await asyncpg.create_pool(dsn, min_size=clients, max_size=clients)
    row = await pool.fetchrow("SELECT source_id, division_code FROM fund_allocation WHERE id = $1",
                              uuid.UUID(allocation_id))
    done = 0
    stop = time.monotonic() + seconds

    async def worker() -> None:
        nonlocal done
        async with pool.acquire() as conn:
            while time.monotonic() < stop:
                async with conn.transaction():
                    updated = await conn.execute(
                        "UPDATE fund_allocation SET disbursed_fen = disbursed_fen + 100 WHERE id = $1 AND "
                        "net_amount_fen - allocated_fen - disbursed_fen >= 100", uuid.UUID(allocation_id))
                    if updated != "UPDATE 1":
                        raise RuntimeError("baseline ran out of money")
                    disbursement = uuid.uuid4()
                    await conn.execute(
                        "INSERT INTO disbursement (id, allocation_id, source_id, division_code, household_id, purpose, "
                        "amount_fen, paid_on, year, created_at, created_by) VALUES ($1, $2, $3, $4, $5, "
                        "'industry_subsidy', 100, '2019-06-01', 2019, now(), 'bench')",
                        disbursement, uuid.UUID(allocation_id), row["source_id"], row["division_code"], uuid.uuid4())
                    await conn.execute(
                        "INSERT INTO outbox (event_id, type, source, subject, data, occurred_at) VALUES "
                        "($1, 'bench', '/bench', $2, '{}'::jsonb, now())", uuid.uuid4(), allocation_id)
                done += 1

    started = time.monotonic()
    await asyncio.gather(*[worker() for _ in range(clients)])
    elapsed = time.monotonic() - started
    await pool.close()
    return {"transactions": done, "seconds": round(elapsed, 2), "disbursements_per_s": round(done / elapsed, 1)}


async def race(api: Api, households: list[uuid.UUID]) -> dict:
    allocation = await api.village_allocation(100_000)
    await api.post("/v1/disbursements", payment(allocation, households[0], 90_000))
    responses = await asyncio.gather(*[api.client.post("/v1/disbursements", json=payment(allocation, h, 300),
                                                       headers=api.headers) for h in households[:50]])
    statuses = [r.status_code for r in responses]
    check = (await api.client.get("/v1/ledger/check", headers=api.headers)).json()
    left = (await api.client.get(f"/v1/allocations/{allocation}", headers=api.headers)).json()["available_fen"]
    return {"passed": statuses.count(201), "refused_409": statuses.count(409), "other": len(statuses)
            - statuses.count(201) - statuses.count(409), "available_fen_after": left,
            "ledger_balanced": check["balanced"], "exact": statuses.count(201) == 33 and left == 100}


async def main(args: argparse.Namespace) -> dict:
    from fupin_shared.db.migrations import upgrade
    from fupin_shared.testing import mint_token

    name = f"bench_funds_{uuid.uuid4().hex[:8]}"
    url = await create_db(name)
    dsn = DSN_BASE + name
    tmp = Path(tempfile.mkdtemp())
    key_file = tmp / "signing-key.json"
    try:
        await asyncio.to_thread(upgrade, ROOT / "services/funds/src/fupin_funds/migrations", url)
        households = await seed_households(dsn, max(args.clients, 50))
        port = free_port()
        token = mint_token(key_file, scopes=["funds:read", "funds:write"])
        with Server(url, key_file, port):
            limits = httpx.Limits(max_connections=args.clients + 10, max_keepalive_connections=args.clients + 10)
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=60) as client:
                api = Api(client, token)
                hot_allocation = await api.village_allocation(10**12)
                await load(api, [hot_allocation], households[:4], seconds=2)  # warm-up
                hot = await load(api, [hot_allocation], households[:args.clients], seconds=args.seconds)
                spread_allocations = [await api.village_allocation(10**12) for _ in range(args.clients)]
                spread = await load(api, spread_allocations, households[:args.clients], seconds=args.seconds)
                raced = await race(api, households)
                base = await baseline(dsn, hot_allocation, clients=args.clients, seconds=args.seconds)
                check = (await client.get("/v1/ledger/check", headers=api.headers)).json()
        result = {
            "measure": "funds disbursements per second, one hot allocation row", "clients": args.clients,
            "hot": hot, "spread": spread, "baseline_raw_asyncpg": base, "race_last_100_yuan": raced,
            "ratio_hot_to_baseline": round(hot["disbursements_per_s"] / base["disbursements_per_s"], 3),
            "ledger_balanced_after_bench": check["balanced"],
            "machine": {"cores": os.cpu_count(), "load_avg": os.getloadavg()},
            "date": datetime.now(UTC).isoformat(timespec="seconds")}
        return result
    finally:
        await drop_db(name)


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=32)
    args = parser.parse_args()
    result = asyncio.run(main(args))
    out = ROOT / "bench" / "results" / f"funds_contention-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    hot, spread, base, raced = result["hot"], result["spread"], result["baseline_raw_asyncpg"], \
        result["race_last_100_yuan"]
    print(f"clients {result['clients']}, {args.seconds:.0f} s per phase, load avg {result['machine']['load_avg']}")
    print(f"hot allocation   {hot['disbursements_per_s']:8.1f} disbursements/s  p50 {hot['p50_ms']} ms  "
          f"p99 {hot['p99_ms']} ms  statuses {hot['statuses']}")
    print(f"spread           {spread['disbursements_per_s']:8.1f} disbursements/s  p50 {spread['p50_ms']} ms  "
          f"p99 {spread['p99_ms']} ms")
    print(f"baseline (raw)   {base['disbursements_per_s']:8.1f} transactions/s on the same hot row")
    print(f"ratio hot/baseline {result['ratio_hot_to_baseline']}")
    print(f"race: {raced['passed']} passed, {raced['refused_409']} refused 409, {raced['other']} other, "
          f"{raced['available_fen_after']} fen left, ledger balanced {raced['ledger_balanced']}")
    print(f"results: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    cli()
