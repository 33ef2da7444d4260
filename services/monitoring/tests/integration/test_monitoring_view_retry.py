"""The embedded default (SQLite): a batch that meets "database is locked" — another connection
holding the write lock past the busy timeout — is retried with a bounded backoff and applied; no
event is dead-lettered for it."""
from __future__ import annotations

import asyncio
import logging
import random
import sqlite3
import threading

import sqlalchemy as sa
from sqlalchemy import event

from fupin_monitoring import synthetic
from fupin_monitoring.app import MIGRATIONS
from fupin_monitoring.db import INFRA
from fupin_monitoring.view.consumer import ViewConsumer
from fupin_monitoring.view.live import live_projector
from fupin_monitoring.view.tables import household_view
from fupin_shared.bus.base import Message
from fupin_shared.db import create_engine_from_url
from fupin_shared.db.migrations import upgrade


def hold_write_lock(path: str, seconds: float, taken: threading.Event) -> threading.Thread:
    """Another writer (as the relay or an alert assignment would be) holds the database's write lock."""
    def run() -> None:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        taken.set()
        threading.Event().wait(seconds)
        conn.execute("COMMIT")
        conn.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


async def test_a_locked_database_is_retried_not_dead_lettered(tmp_path, caplog) -> None:  # noqa: ANN001
    path = str(tmp_path / "monitoring.db")
    url = f"sqlite+aiosqlite:///{path}"
    await asyncio.to_thread(upgrade, MIGRATIONS, url)
    engine = create_engine_from_url(url)

    @event.listens_for(engine.sync_engine, "connect")
    def short_busy_timeout(dbapi_connection, _record) -> None:  # noqa: ANN001 - fail fast instead of waiting 30 s
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=50")
        cursor.close()

    events = list(synthetic.household_history(random.Random(4), synthetic.villages(4)[0]))
    messages = [Message("fupin.registry.v1", 0, i, e.subject.encode(), e.to_json()) for i, e in enumerate(events)]
    consumer = ViewConsumer(group="view", topics=[], transport=None, engine=engine,  # type: ignore[arg-type]
                            processed_table=INFRA.ProcessedEvent.__table__, projector=live_projector())
    taken = threading.Event()
    holder = hold_write_lock(path, 0.4, taken)
    try:
        await asyncio.to_thread(taken.wait, 5)
        with caplog.at_level(logging.WARNING, logger="fupin_shared.consuming.retry"):
            applied = await consumer.apply(messages)
    finally:
        await asyncio.to_thread(holder.join)
    try:
        assert any("database is locked" in r.getMessage() for r in caplog.records), "the lock was never met"
        assert applied == len(events)
        async with engine.connect() as conn:
            processed = (await conn.execute(sa.select(INFRA.ProcessedEvent.__table__.c.error))).scalars().all()
            households = (await conn.execute(sa.select(sa.func.count()).select_from(household_view))).scalar_one()
        assert len(processed) == len(events) and processed == [None] * len(events)
        assert households == 1
    finally:
        await engine.dispose()
