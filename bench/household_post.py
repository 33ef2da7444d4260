"""POST a household (state + outbox) vs a bare FastAPI endpoint doing one INSERT, in one run.

    .venv/bin/python -m bench.household_post [--concurrency 32] [--duration 15] [--rounds 2]

1. A fresh PostgreSQL database is migrated to the registry's head (divisions seeded); the baseline's table
   ``bench_post(id uuid primary key, body jsonb)`` is created beside the registry's tables.
2. Two servers, the same setup as ``bench.registry_get`` (uvicorn, one worker, uvloop + httptools, no access
   log, the same pool size): **Fupin** — the registry app as ``fupin serve registry`` runs it (JWT, body
   validation with GB 11643 ID numbers, one-active-household check, household + members + outbox event in
   one transaction, ETag); **baseline** — a bare FastAPI endpoint parsing the JSON body and doing one
   ``INSERT`` with asyncpg.
3. A load generator in its own process (asyncio + uvloop, keep-alive HTTP/1.1) runs ``--concurrency``
   clients for ``--duration`` seconds against each server in turn, ``--rounds`` times; every body carries
   fresh, valid ID numbers so every Fupin request is a real 201. Requests/s, p50, p99 and the ratio
   (goal ≥ 0.30).

Results go to ``bench/results/household_post-<time>.json``. Needs the project's PostgreSQL.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from fastapi import Request  # at module level: the baseline's handler annotation is resolved by name

ROOT = Path(__file__).resolve().parents[1]
POOL_SIZE = 10
VILLAGE = "441223101200"
INSERT = "INSERT INTO bench_post (id, body) VALUES ($1, $2)"


def baseline_app(dsn: str):  # noqa: ANN201 - a FastAPI app
    import contextlib
    import uuid

    import asyncpg
    import orjson
    from fastapi import FastAPI
    from fastapi.responses import Response

    state: dict = {}

    @contextlib.asynccontextmanager
    async def lifespan(app):  # noqa: ANN001, ANN202
        state["pool"] = await asyncpg.create_pool(dsn, min_size=POOL_SIZE, max_size=POOL_SIZE)
        yield
        await state["pool"].close()

    app = FastAPI(lifespan=lifespan)

    @app.post("/households", status_code=201)
    async def household(request: Request) -> Response:
        body = orjson.loads(await request.body())
        new_id = uuid.uuid4()
        await state["pool"].execute(INSERT, new_id, orjson.dumps(body).decode())
        return Response(orjson.dumps({"id": str(new_id)}), status_code=201, media_type="application/json")

    return app


def serve(kind: str, port: int, url: str, key_file: str) -> None:
    if kind == "fupin":
        from bench.registry_get import serve as serve_registry

        serve_registry("fupin", port, url, key_file)
        return
    import uvicorn

    uvicorn.run(baseline_app(url.replace("postgresql+asyncpg", "postgresql")), host="127.0.0.1", port=port,
                log_config=None, access_log=False, loop="uvloop", http="httptools", lifespan="on")


def body(k: int) -> bytes:
    """A valid POST /v1/households body whose two ID numbers are unique for every ``k`` (< 3,000,000)."""
    from fupin_registry.households import idnumber

    head = idnumber.make("441223", date(1950, 1, 1) + timedelta(days=k // 1000), k % 1000)
    daughter = idnumber.make("441223", date(2008, 1, 1) + timedelta(days=k // 500), 2 * (k % 500))
    return json.dumps({
        "village_code": VILLAGE, "labour_type": "labour", "poverty_causes": ["illness", "lack_of_funds"],
        "head": {"name": "黄大明", "id_number": head, "labour_skill": "ordinary", "medical_insurance": True,
                 "pension_insurance": True},
        "members": [{"name": "黄小红", "id_number": daughter, "relation": "daughter", "in_school": True,
                     "medical_insurance": True, "labour_skill": "none", "education": "primary"}],
        "assisting_cadre": "李干部", "assisting_unit": "市教育局", "phone": "13800138000",
        "one_card_account": "6217000012345678",
    }, ensure_ascii=False).encode()


async def load(port: int, path: str, token: str, concurrency: int, duration: float, first_key: int) -> dict:
    import itertools

    from bench.loadclient import load as run

    keys = itertools.count(first_key)

    def next_request() -> bytes:
        payload = body(next(keys))
        return (f"POST {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n").encode() + payload

    result = await run(port, [next_request] * concurrency, duration)
    return {**result, "last_key": next(keys)}


def run_load(port: int, path: str, token: str, concurrency: int, duration: float, first_key: int) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.household_post", "--load", str(port), path, token,
                          str(first_key), "--concurrency", str(concurrency), "--duration", str(duration)], cwd=ROOT,
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


async def prepare_database(name: str) -> str:
    import asyncpg

    from bench.registry_import import _dsn, _recreate

    url = await _recreate(name)
    conn = await asyncpg.connect(_dsn(name))
    try:
        await conn.execute("CREATE TABLE bench_post (id uuid PRIMARY KEY, body jsonb NOT NULL)")
    finally:
        await conn.close()
    return url


def main(args: argparse.Namespace) -> dict:
    from bench.loadclient import measured_round, stop_servers, summarise
    from bench.registry_get import _free_port, _wait_port
    from bench.registry_import import _drop
    from fupin_shared.testing import mint_token

    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S") + f"{random.randrange(1000):03d}"
    name = f"bench_hh_post_{stamp}"
    work = ROOT / "var" / "bench" / f"household-post-{stamp}"
    work.mkdir(parents=True, exist_ok=True)
    key_file = work / "signing-key.json"
    url = asyncio.run(prepare_database(name))
    token = mint_token(key_file, client_id="bench", scopes="registry:read registry:write", division="441200000000")
    servers = {}
    paths = {"fupin": "/v1/households", "baseline": "/households"}
    key = 0
    rounds: dict[str, list[dict]] = {"fupin": [], "baseline": []}
    try:
        for kind in ("fupin", "baseline"):
            port = _free_port()
            servers[kind] = (port, subprocess.Popen(
                [sys.executable, "-m", "bench.household_post", "--serve", kind, str(port), url, str(key_file)],
                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                env={**os.environ, "FUPIN_REGISTRY_INLINE_WORKERS": "false"}))
        for kind, (port, _) in servers.items():
            _wait_port(port)
            warm = run_load(port, paths[kind], token, min(args.concurrency, 4), 1, key)  # warm-up
            key = warm["last_key"]
        for round_no in range(args.rounds):
            for kind, (port, process) in servers.items():
                result = measured_round(kind, round_no, process.pid, lambda: run_load(
                    port, paths[kind], token, args.concurrency, args.duration, key), "201")  # noqa: B023 - called at once
                key = result["last_key"]
                rounds[kind].append(result)
    finally:
        stop_servers([process for _, process in servers.values()])
        for file in work.iterdir():
            file.unlink()
        work.rmdir()
        if not args.keep:
            asyncio.run(_drop(name))

    result = {
        "measure": "POST household (state + outbox)", "date": datetime.now(UTC).isoformat(),
        "machine": {"cores": os.cpu_count(), "load_avg_1m": os.getloadavg()[0]},
        "concurrency": args.concurrency, "duration_s": args.duration, **summarise(rounds),
        "goal": 0.3, "rounds": rounds,
    }
    print(json.dumps({k: v for k, v in result.items() if k != "rounds"}, indent=1))
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / f"household_post-{stamp}.json").write_text(json.dumps(result, indent=1))
    return result


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--duration", type=float, default=15.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--serve", nargs=4, metavar=("KIND", "PORT", "URL", "KEY_FILE"), help=argparse.SUPPRESS)
    parser.add_argument("--load", nargs=4, metavar=("PORT", "PATH", "TOKEN", "FIRST_KEY"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


if __name__ == "__main__":
    arguments = parse()
    if arguments.serve:
        kind, port, url, key = arguments.serve
        serve(kind, int(port), url, key)
    elif arguments.load:
        import uvloop

        port, path, token, first = arguments.load
        print(json.dumps(uvloop.run(load(int(port), path, token, arguments.concurrency, arguments.duration,
                                         int(first)))))
    else:
        main(arguments)
