"""Freshness of the monitoring view under a steady load on Kafka.

The monitoring service runs as its own process (``fupin serve monitoring``: API, view consumer
and relay) on PostgreSQL and the local Kafka broker. This script publishes registry and funds
events (CloudEvents, as the owners' relays do, keyed by aggregate) on their topics at a steady
``--rate`` (default 500 events/s) for ``--seconds`` (default 60), each stamped with the time it is
sent, and measures how long each takes to be applied by the view:

- per event, from the service's own histogram ``fupin_monitoring_event_lag_seconds`` (event time
  → the view's transaction with it committed), p50 / p95 / p99 and the share under one second;
- as a client sees it, ``lag_ms`` of ``GET /v1/overview`` sampled twice a second;
- the drain: how long after the last send the view holds every event;
- the service's CPU share over the run.

    .venv/bin/python bench/monitoring_lag.py [--rate 500] [--seconds 60] [--nice -10]

PostgreSQL and Kafka must run (deploy/local/pg.sh start; deploy/local/kafka.sh start). Each run
uses a fresh database and topics under a unique prefix.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg
import httpx
from aiokafka import AIOKafkaProducer

from fupin_shared.db import utc_now

ROOT = Path(__file__).resolve().parents[1]
PG = os.environ.get("FUPIN_BENCH_PG", "postgresql+asyncpg://fupin:fupin@127.0.0.1:55432/")
KAFKA = os.environ.get("FUPIN_BENCH_KAFKA", "127.0.0.1:19092")
DB = "bench_monitoring_lag"
BUCKET = re.compile(r'^fupin_monitoring_event_lag_seconds_bucket\{group="([^"]+)",le="([^"]+)"\} (\S+)$')


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def histogram(metrics: str, group: str) -> list[tuple[float, float]]:
    out = []
    for line in metrics.splitlines():
        match = BUCKET.match(line)
        if match and match.group(1) == group:
            out.append((float("inf") if match.group(2) == "+Inf" else float(match.group(2)), float(match.group(3))))
    return sorted(out)


def quantile(buckets: list[tuple[float, float]], q: float) -> float:
    """Linear interpolation inside the bucket holding the q-th event (as Prometheus does)."""
    total = buckets[-1][1]
    rank, previous_bound, previous_count = q * total, 0.0, 0.0
    for bound, count in buckets:
        if count >= rank:
            if bound == float("inf"):
                return previous_bound
            width = count - previous_count
            return previous_bound + (bound - previous_bound) * ((rank - previous_count) / width if width else 1)
        previous_bound, previous_count = bound, count
    return previous_bound


def under(buckets: list[tuple[float, float]], seconds: float) -> float:
    total = buckets[-1][1]
    return next((count for bound, count in buckets if bound >= seconds), total) / total if total else 0.0


def events(rng: random.Random):  # noqa: ANN201
    """An endless mix: household histories on the registry topic, now and then a funds picture."""
    from fupin_monitoring import synthetic

    villages = synthetic.villages(1400, seed=3)
    while True:
        for _ in range(50):
            for event in synthetic.household_history(rng, rng.choice(villages)):
                yield "registry", event
        for event in synthetic.funds_history(rng, villages, years=(2020,)):
            yield "funds", event


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--port", type=int, default=18505)
    parser.add_argument("--nice", type=int, default=0,
                        help="scheduling priority of the service and this script (e.g. -10 on a box shared with "
                             "other work, to measure the view rather than the queue for a CPU)")
    args = parser.parse_args()
    if args.nice:
        os.setpriority(os.PRIO_PROCESS, 0, args.nice)

    admin = await asyncpg.connect(PG.replace("postgresql+asyncpg", "postgresql") + "postgres")
    await admin.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    await admin.execute(f'CREATE DATABASE "{DB}"')
    await admin.close()
    prefix = f"bench{uuid.uuid4().hex[:8]}."
    group = f"{prefix}fupin.monitoring.view"
    workdir = Path(tempfile.mkdtemp(prefix="fupin-lag-"))
    key_file = workdir / "signing-key.json"
    env = {**os.environ, "FUPIN_MONITORING_DATABASE_URL": PG + DB, "FUPIN_BUS": "kafka", "FUPIN_KAFKA_BOOTSTRAP": KAFKA,
           "FUPIN_TOPIC_PREFIX": prefix, "FUPIN_AUTH_KEY_FILE": str(key_file), "FUPIN_DATA_DIR": str(workdir),
           "FUPIN_LOG_LEVEL": "WARNING"}
    server = subprocess.Popen([str(ROOT / ".venv/bin/fupin"), "serve", "monitoring", "--port", str(args.port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=open(workdir / "server.log", "w"),
                              start_new_session=True)
    if args.nice:
        os.setpriority(os.PRIO_PROCESS, server.pid, args.nice)
    base = f"http://127.0.0.1:{args.port}"
    from fupin_shared.testing import mint_token

    producer = AIOKafkaProducer(bootstrap_servers=KAFKA, enable_idempotence=True, acks="all", linger_ms=2)
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            deadline = time.monotonic() + 90
            while True:  # the service is up and its view consumer has joined its group
                try:
                    metrics = (await client.get("/metrics")).text
                    if f'fupin_consumer_lag_events{{group="{group}"}}' in metrics:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit(f"the monitoring service did not start (see {workdir / 'server.log'})")
                await asyncio.sleep(0.2)
            headers = {"Authorization": f"Bearer {mint_token(key_file, scopes=['monitoring:read'])}"}
            await producer.start()
            stream = events(random.Random(500))
            sent, samples, tick = 0, [], 0.02
            cpu0, started = cpu_seconds(server.pid), time.monotonic()
            next_sample = started
            while (elapsed := time.monotonic() - started) < args.seconds:
                due = int(elapsed * args.rate) + 1 - sent
                for _ in range(max(0, due)):
                    source, event = next(stream)
                    event = event.model_copy(update={"time": utc_now()})
                    await producer.send(f"{prefix}fupin.{source}.v1", key=(event.subject or "").encode(),
                                        value=event.to_json())
                    sent += 1
                if time.monotonic() >= next_sample:
                    next_sample += 0.5
                    body = (await client.get("/v1/overview", headers=headers)).json()
                    samples.append(body["lag_ms"] or 0)
                await asyncio.sleep(tick)
            await producer.flush()
            send_seconds = time.monotonic() - started
            while True:
                body = (await client.get("/v1/overview", headers=headers)).json()
                if body["events_applied"] >= sent:
                    break
                if time.monotonic() - started > args.seconds + 300:
                    raise SystemExit(f"the view applied {body['events_applied']} of {sent} events")
                await asyncio.sleep(0.05)
            drain = time.monotonic() - started - send_seconds
            cpu = cpu_seconds(server.pid) - cpu0
            buckets = histogram((await client.get("/metrics")).text, group)
    finally:
        await producer.stop()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
    samples.sort()
    print(f"sent {sent:,} events in {send_seconds:.1f} s = {sent / send_seconds:,.0f} events/s "
          f"(target {args.rate:,.0f}/s); view applied them all {drain * 1000:,.0f} ms after the last send")
    print(f"per-event lag (event time → view committed), from the service's histogram of {buckets[-1][1]:,.0f} events: "
          f"p50 {quantile(buckets, .5) * 1000:,.0f} ms  p95 {quantile(buckets, .95) * 1000:,.0f} ms  "
          f"p99 {quantile(buckets, .99) * 1000:,.0f} ms; under 1 s: {under(buckets, 1.0):.1%}")
    print(f"overview lag_ms sampled {len(samples)}×: p50 {samples[len(samples) // 2]:,} ms  "
          f"p95 {samples[int(len(samples) * .95)]:,} ms  max {samples[-1]:,} ms")
    print(f"monitoring service CPU: {cpu:.1f} s over {send_seconds + drain:.1f} s "
          f"({cpu / (send_seconds + drain):.0%} of one core); load average now {os.getloadavg()} on "
          f"{os.cpu_count()} cores")


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
