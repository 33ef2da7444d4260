"""The view's consumer: reads every service's topic and applies each batch through the projector.

The spine's ``Consumer`` calls one handler per event; the view needs the whole batch (to load the
rows it touches in one query per table and write summed counter deltas once), so it runs this
loop instead, with the same guarantees and the spine's pieces (``claim_events``,
``retry_transient``): in one transaction per batch, the events not yet in ``processed_event`` for
the group are applied and recorded; offsets are committed afterwards (while the next batch is
fetched and applied — a batch's offsets are only sent once the previous batch's are acknowledged,
and the last ones before the subscription closes); a transient database failure
("database is locked", a serialization conflict) is retried with a bounded backoff; a batch that
still fails is retried one event at a time (each again with the backoff) and only an event that
fails for another reason is recorded with its error (dead letter), so it cannot block its partition.

Batches are bounded: at most ``batch_size`` events, gathered for at most ``max_wait`` seconds
after the first one arrives, so a busy view commits often instead of growing ever larger batches.
A consumer that is behind (events already waiting when it looks) takes what waits and does not
gather: the gathering is there to spare a waiting consumer one transaction per event, and a busy
one's next events come with its next batch anyway.
Each batch moves the freshness rows of its own (topic, partition)s only.

It also measures freshness: ``fupin_consumer_lag_ms`` (time from an event's ``time`` to the view
having applied it) next to the spine's ``fupin_consumer_lag_events``; the broker is asked for the
group's lag in a task of its own, never between a fetch and its transaction.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence

import sqlalchemy as sa
from prometheus_client import Gauge, Histogram
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from fupin_monitoring.view.projector import BatchResult, Projector
from fupin_shared.bus.base import Message, Subscription, Transport
from fupin_shared.consuming import claim_events, is_transient, retry_transient
from fupin_shared.consuming.loop import APPLIED, LAG
from fupin_shared.db import utc_now
from fupin_shared.events import Envelope

log = logging.getLogger(__name__)

LAG_MS = Gauge("fupin_consumer_lag_ms", "How far the view trails the events, in ms: the delay from event time to "
               "applied of the newest batch; growing with wall time while events wait", ["group"])
EVENT_LAG = Histogram("fupin_monitoring_event_lag_seconds", "Time from an event's time to the view having applied it",
                      ["group"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30))
BATCH_STEP = Histogram("fupin_monitoring_batch_step_seconds", "Wall time of each step of the view's batches: "
                       "gather (topping a batch up after its first fetch), apply (the transaction), offsets "
                       "(waiting for the previous batch's offset commit, sent while this batch was applied)", ["group", "step"],
                       buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5))

OnBatch = Callable[[BatchResult, list[Envelope]], Awaitable[None]]


class ViewConsumer:
    def __init__(self, *, group: str, topics: Sequence[str], transport: Transport, engine: AsyncEngine,
                 processed_table: sa.Table, projector: Projector, batch_size: int = 500, max_wait: float = 0.02,
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
        self._max_wait = max_wait
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
            lag_task: asyncio.Task[None] | None = None
            offsets: asyncio.Task[None] | None = None
            try:
                self.subscription = await self._transport.subscribe(self.group, self.topics)
                backoff = 0.5
                checked = 0.0
                while not self._stopping.is_set():
                    messages = await self._fetch_batch(self.subscription)
                    if messages:
                        self.caught_up.clear()
                        async with self._busy:
                            applying = time.monotonic()
                            await self.apply(messages)
                            committing = time.monotonic()
                            if offsets is not None:
                                await offsets  # in order: never a batch's offsets before the previous one's
                            offsets = asyncio.create_task(self.subscription.commit(messages))
                        BATCH_STEP.labels(self.group, "apply").observe(committing - applying)
                        BATCH_STEP.labels(self.group, "offsets").observe(time.monotonic() - committing)
                    # the broker is asked for the group's lag at most twice a second when idle and every two
                    # seconds under load, in a task of its own so no batch waits for the answer
                    now = time.monotonic()
                    if (lag_task is None or lag_task.done()) and now - checked >= (0.5 if not messages else 2.0):
                        checked = now
                        lag_task = asyncio.create_task(self._check_lag(self.subscription, idle=not messages))
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
                if offsets is not None:
                    with contextlib.suppress(Exception):  # a failed commit only means redelivered no-ops
                        await offsets
                if lag_task is not None and not lag_task.done():
                    lag_task.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await lag_task
                if self.subscription is not None:
                    await self.subscription.close()
                    self.subscription = None

    async def _fetch_batch(self, subscription: Subscription) -> list[Message]:
        """Up to ``batch_size`` messages: what already waits, or else whatever the first fetch brings,
        topped up for at most ``max_wait`` seconds after it."""
        messages = await subscription.fetch(timeout=0, max_records=self._batch_size)
        if messages:
            return messages
        messages = await subscription.fetch(timeout=0.2, max_records=self._batch_size)
        if not messages:
            return messages
        first = time.monotonic()
        deadline = first + self._max_wait
        while len(messages) < self._batch_size and (left := deadline - time.monotonic()) > 0:
            more = await subscription.fetch(timeout=left, max_records=self._batch_size - len(messages))
            if not more:
                break
            messages += more
        BATCH_STEP.labels(self.group, "gather").observe(time.monotonic() - first)
        return messages

    async def _check_lag(self, subscription: Subscription, *, idle: bool) -> None:
        """Ask the broker how many events wait; caught up when none do and the last fetch was empty."""
        seen = self.seen_total
        try:
            self.pending_events = await subscription.lag()
        except Exception as exc:  # noqa: BLE001 - a lag figure is best effort
            log.debug("view consumer %s: lag check failed: %r", self.group, exc)
            return
        LAG.labels(self.group).set(self.pending_events)
        if idle and not self.pending_events and self.seen_total == seen:
            self.caught_up.set()

    async def apply(self, messages: Sequence[Message]) -> int:
        """Apply a batch idempotently; returns how many events were new."""
        events = [Envelope.from_json(m.value) for m in messages]
        origins = [(m.topic, m.partition) for m in messages]
        what = f"view consumer {self.group}"
        try:
            fresh, result = await retry_transient(lambda: self._transaction(events, origins), what=what)
        except Exception:  # noqa: BLE001 - retry one by one, record the poison event
            log.exception("view consumer %s: batch failed, applying one event at a time", self.group)
            fresh, result = [], BatchResult()
            for event, origin in zip(events, origins):
                try:
                    one, one_result = await retry_transient(lambda e=event, o=origin: self._transaction([e], [o]),
                                                            what=what)
                except Exception as exc:  # noqa: BLE001
                    if is_transient(exc):
                        raise  # the database, not the event: the batch comes again after a resubscribe
                    log.exception("view consumer %s: event %s (%s) failed", self.group, event.id, event.type)
                    APPLIED.labels(self.group, "failed").inc()
                    await retry_transient(lambda e=event, x=exc: self._dead_letter(e, repr(x)[:2000]), what=what)
                    continue
                fresh += one
                result.applied += one_result.applied
                result.divisions |= one_result.divisions
                result.alerts += one_result.alerts
                result.lag_ms = max(result.lag_ms, one_result.lag_ms)
                result.last_event_time = max(filter(None, (result.last_event_time, one_result.last_event_time)),
                                             default=None)
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

    async def _transaction(self, events: list[Envelope],
                           origins: list[tuple[str, int]]) -> tuple[list[Envelope], BatchResult]:
        """Claim the events' ids in ``processed_event`` (``claim_events``), then project only what
        this transaction claimed, in one transaction."""
        async with self._sessionmaker() as session, session.begin():
            claimed = await claim_events(session, self._processed, self.processed_group, events)
            fresh, fresh_origins = [], []
            for event, origin in zip(events, origins):
                if event.id not in claimed:
                    APPLIED.labels(self.group, "duplicate").inc()
                    continue
                claimed.discard(event.id)
                fresh.append(event)
                fresh_origins.append(origin)
            if not fresh:
                return [], BatchResult()
            return fresh, await self.projector.apply(session, fresh, fresh_origins)

    async def _dead_letter(self, event: Envelope, error: str) -> None:
        async with self._sessionmaker() as session, session.begin():
            await claim_events(session, self._processed, self.processed_group, [event], error=error)

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

    async def holds_everything(self) -> bool:
        """True when every event on the source topics has been applied and committed by now: the
        consumer is subscribed, between batches, and the bus reports nothing left for the group."""
        subscription = self.subscription
        if subscription is None or self.stopped or self._busy.locked():
            return False
        seen = self.seen_total
        return await subscription.lag() == 0 and self.seen_total == seen and not self._busy.locked()

    async def pause(self) -> None:
        """Stop between batches (used by the rebuild to swap tables under a quiet view)."""
        self.stop()
        async with self._busy:
            return None

