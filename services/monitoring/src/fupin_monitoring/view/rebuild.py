"""Rebuild: replay every source topic from the start into fresh tables, then swap them in.

1. Fresh tables in a schema of their own (PostgreSQL ``CREATE SCHEMA``; SQLite an attached
   database file), created from the same table definitions as the migrations (a test checks that
   the two agree).
2. A new consumer group reads the topics from the earliest offset (on Kafka a new group starts at
   ``earliest``; on the in-process bus a new group starts at offset 0) and applies them with the
   same projector as the live view — without raising alerts — recording processed ids under the
   live group's name.
3. Once it has caught up, the live view's consumer is paused between batches, the replay catches
   up with the last events, and in **one transaction** each projection table's rows are replaced
   by the rebuilt ones (readers see the old view until the commit, then the new one), together
   with the live group's processed ids. The live consumer resumes from its own offsets; whatever
   the replay already applied is skipped as processed.
4. The replay refuses to swap when it saw fewer events than the live view has applied: the bus no
   longer holds the whole history (Kafka retention, or the in-process bus after a restart, which
   only holds events published since the process started).

Alerts and snapshots are the service's own state and are left alone.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import event as sa_event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from fupin_monitoring.alerts.domain import default_rules
from fupin_monitoring.db import INFRA
from fupin_monitoring.deps import MonitoringWriter
from fupin_monitoring.divisions import CITY
from fupin_monitoring.overview.cache import cache_of
from fupin_monitoring.view.consumer import ViewConsumer
from fupin_monitoring.view.live import SOURCES, VIEW_GROUP
from fupin_monitoring.view.projector import Projector
from fupin_monitoring.view.tables import PROJECTION_TABLES, view_counter
from fupin_monitoring.workdays import default_calendar
from fupin_shared.db import is_postgres
from fupin_shared.http.problems import Conflict, Forbidden, problem_responses
from fupin_shared.http.responses import json_response

log = logging.getLogger(__name__)
PROCESSED = INFRA.ProcessedEvent.__table__


class RebuildRefused(Conflict):
    slug, title = "rebuild-refused", "The view was not rebuilt"


@dataclass
class RebuildReport:
    group: str
    schema: str
    events_replayed: int
    live_events: int
    seconds: float
    swapped: bool
    counter_rows: int
    counter_differences: int
    differences: list[dict[str, Any]] = field(default_factory=list)
    """Up to 20 counters where the live view differed from the replay (drift the swap repaired)."""
    tables: dict[str, int] = field(default_factory=dict)


async def _processed_count(conn: sa.ext.asyncio.AsyncConnection, group: str) -> int:
    return int((await conn.execute(sa.select(sa.func.count()).select_from(PROCESSED).where(
        PROCESSED.c.consumer_group == group))).scalar_one())


async def _counters(conn: sa.ext.asyncio.AsyncConnection) -> dict[tuple, int]:
    rows = await conn.execute(sa.select(view_counter).where(view_counter.c.value != 0))
    return {(r.division_code, r.year, r.metric, r.key): int(r.value) for r in rows}


@contextlib.asynccontextmanager
async def _fresh_schema(runtime: Any, schema: str):  # noqa: ANN202
    """An engine seeing both the live tables and a fresh schema ``schema`` (dropped afterwards)."""
    url = runtime.settings.effective_database_url
    if is_postgres(url):
        base: AsyncEngine = runtime.engine
        async with base.begin() as conn:
            await conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        try:
            yield base
        finally:
            async with base.begin() as conn:
                await conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        return
    database = Path(make_url(url).database or "")
    path = database.with_name(f"{database.stem}.{schema}.db")
    path.unlink(missing_ok=True)
    base = create_async_engine(url, connect_args={"timeout": 30})

    @sa_event.listens_for(base.sync_engine, "connect")
    def _attach(dbapi_connection, _record) -> None:  # noqa: ANN001
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute(f"ATTACH DATABASE '{path}' AS \"{schema}\"")
        cursor.close()

    try:
        yield base
    finally:
        await base.dispose()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(path) + suffix).unlink(missing_ok=True)


async def _wait_caught_up(consumer: ViewConsumer, *, deadline: float) -> None:
    consumer.caught_up.clear()
    while not consumer.caught_up.is_set():
        if time.monotonic() > deadline:
            raise RebuildRefused("The replay did not catch up in time.")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(consumer.caught_up.wait(), 0.5)


async def rebuild(runtime: Any, *, timeout: float = 1800.0, settle_seconds: float = 5.0) -> RebuildReport:
    """Replay the topics into fresh tables and swap them in; see the module docstring."""
    settings = runtime.settings
    live: ViewConsumer | None = runtime.extras.get("view")
    live_group = settings.group(VIEW_GROUP)
    token = uuid.uuid4().hex[:10]
    schema, group = f"mrebuild_{token}", settings.group(f"rebuild-{token}")
    started = time.monotonic()
    deadline = started + timeout
    async with _fresh_schema(runtime, schema) as base:
        replay_engine = base.execution_options(schema_translate_map={None: schema})
        async with replay_engine.begin() as conn:
            for table in (*PROJECTION_TABLES, PROCESSED):
                await conn.run_sync(lambda sync, t=table: t.create(sync))
        async with base.connect() as conn:
            live_events = await _processed_count(conn, live_group)
        projector = Projector(calendar=default_calendar(), rules=default_rules(), alerts=None)
        consumer = ViewConsumer(group=group, topics=[settings.topic(s) for s in SOURCES], transport=runtime.transport,
                                engine=replay_engine, processed_table=PROCESSED, projector=projector,
                                batch_size=max(settings.view_batch_size, 2000), processed_group=live_group)
        task = asyncio.create_task(consumer.run(), name=f"rebuild:{group}")
        resume: asyncio.Event | None = None
        try:
            await _wait_caught_up(consumer, deadline=deadline)
            settle_until = time.monotonic() + settle_seconds
            while consumer.applied_total < live_events and time.monotonic() < settle_until:
                await _wait_caught_up(consumer, deadline=deadline)
            if live is not None and not live.stopped:
                resume = asyncio.Event()
                runtime.extras["view_resume"] = resume
                await live.pause()
            await _wait_caught_up(consumer, deadline=deadline)
            consumer.stop()
            await asyncio.wait_for(task, 30)
            async with base.connect() as conn:
                live_events = await _processed_count(conn, live_group)
                before = await _counters(conn)
            async with replay_engine.connect() as conn:
                replayed = await _processed_count(conn, live_group)
                after = await _counters(conn)
            keys = sorted(set(before) | set(after), key=str)
            differences = [{"division": k[0], "year": k[1], "metric": k[2], "key": k[3], "live": before.get(k, 0),
                            "rebuilt": after.get(k, 0)} for k in keys if before.get(k, 0) != after.get(k, 0)]
            report = RebuildReport(group=group, schema=schema, events_replayed=replayed, live_events=live_events,
                                   seconds=0.0, swapped=False, counter_rows=len(after),
                                   counter_differences=len(differences), differences=differences[:20])
            if replayed < live_events:
                raise RebuildRefused(
                    f"The replay saw {replayed} events but the live view has applied {live_events}: the bus no longer "
                    "holds the whole history (retention, or the in-process bus after a restart). Nothing was swapped.",
                    events_replayed=replayed, live_events=live_events)
            await _swap(base, schema, live_group, report)
            cache_of(runtime).changed()
            report.swapped = True
            report.seconds = round(time.monotonic() - started, 3)
            log.info("view rebuilt: %s", {k: v for k, v in asdict(report).items() if k != "differences"})
            return report
        finally:
            consumer.stop()
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            if resume is not None:
                resume.set()


async def _swap(base: AsyncEngine, schema: str, live_group: str, report: RebuildReport) -> None:
    async with base.begin() as conn:
        if is_postgres(base):
            await conn.execute(sa.text("SET LOCAL lock_timeout = '30s'"))
        for table in PROJECTION_TABLES:
            columns = ", ".join(f'"{c.name}"' for c in table.columns)
            await conn.execute(sa.text(f'DELETE FROM "{table.name}"'))
            await conn.execute(sa.text(
                f'INSERT INTO "{table.name}" ({columns}) SELECT {columns} FROM "{schema}"."{table.name}"'))
            report.tables[str(table.name)] = int((await conn.execute(
                sa.text(f'SELECT count(*) FROM "{table.name}"'))).scalar_one())
        columns = ", ".join(f'"{c.name}"' for c in PROCESSED.columns)
        await conn.execute(PROCESSED.delete().where(PROCESSED.c.consumer_group == live_group))
        await conn.execute(sa.text(
            f'INSERT INTO "{PROCESSED.name}" ({columns}) SELECT {columns} FROM "{schema}"."{PROCESSED.name}"'))


router = APIRouter(prefix="/v1", tags=["operations"])


@router.post("/rebuild", responses=problem_responses(409))
async def rebuild_view(request: Request, actor: MonitoringWriter) -> Response:
    """Rebuild the read model by replaying every topic from the start, then swap it in (city
    operators only; one at a time). Answers with what was replayed and any drift it repaired."""
    if actor.division != CITY:
        raise Forbidden("Only a city-level operator can rebuild the view.")
    runtime = request.app.state.runtime
    lock: asyncio.Lock = runtime.extras.setdefault("rebuild_lock", asyncio.Lock())
    if lock.locked():
        raise RebuildRefused("A rebuild is already running.")
    async with lock:
        report = await rebuild(runtime)
    return json_response(asdict(report))
