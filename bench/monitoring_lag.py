"""Freshness of the monitoring view under a steady load on Kafka.

The monitoring service runs as its own process (``fupin serve monitoring``: API, view consumer
and relay) on PostgreSQL and the local Kafka broker. This script plays the owners of the events,
registry and funds, at a steady ``--rate`` (default 500 events/s) for ``--seconds`` (default 60):

- ``--via relay`` (default): as the owners do — each owner has an outbox in a PostgreSQL database of
  its own, the events are committed into it through the spine's ``UnitOfWork`` (one transaction per
  owner per 20 ms tick) and the spine's ``Relay`` publishes them (ordered, advisory-lock leader,
  idempotent producer, acks=all). The writer wakes its relay as one in another process would:
  ``--wake notify`` (default; PostgreSQL NOTIFY in the commit), ``poll`` (the relay's 200 ms poll
  only) or ``signal`` (in-process, as when the API runs its relay). The event time is when its
  outbox row was made, just before the commit, so the figures are commit → visible.
- ``--via direct``: raw aiokafka sends of the same CloudEvents, event time = send (no relay).

It measures how long each event takes to be applied by the view:

- per event, from the service's own histogram ``fupin_monitoring_event_lag_seconds`` (event time
  → the view's transaction with it committed), p50 / p95 / p99 and the share under one second;
- per event, the part up to Kafka: a probe in this process (raw aiokafka, partitions assigned, no
  group) reads the same topics, event time → consumed, p50 / p99 — the relay's pick-up and publish
  plus the broker; the rest of the view's figure is its fetch, gathering and transaction;
- as a client sees it, ``lag_ms`` of ``GET /v1/overview`` sampled twice a second;
- the drain: how long after the last send the view holds every event;
- the service's CPU share over the run.

    .venv/bin/python bench/monitoring_lag.py [--rate 500] [--seconds 60] [--via relay|direct]
        [--wake notify|poll|signal] [--nice -10]

PostgreSQL and Kafka must run (deploy/local/pg.sh start; deploy/local/kafka.sh start). Each run
uses a fresh database and topics under a unique prefix.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import DeclarativeBase

from fupin_shared.bus.kafka import KafkaTransport
from fupin_shared.contracts.base import contract_for
from fupin_shared.db import utc_now
from fupin_shared.db.engine import create_engine_from_url
from fupin_shared.db.uow import UnitOfWork
from fupin_shared.events import Envelope
from fupin_shared.outbox import Relay
from fupin_shared.outbox.tables import define_infrastructure_tables

ROOT = Path(__file__).resolve().parents[1]
PG = os.environ.get("FUPIN_BENCH_PG", "postgresql+asyncpg://fupin:fupin@127.0.0.1:55432/")
KAFKA = os.environ.get("FUPIN_BENCH_KAFKA", "127.0.0.1:19092")
DB = "bench_monitoring_lag"
BUCKET = re.compile(r'^fupin_monitoring_event_lag_seconds_bucket\{group="([^"]+)",le="([^"]+)"\} (\S+)$')
STEP = re.compile(r'^fupin_monitoring_batch_step_seconds_(sum|count)\{group="([^"]+)",step="([^"]+)"\} (\S+)$')


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


def steps(metrics: str, group: str) -> dict[str, tuple[float, float]]:
    """The view's batch steps (gather, apply, offsets): how many, mean seconds."""
    found: dict[str, dict[str, float]] = defaultdict(dict)
    for line in metrics.splitlines():
        match = STEP.match(line)
        if match and match.group(2) == group:
            found[match.group(3)][match.group(1)] = float(match.group(4))
    return {step: (v.get("count", 0), v.get("sum", 0) / v["count"] if v.get("count") else 0.0)
            for step, v in found.items()}


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


def percentile(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] if ordered else float("nan")


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


class Owner:
    """An owner service as the bench plays it: an outbox in a database of its own, written through the
    spine's unit of work and published by the spine's relay to the owner's topic."""

    def __init__(self, service: str, prefix: str, wake: str) -> None:
        self.service, self.database = service, f"{DB}_{service}"
        self.engine = create_engine_from_url(PG + self.database, pool_size=2, max_overflow=0)

        class Base(DeclarativeBase):
            pass

        self.metadata = Base.metadata
        self.infra = define_infrastructure_tables(Base)
        self.transport = KafkaTransport(KAFKA)
        self.relay = Relay(service=service, engine=self.engine, outbox_model=self.infra.Outbox,
                           transport=self.transport, topic=f"{prefix}fupin.{service}.v1")
        self._uow_class = type(f"{service}UnitOfWork", (UnitOfWork,),
                               {"infra": self.infra, "source": f"/fupin/{service}"})
        self._sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        self._wake = {"notify": {"outbox_channel": self.relay.channel} if wake == "notify" else {},
                      "signal": {"outbox_signal": self.relay.signal}, "poll": {}}[wake]
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        async with self.engine.begin() as conn:
            await conn.run_sync(self.metadata.create_all)  # a throwaway database of the bench
        self.task = asyncio.create_task(self.relay.run())

    async def commit(self, events: list[Envelope]) -> None:
        async with self._uow_class(self._sessionmaker, **self._wake) as uow:
            for event in events:
                uow.record(contract_for(event.type).model_validate(event.data), subject=event.subject,
                           division=event.division, actor=event.actor)
            await uow.commit()

    async def stop(self) -> None:
        self.relay.stop()
        if self.task is not None:
            await self.task
        await self.transport.stop()
        await self.engine.dispose()


