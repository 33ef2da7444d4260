"""Idempotent consumer.

For each batch fetched from the bus, in one database transaction: for every event not yet in
``processed_event`` for this group, record its id and run its handler. Then commit the offsets.
A crash before the database commit re-delivers the batch; a crash after it but before the offset
commit re-delivers events that are now no-ops. If a handler fails, the batch is retried one event at
a time and the failing event is recorded with its error (dead letter) so it cannot block the
partition; it can be replayed after a fix (``processed_event.error`` is not null). A transient
database failure (a lock, a serialization conflict) is retried with a bounded backoff first, for the
batch and again for each event, so it never dead-letters an event (``consuming.retry``).
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from prometheus_client import Counter, Gauge
from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from fupin_shared.bus.base import Message, Subscription, Transport
from fupin_shared.consuming.retry import is_transient, retry_transient
from fupin_shared.db.types import utc_now
from fupin_shared.events import Envelope

log = logging.getLogger(__name__)

Handler = Callable[[AsyncSession, Envelope], Awaitable[None]]

APPLIED = Counter("fupin_consumer_events_total", "Events applied by consumer groups", ["group", "outcome"])
LAG = Gauge("fupin_consumer_lag_events", "Events published but not yet committed by the group", ["group"])


class HandlerRegistry:
    """Maps CloudEvents types to handlers; unknown types are remembered and ignored."""

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}

    def on(self, *event_types: str) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            for event_type in event_types:
                self._handlers[event_type] = fn
            return fn
        return register

    def get(self, event_type: str) -> Handler | None:
        return self._handlers.get(event_type)

    @property
    def types(self) -> list[str]:
        return sorted(self._handlers)


class Consumer:
    def __init__(self, *, group: str, topics: Sequence[str], transport: Transport, engine: AsyncEngine,
                 processed_model: Any, handlers: HandlerRegistry, batch_size: int = 500,
                 on_applied: Callable[[list[Envelope]], Awaitable[None]] | None = None) -> None:
        self.group = group
        self.topics = list(topics)
        self._transport = transport
        self._sessionmaker = async_sessionmaker(engine, expire_on_commit=False)
        self._processed = processed_model
        self._handlers = handlers
        self._batch_size = batch_size
        self._on_applied = on_applied
        self._stopping = asyncio.Event()
        self.subscription: Subscription | None = None

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        backoff = 0.5
        while not self._stopping.is_set():
            try:
                self.subscription = await self._transport.subscribe(self.group, self.topics)
                backoff = 0.5
                while not self._stopping.is_set():
                    messages = await self.subscription.fetch(timeout=0.5, max_records=self._batch_size)
                    if messages:
                        await self.apply(messages)
                        await self.subscription.commit(messages)
                    LAG.labels(self.group).set(await self.subscription.lag())
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - keep consuming through outages
                log.warning("consumer %s failed, resubscribing in %.1fs: %r", self.group, backoff, exc)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
            finally:
                if self.subscription is not None:
                    await self.subscription.close()
                    self.subscription = None

    async def apply(self, messages: Sequence[Message]) -> int:
        """Apply a batch idempotently; returns how many events were new."""
        events = [Envelope.from_json(m.value) for m in messages]

        async def transaction(batch: list[Envelope], isolate: bool) -> list[Envelope]:
            async with self._sessionmaker() as session, session.begin():
                return await self._apply_all(session, batch, isolate=isolate)

        try:
            applied = await retry_transient(lambda: transaction(events, False), what=f"consumer {self.group}")
        except Exception:  # noqa: BLE001 - retry one by one, record the poison event
            log.exception("consumer %s: batch failed, applying one event at a time", self.group)
            applied = []
            for event in events:
                applied += await retry_transient(lambda e=event: transaction([e], True),
                                                 what=f"consumer {self.group}")
        APPLIED.labels(self.group, "applied").inc(len(applied))
        if applied and self._on_applied is not None:
            await self._on_applied(applied)
        return len(applied)

    async def _apply_all(self, session: AsyncSession, events: list[Envelope], *, isolate: bool) -> list[Envelope]:
        claimed = await self._claim(session, events)
        applied: list[Envelope] = []
        for event in events:
            if event.id not in claimed:
                APPLIED.labels(self.group, "duplicate").inc()
                continue
            claimed.discard(event.id)  # the same event twice in one batch is applied once
            handler = self._handlers.get(event.type)
            error = None
            if handler is not None:
                if isolate:
                    try:
                        async with session.begin_nested():
                            await handler(session, event)
                    except Exception as exc:  # noqa: BLE001
                        if is_transient(exc):
                            raise  # not the event's fault: the whole transaction is tried again
                        log.exception("consumer %s: event %s (%s) failed", self.group, event.id, event.type)
                        error = repr(exc)[:2000]
                        APPLIED.labels(self.group, "failed").inc()
                else:
                    await handler(session, event)
            if error is None:
                applied.append(event)
            else:
                await session.execute(update(self._processed).where(
                    self._processed.consumer_group == self.group, self._processed.event_id == event.id)
                    .values(error=error))
        return applied

    async def _claim(self, session: AsyncSession, events: list[Envelope]) -> set[Any]:
        return await claim_events(session, self._processed.__table__, self.group, events)


async def claim_events(session: AsyncSession, table: Any, group: str, events: Sequence[Envelope], *,
                       error: str | None = None) -> set[Any]:
    """Record the events' ids as processed by ``group`` *before* applying them and return the ids this
    transaction claimed. An id already committed by the group is skipped; one another process is
    applying right now (a partition that moved in a rebalance) blocks until that transaction ends,
    and is then skipped (or claimed, had it rolled back): never applied twice, and no unique-key
    failure that would throw the batch into the one-at-a-time path. ``error`` records them as dead
    letters instead."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    now = utc_now()
    rows = list({e.id: {"consumer_group": group, "event_id": e.id, "type": e.type, "processed_at": now,
                        "error": error} for e in events}.values())
    # executemany with RETURNING: SQLAlchemy sends it as multi-row INSERTs of a cached statement
    # ("insertmanyvalues"), instead of compiling a new VALUES list for every batch
    statement = (insert(table).on_conflict_do_nothing(index_elements=["consumer_group", "event_id"])
                 .returning(table.c.event_id))
    return set((await session.execute(statement, rows)).scalars()) if rows else set()
