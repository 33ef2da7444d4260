"""Event propagation: commit → visible in the monitoring view, p99, vs a raw aiokafka round trip, in one run.

    .venv/bin/python -m bench.propagation [--rate 500] [--seconds 30]

1. **Baseline** — the physical limit of the broker on this machine: raw aiokafka, a producer with the
   settings of the relays (idempotent, ``acks=all``, ``linger_ms=2``) sends at a steady ``--rate`` events/s
   to a fresh 6-partition topic for ``--seconds``; a consumer in the same process (partitions assigned,
   no group) reads them; each event carries its send time, so the figure is produce → consume round trip,
   p50 / p99.
2. **Fupin** — ``bench/monitoring_lag.py`` at the same rate and duration: the monitoring service as its own
   process on PostgreSQL + Kafka; registry and funds events committed into outboxes of their own through the
   spine's unit of work and published by the spine's relays (woken by NOTIFY, as a relay in another process
   is); the service's own histogram of event time (the outbox row, just before its commit) → view
   transaction committed (p50 / p95 / p99), and the part up to Kafka (``kafka_p50_ms``/``kafka_p99_ms``: a
   probe reading the topics, event time → read) — the rest is the view's fetch, batch and transaction.

Goal: Fupin p99 ≤ baseline p99 + 100 ms. Results go to ``bench/results/propagation-<time>.json``.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KAFKA = os.environ.get("FUPIN_TEST_KAFKA", "127.0.0.1:19092")
PARTITIONS = 6


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


async def baseline(rate: float, seconds: float) -> dict:
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    topic = f"bench.{uuid.uuid4().hex[:10]}.roundtrip"
    admin = AIOKafkaAdminClient(bootstrap_servers=KAFKA)
    await admin.start()
    await admin.create_topics([NewTopic(topic, num_partitions=PARTITIONS, replication_factor=1)])
    producer = AIOKafkaProducer(bootstrap_servers=KAFKA, enable_idempotence=True, acks="all", linger_ms=2)
    consumer = AIOKafkaConsumer(bootstrap_servers=KAFKA, enable_auto_commit=False, auto_offset_reset="earliest",
                                fetch_max_wait_ms=100)
    latencies: list[float] = []
    sent = 0
    try:
        await producer.start()
        await consumer.start()
        consumer.assign([TopicPartition(topic, p) for p in range(PARTITIONS)])
        done = asyncio.Event()

        async def consume() -> None:
            while not done.is_set() or len(latencies) < sent:
                batches = await consumer.getmany(timeout_ms=200)
                now = time.perf_counter()
                for records in batches.values():
                    latencies.extend(now - float(r.value) for r in records)

        reader = asyncio.create_task(consume())
        payload_pad = b" " * 400  # about the size of a CloudEvent of the registry
        started = time.perf_counter()
        while (elapsed := time.perf_counter() - started) < seconds:
            for _ in range(max(0, int(elapsed * rate) + 1 - sent)):
                await producer.send(topic, key=str(sent).encode(),
                                    value=repr(time.perf_counter()).encode() + payload_pad)
                sent += 1
            await asyncio.sleep(0.02)
        await producer.flush()
        done.set()
        await asyncio.wait_for(reader, timeout=60)
    finally:
        await producer.stop()
        await consumer.stop()
        try:
            await admin.delete_topics([topic])
        finally:
            await admin.close()
    ms = [v * 1000 for v in latencies]
    return {"events": sent, "p50_ms": percentile(ms, 0.50), "p99_ms": percentile(ms, 0.99), "max_ms": max(ms)}


def fupin(rate: float, seconds: float) -> dict:
    """Runs bench/monitoring_lag.py and reads its figures from what it prints."""
    from bench.registry_get import _free_port

    out = subprocess.run([sys.executable, str(ROOT / "bench" / "monitoring_lag.py"), "--rate", str(rate),
                          "--seconds", str(seconds), "--port", str(_free_port())], cwd=ROOT, capture_output=True,
                         text=True, timeout=seconds + 600)
    if out.returncode != 0:
        raise SystemExit(f"monitoring_lag failed:\n{out.stdout[-2000:]}\n{out.stderr[-3000:]}")
    text = out.stdout

    def number(pattern: str) -> float:
        found = re.search(pattern, text)
        if not found:
            raise SystemExit(f"monitoring_lag: {pattern!r} not in its output:\n{text}")
        return float(found.group(1).replace(",", ""))

    return {"events": number(r"sent ([\d,]+) events"), "send_rate": number(r"= ([\d,]+) events/s"),
            "p50_ms": number(r"p50 ([\d,]+) ms  p95"), "p95_ms": number(r"p95 ([\d,]+) ms  p99"),
            "p99_ms": number(r"p99 ([\d,]+) ms; under"), "drain_ms": number(r"them all ([\d,]+) ms after"),
            "kafka_p50_ms": number(r"by a probe, [\d,]+ events: p50 ([\d,]+) ms"),
            "kafka_p99_ms": number(r"by a probe, [\d,]+ events: p50 [\d,]+ ms  p99 ([\d,]+) ms"),
            "output": text}


def main(args: argparse.Namespace) -> dict:
    base = asyncio.run(baseline(args.rate, args.seconds))
    print(f"baseline aiokafka round trip at {args.rate:,.0f}/s: p50 {base['p50_ms']:.1f} ms, "
          f"p99 {base['p99_ms']:.1f} ms over {base['events']:,} events", flush=True)
    ours = fupin(args.rate, args.seconds)
    print(f"fupin commit → view at {args.rate:,.0f}/s: p50 {ours['p50_ms']:.0f} ms, p99 {ours['p99_ms']:.0f} ms "
          f"(commit → Kafka p50 {ours['kafka_p50_ms']:.0f} ms, p99 {ours['kafka_p99_ms']:.0f} ms)", flush=True)
    result = {"measure": "event propagation, commit → visible in the monitoring view",
              "date": datetime.now(UTC).isoformat(),
              "machine": {"cores": os.cpu_count(), "load_avg_1m": os.getloadavg()[0]},
              "rate": args.rate, "seconds": args.seconds, "fupin": ours, "baseline": base,
              "goal": "p99 ≤ baseline p99 + 100 ms", "met": ours["p99_ms"] <= base["p99_ms"] + 100}
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / f"propagation-{datetime.now(UTC):%Y%m%d%H%M%S}.json").write_text(json.dumps(result, indent=1,
                                                                                          ensure_ascii=False))
    return result


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument("--seconds", type=float, default=30.0)
    return parser.parse_args(argv)


if __name__ == "__main__":
    main(parse())
