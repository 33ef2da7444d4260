"""The view's consumer: reads every service's topic and applies each batch through the projector.

The spine's ``Consumer`` calls one handler per event; the view needs the whole batch (to load the
rows it touches in one query per table and write summed counter deltas once), so it runs this
loop instead, with the same guarantees: in one transaction per batch, the events not yet in
``processed_event`` for the group are applied and recorded; offsets are committed afterwards; a
batch that fails is retried one event at a time and a failing event is recorded with its error
(dead letter) so it cannot block its partition.

It also measures freshness: ``fupin_consumer_lag_ms`` (time from an event's ``time`` to the view
having applied it) next to the spine's ``fupin_consumer_lag_events``.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import sqlalchemy as sa
from prometheus_client import Gauge, Histogram
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from fupin_monitoring.view.projector import BatchResult, Projector
from fupin_shared.bus.base import Message, Subscription, Transport
from fupin_shared.consuming.loop import APPLIED, LAG
from fupin_shared.db import utc_now
from fupin_shared.events import Envelope

log = logging.getLogger(__name__)

LAG_MS = Gauge("fupin_consumer_lag_ms", "How far the view trails the events, in ms: the delay from event time to "
               "applied of the newest batch; growing with wall time while events wait", ["group"])
EVENT_LAG = Histogram("fupin_monitoring_event_lag_seconds", "Time from an event's time to the view having applied it",
                      ["group"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30))

OnBatch = Callable[[BatchResult, list[Envelope]], Awaitable[None]]


class ViewConsumer:
    def __init__(self, *, group: str, topics: Sequence[str], transport: Transport, engine: AsyncEngine,
                 processed_table: sa.Table, projector: Projector, batch_size: int = 500,
                 processed_group: str | None = None, on_batch: OnBatch | None = None,
                 idle: Callable[[], Awaitable[None]] | None = None) -> None:
        self.group = group
        self.processed_group = processed_group or group
        """Group name the processed ids are recorded under (a rebuild records them under the live
        group's name, so the live consumer skips what the rebuilt tables already hold)."""
        self.topics = list(topics)
        self._transport = transport
        self._sessionmaker = async_sessionmaker(engine, expire_on_commit=False)
        self._processed = processed_table
        self.projector = projector
        self._batch_size = batch_size
        self._on_batch = on_batch
        self._idle = idle
        self._stopping = asyncio.Event()
        self.subscription: Subscription | None = None
        self.pending_events: int | None = None
        self.caught_up = asyncio.Event()
        self.applied_total = 0
        self.seen_total = 0
        """Events fetched and dealt with (applied, skipped as duplicates or recorded as failed)."""
        self.last_lag_ms = 0
        self.last_applied_monotonic: float | None = None
        self._busy = asyncio.Lock()

    def stop(self) -> None:
        self._stopping.set()

    @property
    def stopped(self) -> bool:
        return self._stopping.is_set()

    def current_lag_ms(self) -> int:
        """How far the view trails: the delay of the newest batch while caught up; growing with
        wall time while events wait."""
        if self.pending_events and self.last_applied_monotonic is not None:
            waited = int((time.monotonic() - self.last_applied_monotonic) * 1000)
            return max(self.last_lag_ms, waited)
        return self.last_lag_ms

    async def run(self) -> None:
        backoff = 0.5
        while not self._stopping.is_set():
            try:
                self.subscription = await self._transport.subscribe(self.group, self.topics)
                backoff = 0.5
                checked = 0.0
                while not self._stopping.is_set():
                    messages = await self.subscription.fetch(timeout=0.2, max_records=self._batch_size)
                    if messages:
                        async with self._busy:
                            await self.apply(messages)
                            await self.subscription.commit(messages)
                    # the broker is asked for the group's lag (a request per partition) at most twice a
                    # second when idle and every two seconds under load, not after every batch
                    now = time.monotonic()
                    if now - checked >= (0.5 if not messages else 2.0):
                        checked = now
                        self.pending_events = await self.subscription.lag()
                        LAG.labels(self.group).set(self.pending_events)
                        if not messages and not self.pending_events:
                            self.caught_up.set()
                    if messages:
                        self.caught_up.clear()
                    LAG_MS.labels(self.group).set(self.current_lag_ms())
                    if self._idle is not None:
                        async with self._busy:
                            await self._idle()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - keep consuming through outages
                log.warning("view consumer %s failed, resubscribing in %.1fs: %r", self.group, backoff, exc)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
            finally:
                if self.subscription is not None:
                    await self.subscription.close()
                    self.subscription = None

    async def apply(self, messages: Sequence[Message]) -> int:
        """Apply a batch idempotently; returns how many events were new."""
        events = [Envelope.from_json(m.value) for m in messages]
        try:
            async with self._sessionmaker() as session, session.begin():
                fresh, result = await self._apply_all(session, events, error=None)
        except Exception:  # noqa: BLE001 - retry one by one, record the poison event
            log.exception("view consumer %s: batch failed, applying one event at a time", self.group)
            fresh, result = [], BatchResult()
            for event in events:
                try:
                    async with self._sessionmaker() as session, session.begin():
                        one, one_result = await self._apply_all(session, [event], error=None)
                except Exception as exc:  # noqa: BLE001
                    log.exception("view consumer %s: event %s (%s) failed", self.group, event.id, event.type)
                    APPLIED.labels(self.group, "failed").inc()
                    async with self._sessionmaker() as session, session.begin():
                        await self._apply_all(session, [event], error=repr(exc)[:2000])
                    continue
                fresh += one
                result.applied += one_result.applied
                result.divisions |= one_result.divisions
                result.alerts += one_result.alerts
                result.lag_ms = max(result.lag_ms, one_result.lag_ms)
                result.last_event_time = one_result.last_event_time or result.last_event_time
        self._measure(fresh)
        APPLIED.labels(self.group, "applied").inc(len(fresh))
        self.applied_total += len(fresh)
        self.seen_total += len(events)
        if fresh and self._on_batch is not None:
            try:
                await self._on_batch(result, fresh)
            except Exception:  # noqa: BLE001 - a listener never breaks the consumer
                log.exception("view consumer %s: batch listener failed", self.group)
        return len(fresh)

    async def _apply_all(self, session: AsyncSession, events: list[Envelope], *,
                         error: str | None) -> tuple[list[Envelope], BatchResult]:
        """Claim the batch's ids in ``processed_event`` first (INSERT … ON CONFLICT DO NOTHING
        RETURNING), then project only what this transaction claimed: an id already committed is
        skipped, one another process is applying (a partition that moved in a rebalance) blocks
        until that transaction ends — never applied twice."""
        claimed = await self._claim(session, events, error=error)
        fresh: list[Envelope] = []
        for event in events:
            if event.id not in claimed:
                APPLIED.labels(self.group, "duplicate").inc()
                continue
            claimed.discard(event.id)
            fresh.append(event)
        if not fresh or error is not None:
            return [], BatchResult()
        return fresh, await self.projector.apply(session, fresh)

    async def _claim(self, session: AsyncSession, events: list[Envelope], *, error: str | None) -> set[Any]:
        table = self._processed
        insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        now = utc_now()
        rows = list({e.id: {"consumer_group": self.processed_group, "event_id": e.id, "type": e.type,
                            "processed_at": now, "error": error} for e in events}.values())
        claimed: set[Any] = set()
        for start in range(0, len(rows), 1000):
            statement = (insert(table).values(rows[start:start + 1000])
                         .on_conflict_do_nothing(index_elements=["consumer_group", "event_id"])
                         .returning(table.c.event_id))
            claimed.update((await session.execute(statement)).scalars())
        return claimed

    def _measure(self, events: list[Envelope]) -> None:
        if not events:
            return
        now = utc_now()
        lags = [(now - e.time).total_seconds() for e in events]
        histogram = EVENT_LAG.labels(self.group)
        for lag in lags:
            histogram.observe(max(0.0, lag))
        self.last_lag_ms = max(0, int(max(lags) * 1000))
        self.last_applied_monotonic = time.monotonic()
        LAG_MS.labels(self.group).set(self.last_lag_ms)

    async def pause(self) -> None:
        """Stop between batches (used by the rebuild to swap tables under a quiet view)."""
        self.stop()
        async with self._busy:
            return None


def processed_table_of(processed_model: Any) -> sa.Table:
    return processed_model.__table__
