"""GET a household by id (auth, masking, ETag) vs a bare FastAPI + asyncpg endpoint, in one run.

    .venv/bin/python -m bench.registry_get [--households 5000] [--concurrency 32] [--duration 15] [--rounds 2]

1. A fresh PostgreSQL database is migrated and filled with ``--households`` generated households (through
   the importer).
2. Two servers, the same setup (uvicorn, one worker, uvloop + httptools, no access log, the same pool size):
   **Fupin** — the registry app as ``fupin serve registry`` runs it (JWT verified against the JWKS on
   every request, division scoping, personal data masked for a token without ``pii:read``, ETag, problem
   handlers, request-id/metrics middleware, JSON request logs); **baseline** — a bare FastAPI endpoint
   running the same primary-key SELECT (household joined with its members) with asyncpg and returning the
   rows as JSON.
3. A load generator in its own process (asyncio + uvloop, keep-alive HTTP/1.1 connections) runs
   ``--concurrency`` clients for ``--duration`` seconds against each server in turn, ``--rounds`` times,
   over random household ids; requests/s, p50 and p99 of both, and the ratio (goal ≥ 0.80).

Results go to ``bench/results/registry_get-<time>.json``. Needs the project's PostgreSQL.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_BASE = os.environ.get("FUPIN_TEST_PG_URL", "postgresql+asyncpg://fupin:fupin@127.0.0.1:55432/")
POOL_SIZE = 10

# the statement HouseholdRepository.read issues (household joined with its members, division range)
SELECT = """SELECT h.*, m.id AS m_id, m.household_id AS m_household_id, m.id_number AS m_id_number,
  m.name AS m_name, m.sex AS m_sex, m.birth_date AS m_birth_date, m.relation AS m_relation,
  m.in_school AS m_in_school, m.education AS m_education, m.health AS m_health,
  m.disability_grade AS m_disability_grade, m.medical_insurance AS m_medical_insurance,
  m.pension_insurance AS m_pension_insurance, m.labour_skill AS m_labour_skill, m.employment AS m_employment,
  m.active AS m_active, m.left_on AS m_left_on, m.left_reason AS m_left_reason, m.version AS m_version,
  m.created_at AS m_created_at, m.updated_at AS m_updated_at
FROM household h LEFT OUTER JOIN member m ON m.household_id = h.id
WHERE h.id = $1 AND h.village_code BETWEEN $2 AND $3 ORDER BY m.id"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def baseline_app(dsn: str):  # noqa: ANN201 - a FastAPI app
    import asyncpg
    import orjson
    from fastapi import FastAPI
    from fastapi.responses import Response

    state: dict = {}

    async def lifespan(app):  # noqa: ANN001, ANN202
        state["pool"] = await asyncpg.create_pool(dsn, min_size=POOL_SIZE, max_size=POOL_SIZE)
        yield
        await state["pool"].close()

    app = FastAPI(lifespan=__import__("contextlib").asynccontextmanager(lifespan))

    @app.get("/households/{household_id}")
    async def household(household_id: str) -> Response:
        rows = await state["pool"].fetch(SELECT, household_id, "441200000000", "441299999999")
        if not rows:
            return Response(status_code=404)
        return Response(orjson.dumps([dict(r) for r in rows], default=str), media_type="application/json")

    return app


def serve(kind: str, port: int, url: str, key_file: str) -> None:
    import uvicorn

    if kind == "fupin":
        from fupin_registry.app import create_app
        from fupin_registry.settings import RegistrySettings
        from fupin_shared.http.handlers import configure_logging

        configure_logging()  # as `fupin serve` does
        app = create_app(RegistrySettings(database_url=url, auth_key_file=Path(key_file), inline_workers=False,
                                          db_pool_size=POOL_SIZE, db_max_overflow=0))
    else:
        app = baseline_app(url.replace("postgresql+asyncpg", "postgresql"))
    uvicorn.run(app, host="127.0.0.1", port=port, log_config=None, access_log=False, loop="uvloop",
                http="httptools", lifespan="on")


async def load(port: int, paths: list[str], token: str, concurrency: int, duration: float) -> dict:
    from bench.loadclient import load as run

    def client(rng: random.Random):  # noqa: ANN202
        def next_request() -> bytes:
            return (f"GET {rng.choice(paths)} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\n"
                    "Accept-Encoding: identity\r\n\r\n").encode()
        return next_request

    return await run(port, [client(random.Random(i)) for i in range(concurrency)], duration)


