"""Consumer scaling: a monitoring-style consumer as 1, 2 and 3 processes over a 6-partition topic.

What it measures: catch-up throughput (events/s) of one consumer group reading a pre-filled topic,
with the spine's ``KafkaTransport`` and ``Consumer`` (batch per transaction, processed-event ids
stored with the projection, offsets committed after) writing a real PostgreSQL projection.

Projections (``--projection``), written like the monitoring service's read model:
  view        per event, upsert the household's row in ``household_view`` and advance the
              ``view_freshness`` row of the event's (topic, partition) — the freshness behind the
              overview's ``as_of``/``lag_ms`` as the service keeps it since commit 8b17121: one row
              per source partition, so no two consumer processes ever write the same row (default)
  shared-row  the same with one ``view_state`` row advanced by every event of every process, as the
              service did before 8b17121, to show what one hot row costs once processes write together
  plain       the ``household_view`` upsert alone

Each run gets a fresh database, a unique topic (``bench.<run>.fupin.registry.v1``) and unique
consumer groups; all are removed at the end. Needs the project's PostgreSQL and Kafka
(``make infra-up``):

    .venv/bin/python bench/consumer_scaling.py --events 30000 --processes 1 2 3

Throughput is reported two ways: over the whole run (first to last applied event, rebalances
included) and over the middle 80 % of events (steady state). Results also go to
``bench/results/consumer_scaling-<time>.json``.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import resource
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

PG_BASE = os.environ.get("FUPIN_TEST_PG_URL", "postgresql+asyncpg://fupin:fupin@127.0.0.1:55432/")
BOOTSTRAP = os.environ.get("FUPIN_TEST_KAFKA", "127.0.0.1:19092")
ROOT = Path(__file__).resolve().parents[1]
PARTITIONS = 6

SCHEMA = [
    """CREATE TABLE household_view (household_id uuid PRIMARY KEY, village_code varchar(12) NOT NULL,
       status varchar(32) NOT NULL, persons integer NOT NULL, updated_at timestamptz NOT NULL)""",
    "CREATE INDEX ix_household_view_village_status ON household_view (village_code, status)",
    """CREATE TABLE view_state (name varchar(40) PRIMARY KEY, last_event_time timestamptz NOT NULL,
       applied_at timestamptz NOT NULL, events_applied bigint NOT NULL)""",
    """CREATE TABLE view_freshness (topic varchar(200), partition integer, last_event_time timestamptz NOT NULL,
       applied_at timestamptz NOT NULL, events_applied bigint NOT NULL, PRIMARY KEY (topic, partition))""",
    """CREATE TABLE processed_event (consumer_group varchar(120), event_id uuid, type varchar(160) NOT NULL,
       processed_at timestamptz NOT NULL, error text, PRIMARY KEY (consumer_group, event_id))""",
]


def _dsn(database: str) -> str:
    return PG_BASE.replace("postgresql+asyncpg", "postgresql") + database


async def _admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(_dsn("postgres"))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _projection(kind: str, topic: str):  # noqa: ANN202 - (ProcessedEvent model, HandlerRegistry)
    """The consumer's processed-event model and handlers for ``kind``."""
    import sqlalchemy as sa
    from aiokafka.partitioner import DefaultPartitioner
    from sqlalchemy.dialects.postgresql import insert

    from fupin_shared.consuming import HandlerRegistry
    from fupin_shared.contracts.registry import HouseholdRegistered, HouseholdUpdated
    from fupin_shared.db import make_base, utc_now
    from fupin_shared.outbox import define_infrastructure_tables

    infra = define_infrastructure_tables(make_base())
    handlers = HandlerRegistry()
    view = sa.table("household_view", sa.column("household_id"), sa.column("village_code"),
                    sa.column("status"), sa.column("persons"), sa.column("updated_at"))
    state = sa.table("view_state", sa.column("name"), sa.column("last_event_time"), sa.column("applied_at"),
                     sa.column("events_applied"))
    freshness = sa.table("view_freshness", sa.column("topic"), sa.column("partition"), sa.column("last_event_time"),
                         sa.column("applied_at"), sa.column("events_applied"))
    partitions = list(range(PARTITIONS))
    partition_of = DefaultPartitioner()  # the producer's: the partition the event was read from

    @handlers.on(HouseholdRegistered.event_type(), HouseholdUpdated.event_type())
    async def household_changed(session, event) -> None:  # noqa: ANN001
        data = event.data
        upsert = insert(view).values(household_id=uuid.UUID(data["household_id"]), village_code=data["village_code"],
                                     status=data["status"], persons=data["persons"], updated_at=event.time)
        await session.execute(upsert.on_conflict_do_update(
            index_elements=["household_id"], where=view.c.updated_at <= upsert.excluded.updated_at,
            set_={"village_code": upsert.excluded.village_code, "status": upsert.excluded.status,
                  "persons": upsert.excluded.persons, "updated_at": upsert.excluded.updated_at}))
        if kind == "plain":
            return
        if kind == "view":
            table, row = freshness, {"topic": topic, "partition": partition_of(event.subject.encode(), partitions,
                                                                               partitions)}
        else:
            table, row = state, {"name": "main"}
        fresh = insert(table).values(**row, last_event_time=event.time, applied_at=utc_now(), events_applied=1)
        await session.execute(fresh.on_conflict_do_update(index_elements=list(row), set_={
            "last_event_time": sa.func.greatest(table.c.last_event_time, fresh.excluded.last_event_time),
            "applied_at": fresh.excluded.applied_at, "events_applied": table.c.events_applied + 1}))

    return infra.ProcessedEvent, handlers


