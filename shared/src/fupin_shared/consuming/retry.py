"""Transient database failures of a consumer's transaction, retried with a bounded backoff.

A batch that fails because the database was momentarily unavailable to it — SQLite's "database is
locked" (another writer held the file past the busy timeout, or a read snapshot went stale before the
write), PostgreSQL's serialization failure or deadlock — is not a bad event: it is run again after a
short, growing pause (``BACKOFF`` seconds), and only an event that still fails, or fails for another
reason, is dead-lettered.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")

BACKOFF = (0.05, 0.1, 0.2, 0.4, 0.8, 1.6)
"""Pauses before each retry (about 3 s in all), so a batch is tried at most ``len(BACKOFF) + 1`` times."""
_SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")
_PG_RETRY_SQLSTATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected


def is_transient(exc: BaseException) -> bool:
    """True for a lock or serialization conflict (SQLAlchemy's wrapper or the driver's own error)."""
    for error in (exc, getattr(exc, "orig", None), getattr(exc, "__cause__", None)):
        if error is None:
            continue
        if getattr(error, "sqlstate", None) in _PG_RETRY_SQLSTATES or getattr(error, "pgcode", None) in _PG_RETRY_SQLSTATES:
            return True
        if type(error).__name__ == "OperationalError" and any(m in str(error).lower() for m in _SQLITE_BUSY):
            return True
    return False


async def retry_transient(attempt: Callable[[], Awaitable[T]], *, what: str,
                          backoff: tuple[float, ...] = BACKOFF) -> T:
    """Run ``attempt`` (one whole transaction) until it succeeds, retrying transient failures after
    each pause of ``backoff``; any other error, or the last transient one, is raised."""
    for pause in backoff:
        try:
            return await attempt()
        except Exception as exc:  # noqa: BLE001 - only transient failures are retried
            if not is_transient(exc):
                raise
            log.warning("%s: transient database failure, retrying in %.2fs: %s", what, pause, exc)
        await asyncio.sleep(pause)
    return await attempt()