def run_load(port: int, paths_file: Path, token: str, concurrency: int, duration: float) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.registry_get", "--load", str(port), str(paths_file), token,
                          "--concurrency", str(concurrency), "--duration", str(duration)], cwd=ROOT,
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def _wait_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"server on {port} did not start")


async def prepare_database(name: str, households: int) -> tuple[str, list[str]]:
    import asyncpg

    from bench.registry_import import _dsn, _recreate
    from fupin_registry.demo import load_generated
    from fupin_registry.standalone import open_registry

    url = await _recreate(name)
    async with open_registry(url, migrate=False) as registry:
        job = await load_generated(registry.uow, households=households, seed=7)
        assert job.status == "done", job.failure
    conn = await asyncpg.connect(_dsn(name))
    try:
        ids = [str(r[0]) for r in await conn.fetch("SELECT id FROM household")]
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return url, ids


def main(args: argparse.Namespace) -> dict:
    from bench.loadclient import measured_round, stop_servers, summarise
    from bench.registry_import import _drop
    from fupin_shared.testing import mint_token

    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    name = f"bench_reg_get_{stamp}"
    work = ROOT / "var" / "bench" / f"registry-get-{stamp}"
    work.mkdir(parents=True, exist_ok=True)
    key_file = work / "signing-key.json"
    url, ids = asyncio.run(prepare_database(name, args.households))
    token = mint_token(key_file, client_id="bench", scopes="registry:read", division="441200000000")
    servers = {}
    try:
        for kind in ("fupin", "baseline"):
            port = _free_port()
            servers[kind] = (port, subprocess.Popen(
                [sys.executable, "-m", "bench.registry_get", "--serve", kind, str(port), url, str(key_file)],
                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                env={**os.environ, "FUPIN_REGISTRY_INLINE_WORKERS": "false"}))
        paths = {"fupin": work / "fupin.paths", "baseline": work / "baseline.paths"}
        paths["fupin"].write_text("\n".join(f"/v1/households/{i}" for i in ids))
        paths["baseline"].write_text("\n".join(f"/households/{i}" for i in ids))
        for kind, (port, _) in servers.items():
            _wait_port(port)
            run_load(port, paths[kind], token, args.concurrency, 3)  # warm-up
        rounds: dict[str, list[dict]] = {"fupin": [], "baseline": []}
        for round_no in range(args.rounds):
            for kind, (port, process) in servers.items():
                rounds[kind].append(measured_round(kind, round_no, process.pid, lambda: run_load(
                    port, paths[kind], token, args.concurrency, args.duration), "200"))  # noqa: B023 - called at once
    finally:
        stop_servers([process for _, process in servers.values()])
        for file in work.iterdir():
            file.unlink()
        work.rmdir()
        if not args.keep:
            asyncio.run(_drop(name))

    result = {
        "measure": "GET household by id (auth, masking, ETag)", "date": datetime.now(UTC).isoformat(),
        "machine": {"cores": os.cpu_count(), "load_avg_1m": os.getloadavg()[0]},
        "concurrency": args.concurrency, "duration_s": args.duration, "households": len(ids), **summarise(rounds),
        "goal": 0.8, "rounds": rounds,
    }
    print(json.dumps({k: v for k, v in result.items() if k != "rounds"}, indent=1))
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / f"registry_get-{stamp}.json").write_text(json.dumps(result, indent=1))
    return result


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--duration", type=float, default=15.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--serve", nargs=4, metavar=("KIND", "PORT", "URL", "KEY_FILE"), help=argparse.SUPPRESS)
    parser.add_argument("--load", nargs=3, metavar=("PORT", "PATHS", "TOKEN"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


if __name__ == "__main__":
    arguments = parse()
    if arguments.serve:
        kind, port, url, key = arguments.serve
        serve(kind, int(port), url, key)
    elif arguments.load:
        import uvloop

        port, paths_file, token = arguments.load
        paths = Path(paths_file).read_text().split()
        print(json.dumps(uvloop.run(load(int(port), paths, token, arguments.concurrency, arguments.duration))))
    else:
        main(arguments)