def _child(kind: str, database_url: str, group: str, topic: str, stop, applied) -> None:  # noqa: ANN001
    """One consumer process: the spine's Consumer loop until the parent says stop."""

    async def main() -> None:
        from fupin_shared.bus.kafka import KafkaTransport
        from fupin_shared.consuming import Consumer
        from fupin_shared.db import create_engine_from_url

        processed, handlers = _projection(kind, topic)
        engine = create_engine_from_url(database_url, pool_size=2, max_overflow=2)
        transport = KafkaTransport(BOOTSTRAP)

        async def count(events) -> None:  # noqa: ANN001
            with applied.get_lock():
                applied.value += len(events)

        consumer = Consumer(group=group, topics=[topic], transport=transport, engine=engine,
                            processed_model=processed, handlers=handlers, batch_size=500, on_applied=count)
        task = asyncio.create_task(consumer.run())
        while not stop.is_set():
            await asyncio.sleep(0.05)
        consumer.stop()
        await asyncio.wait_for(task, 30)
        await transport.stop()
        await engine.dispose()

    asyncio.run(main())


async def _produce(topic: str, events: int) -> float:
    from fupin_shared.bus.kafka import KafkaTransport
    from fupin_shared.contracts.registry import HouseholdRegistered
    from fupin_shared.events import Envelope

    transport = KafkaTransport(BOOTSTRAP)
    await transport.ensure_topics([topic], partitions=PARTITIONS)
    started = time.perf_counter()
    batch: list[tuple[bytes, bytes]] = []
    for n in range(events):
        household = uuid.uuid4()
        village = f"441223{100 + n % 50:03d}{200 + n % 97:03d}"
        payload = HouseholdRegistered(household_id=household, village_code=village, status="identified",
                                      persons=1 + n % 6, labour_type=None, poverty_causes=[])
        envelope = Envelope(id=uuid.uuid4(), source="/fupin/registry", type=payload.event_type(),
                            subject=str(household), time=datetime.now(UTC), data=payload.model_dump(mode="json"),
                            sequence=n + 1, actor="bench", division=village)
        batch.append((str(household).encode(), envelope.to_json()))
        if len(batch) == 2000:
            await transport.publish(topic, batch)
            batch = []
    await transport.publish(topic, batch)
    await transport.stop()
    return time.perf_counter() - started


async def _stats(database_url: str, group: str) -> tuple[int, list[float], list[int]]:
    """Events applied, their times, and the events counted by each ``view_freshness`` row."""
    import asyncpg

    conn = await asyncpg.connect(database_url.replace("postgresql+asyncpg", "postgresql"))
    try:
        rows = await conn.fetch("SELECT extract(epoch FROM processed_at) AS t FROM processed_event "
                                "WHERE consumer_group = $1 ORDER BY processed_at", group)
        fresh = await conn.fetch("SELECT events_applied FROM view_freshness ORDER BY partition")
    finally:
        await conn.close()
    return len(rows), [float(r["t"]) for r in rows], [r["events_applied"] for r in fresh]


