"""A bounded mixed load on the running full stack (deploy/local/stack.sh, ports 8001-8005) from this separate
process: reads, writes, imports and feed pulls at a stated rate for a stated time, then the error rate, p50/p99
per endpoint and the monitoring view's lag.

    flock /tmp/fupin-stack.lock .venv/bin/python -m bench.load_mixed --rate 40 --seconds 60

Open loop: request k starts at k / rate seconds whatever the earlier ones are doing (at most --max-in-flight
at once; a request that would exceed it is counted as `skipped`), the operation drawn from MIX by weight
(seeded, so two runs send the same sequence of operations; the ID numbers are not seeded). Errors: transport failures, 5xx and any status the operation
does not expect. `409 person-in-active-household` on a POST is a random ID number that an earlier run
registered (test data, counted apart). Every write carries an Idempotency-Key or If-Match.

View lag: the monitoring service's own histogram (`fupin_monitoring_event_lag_seconds`, event time → view
committed), the difference between its buckets before and after the run, so only events applied during the
run count; then the drain: seconds after the last request until the view consumer has no lag left. Imports:
a CSV of --import-households households every --import-every seconds, timed from the upload to `done`.

Figures go to stdout (a Markdown table for docs/reliability.md) and bench/results/load_mixed-<time>.json.
"""
from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import random
import subprocess
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path

import httpx

from bench.harness import machine
from bench.monitoring_lag import histogram, quantile
from bench.monitoring_overview import percentile
from fupin_registry.households import idnumber

ROOT = Path(__file__).resolve().parents[1]
PORTS = {"registry": 8001, "funds": 8002, "tasks": 8003, "assessment": 8004, "monitoring": 8005}
COUNTY = "441223000000"
IMPORT_HEADER = ("户编号,村代码,户状态,识别年度,劳动能力类型,保障类型,致贫原因,姓名,证件号码,与户主关系")


def id_number(rng: random.Random, area: str, decade: int) -> str:
    born = date(1900 + decade * 10 + rng.randint(0, 9), rng.randint(1, 12), rng.randint(1, 28))
    return idnumber.make(area, born, rng.randint(0, 999))


def token() -> str:
    """A city-admin token (every scope) as `fupin token` prints it; the stack verifies it with var/keys."""
    return subprocess.run([str(ROOT / ".venv" / "bin" / "fupin"), "token", "--client", "city-admin"], check=True,
                          capture_output=True, text=True, cwd=ROOT, env={"PATH": "/usr/bin:/bin"}).stdout.strip()


