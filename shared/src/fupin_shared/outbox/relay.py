"""One ordered relay per service: publishes outbox rows to the bus, then marks them published.

It selects *unpublished* rows in id order — never "id > last seen", because ids are assigned at
insert, not commit, and a slow transaction would otherwise be skipped forever. On PostgreSQL only
the holder of an advisory lock publishes, so a second relay process idles instead of reordering.
A crash between send and mark means a re-send after restart (at-least-once); consumers dedupe.

The relay wakes as soon as a commit has outbox rows: through ``signal`` when the writer runs in the
same process, and on PostgreSQL through ``NOTIFY`` on :attr:`Relay.channel` (sent by the unit of
work in the committing transaction, so it arrives only once the rows are visible) for writers in
other processes — the leader listens on the connection that holds its lock. The poll every
``poll_seconds`` stays as the fallback (a writer that bypasses the unit of work, a lost connection).
"""
from __future__ import annotations

import asyncio
import logging
import zlib
from typing import Any

from prometheus_client import Counter, Gauge
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from fupin_shared.bus.base import Transport
from fupin_shared.db.engine import is_postgres
from fupin_shared.db.types import utc_now

log = logging.getLogger(__name__)

PUBLISHED = Counter("fupin_outbox_published_total", "Outbox rows published", ["service"])
PENDING = Gauge("fupin_outbox_pending", "Outbox rows not yet published", ["service"])
FAILURES = Counter("fupin_outbox_publish_failures_total", "Failed publish attempts", ["service"])


class Relay:
    def __init__(self, *, service: str, engine: AsyncEngine, outbox_model: Any, transport: Transport,
                 topic: str, batch_size: int = 500, poll_seconds: float = 0.2,
                 signal: asyncio.Event | None = None) -> None:
        self.service = service
        self._engine = engine
        self._sessionmaker = async_sessionmaker(engine, expire_on_commit=False)
        self._outbox = outbox_model
        self._transport = transport
        self.topic = topic
        self._batch_size = batch_size
        self._poll = poll_seconds
        self.signal = signal or asyncio.Event()
        self._lock_conn: AsyncConnection | None = None
        self._lock_key = zlib.crc32(f"fupin-relay:{service}".encode())
        self.channel: str | None = f"fupin_outbox_{service}" if is_postgres(engine) else None
        self._next_sequence: int | None = None
        self._stopping = asyncio.Event()
        self.fail_after_send = False  # test hook: simulate a crash between send and mark

    async def run(self) -> None:
        """Publish until stopped; failures back off and retry, nothing is lost."""
        backoff = self._poll
        try:
            while not self._stopping.is_set():
                try:
                    if not await self._acquire_leadership():
                        await self._sleep(2.0)
                        continue
                    published = await self.publish_pending()
                    backoff = self._poll
                    if published < self._batch_size:
                        await self._sleep(self._poll)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # noqa: BLE001 - the relay must survive broker/db outages
                    FAILURES.labels(self.service).inc()
                    self._next_sequence = None
                    log.warning("relay %s: publish failed, retrying in %.1fs: %r", self.service, backoff, exc)
                    await self._release_leadership()
                    await self._sleep(backoff)
                    backoff = min(backoff * 2, 5.0)
        finally:
            await self._release_leadership()

    def stop(self) -> None:
        self._stopping.set()
        self.signal.set()

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self.signal.wait(), seconds)
        except TimeoutError:
            pass
        self.signal.clear()

    @property
    def leading(self) -> bool:
        """This process's relay holds the lock (PostgreSQL) and so is woken by ``signal`` alone."""
        return self._lock_conn is not None

    def _notified(self, *_args: object) -> None:
        self.signal.set()

    async def _acquire_leadership(self) -> bool:
        if not is_postgres(self._engine):
            return True  # SQLite: one process, one relay
        if self._lock_conn is not None:
            return True
        conn = await self._engine.connect()
        got = (await conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self._lock_key})).scalar()
        await conn.commit()
        if got:
            await (await conn.get_raw_connection()).driver_connection.add_listener(self.channel, self._notified)
            self._lock_conn = conn
            return True
        await conn.close()
        return False

    async def _release_leadership(self) -> None:
        conn, self._lock_conn = self._lock_conn, None
        if conn is not None:
            try:
                # unlisten and unlock explicitly: close() returns the connection to the pool, where a
                # session-level advisory lock and a LISTEN would otherwise stay
                await (await conn.get_raw_connection()).driver_connection.remove_listener(self.channel, self._notified)
                await conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self._lock_key})
                await conn.commit()
                await conn.close()
            except Exception:  # noqa: BLE001
                await conn.invalidate()

    async def publish_pending(self) -> int:
        """Publish one batch of unpublished rows in id order; returns how many."""
        Outbox = self._outbox
        async with self._sessionmaker() as session:
            rows = (await session.scalars(
                select(Outbox).where(Outbox.published_at.is_(None)).order_by(Outbox.id)
                .limit(self._batch_size))).all()
            if not rows:
                PENDING.labels(self.service).set(0)
                return 0
            sequence = await self._sequence_start(session)
            for offset, row in enumerate(rows):
                row.sequence = sequence + offset
            records = [(row.subject.encode(), row.envelope().to_json()) for row in rows]
            await self._transport.publish(self.topic, records)
            if self.fail_after_send:
                raise RuntimeError("simulated crash between send and mark")
            now = utc_now()
            for row in rows:
                row.published_at = now
            await session.commit()
            self._next_sequence = sequence + len(rows)
            PUBLISHED.labels(self.service).inc(len(rows))
            return len(rows)

    async def _sequence_start(self, session: AsyncSession) -> int:
        if self._next_sequence is None:
            current = (await session.execute(select(func.max(self._outbox.sequence)))).scalar()
            self._next_sequence = (current or 0) + 1
        return self._next_sequence

    async def pending_count(self) -> int:
        async with self._sessionmaker() as session:
            return (await session.execute(
                select(func.count()).select_from(self._outbox).where(self._outbox.published_at.is_(None)))).scalar_one()