async def _reset(database_url: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(database_url.replace("postgresql+asyncpg", "postgresql"))
    try:
        await conn.execute("TRUNCATE household_view, view_state, view_freshness, processed_event")
    finally:
        await conn.close()


def _throughput(times: list[float]) -> tuple[float, float]:
    whole = len(times) / max(times[-1] - times[0], 1e-6)
    low, high = int(len(times) * 0.1), int(len(times) * 0.9) - 1
    middle = (high - low) / max(times[high] - times[low], 1e-6)
    return whole, middle


async def _run(args: argparse.Namespace) -> dict:
    run = uuid.uuid4().hex[:8]
    database = f"bench_cs_{run}"
    database_url = PG_BASE + database
    topic = f"bench.{run}.fupin.registry.v1"
    await _admin(f'CREATE DATABASE "{database}"')
    results: dict = {"run": run, "events": args.events, "partitions": PARTITIONS, "projection": args.projection,
                     "cpus": os.cpu_count(), "started": datetime.now(UTC).isoformat(), "runs": []}
    try:
        import asyncpg

        conn = await asyncpg.connect(_dsn(database))
        for statement in SCHEMA:
            await conn.execute(statement)
        await conn.close()
        produce_seconds = await _produce(topic, args.events)
        results["produce_events_per_s"] = round(args.events / produce_seconds)
        print(f"produced {args.events} events on {topic} ({PARTITIONS} partitions) in {produce_seconds:.1f} s")
        context = mp.get_context("spawn")
        for processes in args.processes:
            await _reset(database_url)
            group = f"bench.{run}.monitoring.view.p{processes}"
            stop = context.Event()
            counters = [context.Value("q", 0) for _ in range(processes)]
            children = [context.Process(target=_child, args=(args.projection, database_url, group, topic, stop, c))
                        for c in counters]
            load_before = os.getloadavg()[0]
            usage_before = resource.getrusage(resource.RUSAGE_CHILDREN)
            launched = time.perf_counter()
            for child in children:
                child.start()
            deadline = launched + args.timeout
            while time.perf_counter() < deadline:
                if sum(c.value for c in counters) >= args.events:
                    break
                if not any(child.is_alive() for child in children):
                    break  # every consumer process died: reported below with the count it reached
                await asyncio.sleep(0.2)
            wall = time.perf_counter() - launched
            stop.set()
            for child in children:
                child.join(60)
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (usage.ru_utime - usage_before.ru_utime) + (usage.ru_stime - usage_before.ru_stime)
            count, times, freshness = await _stats(database_url, group)
            if count < args.events:
                raise RuntimeError(f"{processes} process(es): only {count} of {args.events} events applied "
                                   f"within {args.timeout} s")
            if args.projection == "view" and (len(freshness) != PARTITIONS or sum(freshness) != count):
                raise RuntimeError(f"freshness rows {freshness} do not add up to one per partition and {count} events")
            whole, middle = _throughput(times)
            entry = {"processes": processes, "applied": count, "per_process": [c.value for c in counters],
                     "events_per_s_whole": round(whole), "events_per_s_steady": round(middle),
                     "wall_seconds_incl_start": round(wall, 1),
                     "consumer_cpu_ms_per_event": round(cpu * 1000 / count, 2), "freshness_rows": freshness,
                     "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)]}
            results["runs"].append(entry)
            print(f"{processes} process(es): {entry['events_per_s_whole']} events/s whole run, "
                  f"{entry['events_per_s_steady']} events/s steady (middle 80 %), per process {entry['per_process']}, "
                  f"consumer CPU {entry['consumer_cpu_ms_per_event']} ms/event, "
                  f"{entry['wall_seconds_incl_start']} s wall incl. start, load average {entry['load_average_1min']}")
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        try:
            from aiokafka.admin import AIOKafkaAdminClient

            admin = AIOKafkaAdminClient(bootstrap_servers=BOOTSTRAP)
            await admin.start()
            await admin.delete_topics([topic])
            await admin.close()
        except Exception as exc:  # noqa: BLE001 - cleanup is best effort
            print(f"could not delete topic {topic}: {exc!r}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=30_000)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--projection", choices=["view", "shared-row", "plain"], default="view")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds allowed per run")
    args = parser.parse_args()
    results = asyncio.run(_run(args))
    out = ROOT / "bench" / "results" / f"consumer_scaling-{results['projection']}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"results: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