class Load:
    def __init__(self, clients: dict[str, httpx.AsyncClient], rng: random.Random, villages: list[str],
                 households: list[str], feed_cursor: str) -> None:
        self.c, self.rng, self.villages, self.households = clients, rng, villages, households
        self.people = random.Random()  # ID numbers unseeded: a seeded rerun would register the same people again
        self.feed_cursor = feed_cursor
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)
        self.collisions = 0
        self.imports: list[asyncio.Task] = []
        self.calls = 0

    def _body(self) -> dict:
        village = self.rng.choice(self.villages)
        return {"village_code": village, "labour_type": "labour", "poverty_causes": ["illness"],
                "head": {"name": "混合负载户主", "id_number": id_number(self.people, village[:6], self.rng.randint(5, 6))},
                "members": [{"name": "混合负载成员", "relation": "son",
                             "id_number": id_number(self.people, village[:6], 9)}] if self.rng.random() < 0.5 else []}

    async def timed(self, name: str, call: Callable[[], Awaitable[httpx.Response]], ok: set[int]) -> httpx.Response | None:
        self.calls += 1
        started = time.perf_counter()
        try:
            r = await call()
        except httpx.HTTPError as exc:
            self.errors[name].append(f"{type(exc).__name__}: {exc}"[:200])
            return None
        self.latency[name].append((time.perf_counter() - started) * 1000)
        if r.status_code not in ok:
            if r.status_code == 409 and r.json().get("type", "").endswith("/person-in-active-household"):
                self.collisions += 1
            else:
                self.errors[name].append(f"{r.status_code} {r.text[:200]}")
        return r

    # --- the operations -------------------------------------------------------------------------------

    async def get_household(self) -> None:
        hid = self.rng.choice(self.households)
        await self.timed("GET registry /v1/households/{id}",
                         lambda: self.c["registry"].get(f"/v1/households/{hid}"), {200})

    async def list_households(self) -> None:
        village = self.rng.choice(self.villages)
        await self.timed("GET registry /v1/households?village_code=…",
                         lambda: self.c["registry"].get("/v1/households", params={"village_code": village,
                                                                                  "limit": 20}), {200})

    async def post_household(self) -> None:
        body, key = self._body(), uuid.uuid4().hex
        r = await self.timed("POST registry /v1/households", lambda: self.c["registry"].post(
            "/v1/households", json=body, headers={"Idempotency-Key": key}), {201})
        if r is not None and r.status_code == 201:
            self.households.append(r.json()["id"])

    async def patch_household(self) -> None:
        hid = self.rng.choice(self.households)
        read = await self.c["registry"].get(f"/v1/households/{hid}")
        if read.status_code != 200:
            self.errors["PATCH registry /v1/households/{id} (If-Match)"].append(f"read {read.status_code}")
            return
        unit = f"帮扶单位{self.rng.randint(1, 999)}"
        # 412: another PATCH of the same household between our read and write (a correct refusal)
        await self.timed("PATCH registry /v1/households/{id} (If-Match)", lambda: self.c["registry"].patch(
            f"/v1/households/{hid}", json={"assisting_unit": unit}, headers={"If-Match": read.headers["etag"]}),
            {200, 412})

    async def overview(self) -> None:
        params = self.rng.choice([{}, {"division": COUNTY}])
        await self.timed("GET monitoring /v1/overview", lambda: self.c["monitoring"].get("/v1/overview",
                                                                                         params=params), {200})

    async def allocations(self) -> None:
        await self.timed("GET funds /v1/allocations", lambda: self.c["funds"].get("/v1/allocations",
                                                                                  params={"limit": 20}), {200})

    async def feed_pull(self) -> None:
        async def pull() -> httpx.Response:
            r = await self.c["registry"].get("/v1/feeds/persons", params={"since": self.feed_cursor})
            if r.status_code == 200:
                self.feed_cursor = r.headers["feed-cursor"]
            return r
        await self.timed("GET registry /v1/feeds/persons?since=… (feed pull)", pull, {200})

    async def start_import(self, households: int) -> None:
        rows = [IMPORT_HEADER]
        for _ in range(households):
            body = self._body()
            number = f"LM{uuid.uuid4().hex[:12]}"
            rows.append(f"{number},{body['village_code']},未脱贫,2016,有劳动能力,无,因病,"
                        f"混合导入户主,{body['head']['id_number']},户主")
        data = ("\n".join(rows) + "\n").encode("utf-8")
        started = time.perf_counter()
        r = await self.timed("POST registry /v1/imports (CSV upload)", lambda: self.c["registry"].post(
            "/v1/imports", files={"file": ("load.csv", io.BytesIO(data), "text/csv")},
            headers={"Idempotency-Key": uuid.uuid4().hex}), {202})
        if r is not None and r.status_code == 202:
            self.imports.append(asyncio.create_task(self._import_done(r.json()["id"], started)))

    async def _import_done(self, job_id: str, started: float) -> dict:
        while True:
            job = (await self.c["registry"].get(f"/v1/imports/{job_id}")).json()
            if job["status"] in {"done", "failed"}:
                return {"status": job["status"], "seconds": time.perf_counter() - started, "job": job_id,
                        "households_created": job["households_created"], "rows_rejected": job["rows_rejected"]}
            await asyncio.sleep(0.2)


# (weight, operation): about 70 % reads, 20 % writes, 4 % feed pulls
MIX: list[tuple[int, str]] = [(25, "get_household"), (15, "list_households"), (20, "overview"), (10, "allocations"),
                              (13, "post_household"), (7, "patch_household"), (4, "feed_pull")]


async def view_metrics(client: httpx.AsyncClient) -> tuple[str, list[tuple[float, float]], float]:
    """The view consumer's group, its lag histogram (empty until it applied an event) and its lag in events."""
    text = (await client.get("/metrics")).text
    group = next(line.split('group="', 1)[1].split('"', 1)[0] for line in text.splitlines()
                 if line.startswith('fupin_consumer_lag_events{group="') and 'monitoring.view"' in line)
    lag = sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
              if line.startswith(f'fupin_consumer_lag_events{{group="{group}"'))
    return group, histogram(text, group), lag


