"""Async engines for PostgreSQL (asyncpg) and SQLite (aiosqlite).

PostgreSQL connections are checked before use only when they sat idle in the pool for
``PING_AFTER_IDLE_SECONDS`` or more: a connection handed back moments ago is alive, and SQLAlchemy's
own pre-ping would cost three round trips (BEGIN, ping, ROLLBACK on asyncpg) on every checkout. A
connection that still breaks mid-request is invalidated by SQLAlchemy's disconnect handling, together
with every connection older than it, so the next checkout connects afresh.
"""
from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.util import greenlet_spawn
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


def is_postgres(url_or_engine: str | AsyncEngine) -> bool:
    url = url_or_engine.url if isinstance(url_or_engine, AsyncEngine) else make_url(url_or_engine)
    return url.get_backend_name() == "postgresql"


def _terminate_sqlite_at_once(self: Any) -> None:
    """Invalidating an aiosqlite connection closes it in its worker thread and stops that thread.

    SQLAlchemy's default first tries a *graceful* close in a task of its own, shielded from cancellation,
    then force-closes when the caller is cancelled (a request or a job cancelled mid-statement). The
    force close stops aiosqlite's worker thread while the graceful close still waits on it, so that task
    never ends and the event loop can never be closed (seen as a test run hanging at teardown, and it
    would hang the embedded server's shutdown the same way). For SQLite both paths only close a file
    handle, so the connection is force-closed straight away."""
    self._terminate_force_close()


def create_engine_from_url(url: str, *, pool_size: int = 10, max_overflow: int = 20) -> AsyncEngine:
    """Build an engine; SQLite gets WAL, foreign keys and a busy timeout on every connection."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30})
        from sqlalchemy.dialects.sqlite.aiosqlite import AsyncAdapt_aiosqlite_connection
        AsyncAdapt_aiosqlite_connection.terminate = _terminate_sqlite_at_once

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # pragma: no cover - trivial
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    engine = create_async_engine(url, pool_size=pool_size, max_overflow=max_overflow, pool_recycle=1800)
    event.listen(engine.sync_engine, "checkin", _checked_in)
    event.listen(engine.sync_engine, "checkout", _ping_if_idle)
    return engine


@asynccontextmanager
async def driver_connection(engine: AsyncEngine) -> AsyncIterator[Any]:
    """The driver's own connection (asyncpg, aiosqlite) from the engine's pool, for a hot read that is one
    statement: no session, no transaction (the statement commits on its own), no BEGIN/ROLLBACK round
    trips. The connection goes back to the pool on exit; after an error inside the block it is dropped."""
    pooled = await engine.raw_connection()
    try:
        yield pooled.driver_connection
    except BaseException:
        await greenlet_spawn(pooled.invalidate)
        raise
    finally:
        await greenlet_spawn(pooled.close)


PING_AFTER_IDLE_SECONDS = 5.0


def _checked_in(_dbapi_connection: Any, record: Any) -> None:
    record.info["checked_in_at"] = time.monotonic()


def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """Pool ``checkout`` hook: ping a connection that was idle for a while (a fresh one is not pinged)."""
    checked_in_at = record.info.get("checked_in_at")
    if checked_in_at is None or time.monotonic() - checked_in_at < PING_AFTER_IDLE_SECONDS:
        return
    try:
        dbapi_connection.ping()
    except Exception as error:  # noqa: BLE001 - any failure means: this connection is unusable
        raise exc.DisconnectionError(f"idle connection failed its ping: {type(error).__name__}") from error
