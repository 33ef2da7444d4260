"""A consumer batch that meets "database is locked" on SQLite (another writer holding the lock past
the busy timeout) is retried with a bounded backoff and applied — never dead-lettered for it — and
what counts as transient."""
from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy import event, exc

from fupin_shared.bus.base import Message
from fupin_shared.consuming import Consumer, HandlerRegistry, is_transient, retry_transient
from fupin_shared.db import create_engine_from_url, make_base
from fupin_shared.events import Envelope
from fupin_shared.outbox import define_infrastructure_tables

Base = make_base()
INFRA = define_infrastructure_tables(Base)
seen = sa.Table("seen_thing", Base.metadata, sa.Column("event_id", sa.Uuid, primary_key=True))
EVENT_TYPE = "fupin.probe.thing.locked.v1"


def _messages(n: int) -> list[Message]:
    return [Message("t", 0, i, b"k", Envelope(id=uuid.uuid4(), source="/fupin/probe", type=EVENT_TYPE, subject="k",
                                              time=datetime.now(UTC), data={"n": i}).to_json()) for i in range(n)]


async def test_a_locked_sqlite_database_is_retried_not_dead_lettered(tmp_path, caplog) -> None:  # noqa: ANN001
    path = str(tmp_path / "locked.db")
    engine = create_engine_from_url(f"sqlite+aiosqlite:///{path}")

    @event.listens_for(engine.sync_engine, "connect")
    def short_busy_timeout(dbapi_connection, _record) -> None:  # noqa: ANN001 - fail fast instead of after 30 s
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=50")
        cursor.close()

    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)  # a test table set, not a service schema
    handlers = HandlerRegistry()

    @handlers.on(EVENT_TYPE)
    async def record(session, e) -> None:  # noqa: ANN001
        await session.execute(sa.insert(seen).values(event_id=e.id))

    consumer = Consumer(group="g", topics=["t"], transport=None, engine=engine,  # type: ignore[arg-type]
                        processed_model=INFRA.ProcessedEvent, handlers=handlers)
    taken, release = threading.Event(), threading.Event()

    def hold_lock() -> None:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        taken.set()
        release.wait(5)
        conn.execute("COMMIT")
        conn.close()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    try:
        await asyncio.to_thread(taken.wait, 5)
        asyncio.get_running_loop().call_later(0.4, release.set)
        with caplog.at_level(logging.WARNING, logger="fupin_shared.consuming.retry"):
            applied = await consumer.apply(_messages(3))
    finally:
        release.set()
        await asyncio.to_thread(holder.join)
    try:
        assert any("database is locked" in r.getMessage() for r in caplog.records), "the lock was never met"
        assert applied == 3
        async with engine.connect() as conn:
            errors = (await conn.execute(sa.select(INFRA.ProcessedEvent.__table__.c.error))).scalars().all()
            assert errors == [None, None, None]
            assert (await conn.execute(sa.select(sa.func.count()).select_from(seen))).scalar_one() == 3
    finally:
        await engine.dispose()


class _PgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def test_locks_and_serialization_conflicts_are_transient_other_errors_are_not() -> None:
    locked = exc.OperationalError("INSERT …", {}, sqlite3.OperationalError("database is locked"))
    assert is_transient(locked) and is_transient(sqlite3.OperationalError("database is locked"))
    assert is_transient(exc.DBAPIError("UPDATE …", {}, _PgError("40001")))  # serialization_failure
    assert is_transient(_PgError("40P01"))  # deadlock_detected
    assert not is_transient(exc.IntegrityError("INSERT …", {}, _PgError("23505")))
    assert not is_transient(sqlite3.OperationalError("no such table: thing"))
    assert not is_transient(ValueError("database is locked"))


async def test_retries_are_bounded_and_only_for_transient_failures() -> None:
    calls = []

    async def always_locked() -> None:
        calls.append(1)
        raise sqlite3.OperationalError("database is locked")

    with pytest.raises(sqlite3.OperationalError):
        await retry_transient(always_locked, what="probe", backoff=(0.0, 0.0))
    assert len(calls) == 3

    async def broken() -> None:
        calls.append(2)
        raise ValueError("a bad event")

    with pytest.raises(ValueError):
        await retry_transient(broken, what="probe", backoff=(0.0, 0.0))
    assert calls.count(2) == 1