async def run(args: argparse.Namespace) -> dict:
    rng = random.Random(args.seed)
    headers = {"Authorization": f"Bearer {token()}"}
    clients = {name: httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=30,
                                       limits=httpx.Limits(max_connections=args.max_in_flight))
               for name, port in PORTS.items()}
    try:
        villages = [v["code"] for v in (await clients["registry"].get(
            "/v1/divisions", params={"level": "village", "limit": 500})).json()["items"] if v["code"].startswith("4412")]
        households = [h["id"] for h in (await clients["registry"].get(
            "/v1/households", params={"limit": 200})).json()["items"]]
        assert villages and households, "the stack has no villages or households: is the demo data loaded?"
        # the snapshot, read whole (not measured) for its cursor: closing the stream early is itself a finding
        # (docs/reliability.md: an aborted feed pull returns a closed connection to the pool)
        cursor = (await clients["registry"].get("/v1/feeds/persons", timeout=300)).headers["feed-cursor"]
        load = Load(clients, rng, villages, households, cursor)
        _, before, _ = await view_metrics(clients["monitoring"])
        operations = [name for weight, name in MIX for _ in range(weight)]
        in_flight: set[asyncio.Task] = set()
        skipped, sent = 0, 0
        started = time.monotonic()
        next_import = started
        while (elapsed := time.monotonic() - started) < args.seconds:
            if time.monotonic() >= next_import:
                next_import += args.import_every
                in_flight.add(asyncio.create_task(load.start_import(args.import_households)))
            due = int(elapsed * args.rate) + 1 - sent
            for _ in range(max(0, due)):
                sent += 1
                if len(in_flight) >= args.max_in_flight:
                    skipped += 1
                    continue
                task = asyncio.create_task(getattr(load, rng.choice(operations))())
                in_flight.add(task)
                task.add_done_callback(in_flight.discard)
            await asyncio.sleep(0.005)
        load_seconds = time.monotonic() - started
        await asyncio.gather(*in_flight)
        imports = await asyncio.wait_for(asyncio.gather(*load.imports), 300)
        ended = time.monotonic()
        while True:  # drain: the view consumer has applied everything the run produced
            group, after, lag = await view_metrics(clients["monitoring"])
            if lag == 0 or time.monotonic() - ended > 300:
                break
            await asyncio.sleep(0.1)
        drain = time.monotonic() - ended
    finally:
        for client in clients.values():
            await client.aclose()
    during = [(bound, count - dict(before).get(bound, 0)) for bound, count in after]
    requests = load.calls
    errors = sum(len(v) for v in load.errors.values())
    endpoints = {name: {"requests": len(lat), "errors": len(load.errors.get(name, [])),
                        "p50_ms": round(percentile(lat, 50), 1), "p99_ms": round(percentile(lat, 99), 1)}
                 for name, lat in sorted(load.latency.items())}
    return {"rate": args.rate, "seconds": args.seconds, "sent": sent, "skipped": skipped,
            "achieved_rate": round((sent - skipped) / load_seconds, 1), "requests": requests, "errors": errors,
            "error_rate": errors / requests if requests else 0.0, "id_number_collisions": load.collisions,
            "endpoints": endpoints, "error_samples": {k: v[:3] for k, v in load.errors.items() if v},
            "imports": imports, "view": {"group": group, "events": during[-1][1] if during else 0,
                                         "lag_p50_ms": round(quantile(during, .5) * 1000) if during and during[-1][1] else None,
                                         "lag_p99_ms": round(quantile(during, .99) * 1000) if during and during[-1][1] else None,
                                         "drain_s": round(drain, 2), "consumer_lag_left": lag}}


def markdown(result: dict) -> str:
    lines = ["| endpoint | requests | errors | p50 ms | p99 ms |", "|---|---:|---:|---:|---:|"]
    for name, e in result["endpoints"].items():
        lines.append(f"| {name} | {e['requests']:,} | {e['errors']} | {e['p50_ms']:.1f} | {e['p99_ms']:.1f} |")
    v = result["view"]
    done = [i["seconds"] for i in result["imports"] if i["status"] == "done"]
    lines += ["", f"{result['sent']:,} requests scheduled at {result['rate']}/s for {result['seconds']} s "
                  f"(achieved {result['achieved_rate']}/s, {result['skipped']} skipped at the in-flight cap); "
                  f"errors {result['errors']} of {result['requests']:,} = {result['error_rate']:.2%}; "
                  f"ID-number collisions with earlier data {result['id_number_collisions']}.",
              f"View lag (event time → monitoring view committed, {v['events']:,.0f} events applied during the run): "
              f"p50 {v['lag_p50_ms']} ms, p99 {v['lag_p99_ms']} ms; drained {v['drain_s']} s after the last request.",
              f"Imports: {len(result['imports'])} uploads, {len(done)} done, upload → done "
              + (f"p50 {percentile(done, 50):.1f} s, max {max(done):.1f} s." if done else "—"),
              f"Machine: {result['machine']['cores']} cores, load average {result['machine']['load_avg']} before, "
              f"{result['load_avg_after']} after."]
    return "\n".join(lines)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    p.add_argument("--rate", type=float, default=40, help="requests per second, all endpoints together")
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--import-every", type=float, default=10, help="seconds between CSV uploads")
    p.add_argument("--import-households", type=int, default=20)
    p.add_argument("--max-in-flight", type=int, default=200)
    p.add_argument("--seed", type=int, default=10)
    return p.parse_args(argv)


def main(args: argparse.Namespace) -> dict:
    before = machine()
    result = asyncio.run(run(args))
    result |= {"machine": before, "load_avg_after": [round(x, 2) for x in os.getloadavg()],
               "at": datetime.now(UTC).isoformat(timespec="seconds")}
    out = ROOT / "bench" / "results" / f"load_mixed-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str))
    print(markdown(result))
    print(f"raw figures: {out.relative_to(ROOT)}")
    return result


if __name__ == "__main__":
    main(parse())