async def probe(producer: AIOKafkaProducer, topics: list[str], latencies: list[float], stop: asyncio.Event) -> None:
    """Event time → read from Kafka, for every event on ``topics`` (partitions assigned, no group)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=KAFKA, enable_auto_commit=False, auto_offset_reset="earliest",
                                fetch_max_wait_ms=20)
    await consumer.start()
    try:
        consumer.assign([TopicPartition(t, p) for t in topics for p in await producer.partitions_for(t)])
        while not stop.is_set():
            batches = await consumer.getmany(timeout_ms=100)
            now = datetime.now().astimezone()
            latencies.extend((now - datetime.fromisoformat(json.loads(r.value)["time"])).total_seconds()
                             for records in batches.values() for r in records)
    finally:
        await consumer.stop()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--port", type=int, default=18505)
    parser.add_argument("--via", choices=("relay", "direct"), default="relay")
    parser.add_argument("--wake", choices=("notify", "poll", "signal"), default="notify")
    parser.add_argument("--nice", type=int, default=0,
                        help="scheduling priority of the service and this script (e.g. -10 on a box shared with "
                             "other work, to measure the view rather than the queue for a CPU)")
    args = parser.parse_args()
    if args.nice:
        os.setpriority(os.PRIO_PROCESS, 0, args.nice)

    prefix = f"bench{uuid.uuid4().hex[:8]}."
    owners = {service: Owner(service, prefix, args.wake) for service in ("registry", "funds")} \
        if args.via == "relay" else {}
    admin = await asyncpg.connect(PG.replace("postgresql+asyncpg", "postgresql") + "postgres")
    for database in [DB] + [owner.database for owner in owners.values()]:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{database}"')
    await admin.close()
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
            for owner in owners.values():
                await owner.start()
            probed: list[float] = []
            probe_stop = asyncio.Event()
            prober = asyncio.create_task(probe(producer, [f"{prefix}fupin.{s}.v1" for s in ("registry", "funds")], probed,
                                               probe_stop))
            stream = events(random.Random(500))
            sent, samples, tick = 0, [], 0.02
            cpu0, own0, started = cpu_seconds(server.pid), time.process_time(), time.monotonic()
            next_sample = started
            while (elapsed := time.monotonic() - started) < args.seconds:
                due = int(elapsed * args.rate) + 1 - sent
                batch: dict[str, list[Envelope]] = defaultdict(list)
                for _ in range(max(0, due)):
                    source, event = next(stream)
                    if owners:
                        batch[source].append(event)
                    else:
                        event = event.model_copy(update={"time": utc_now()})
                        await producer.send(f"{prefix}fupin.{source}.v1", key=(event.subject or "").encode(),
                                            value=event.to_json())
                    sent += 1
                await asyncio.gather(*(owners[source].commit(evs) for source, evs in batch.items()))
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
            cpu, own = cpu_seconds(server.pid) - cpu0, time.process_time() - own0
            metrics = (await client.get("/metrics")).text
            buckets, batch_steps = histogram(metrics, group), steps(metrics, group)
            probe_stop.set()
            await prober
    finally:
        await producer.stop()
        for owner in owners.values():
            await owner.stop()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
    samples.sort()
    probed.sort()
    how = f"committed through outboxes and relays (wake: {args.wake})" if owners else "sent to Kafka directly"
    print(f"events {how}")
    print(f"sent {sent:,} events in {send_seconds:.1f} s = {sent / send_seconds:,.0f} events/s "
          f"(target {args.rate:,.0f}/s); view applied them all {drain * 1000:,.0f} ms after the last send")
    print(f"per-event lag (event time → view committed), from the service's histogram of {buckets[-1][1]:,.0f} events: "
          f"p50 {quantile(buckets, .5) * 1000:,.0f} ms  p95 {quantile(buckets, .95) * 1000:,.0f} ms  "
          f"p99 {quantile(buckets, .99) * 1000:,.0f} ms; under 1 s: {under(buckets, 1.0):.1%}")
    print(f"event time → read from Kafka by a probe, {len(probed):,} events: p50 {percentile(probed, .5) * 1000:,.0f} ms  "
          f"p99 {percentile(probed, .99) * 1000:,.0f} ms")
    batches = batch_steps.get("apply", (0, 0))[0]
    if batches:  # the view's step histogram (a version without it: nothing to say)
        print(f"view batches: {batches:,.0f}, {sent / batches:,.0f} events each on average; mean wall time per "
              f"batch: " + ", ".join(f"{step} {mean * 1000:,.1f} ms ({count:,.0f}×)"
                                      for step, (count, mean) in sorted(batch_steps.items())))
    print(f"overview lag_ms sampled {len(samples)}×: p50 {samples[len(samples) // 2]:,} ms  "
          f"p95 {samples[int(len(samples) * .95)]:,} ms  max {samples[-1]:,} ms")
    print(f"monitoring service CPU: {cpu:.1f} s over {send_seconds + drain:.1f} s "
          f"({cpu / (send_seconds + drain):.0%} of one core); this script (owners' writers and relays, the probe, the sender): "
          f"{own / (send_seconds + drain):.0%}; load average now {os.getloadavg()} on "
          f"{os.cpu_count()} cores")


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
