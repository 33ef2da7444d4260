"""Background jobs that work in rounds (deliveries, callbacks): run a round, run the next one at once while
rounds find work, otherwise sleep until woken (a new item was queued) or the idle time has passed."""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


async def run_rounds(work: Callable[[], Awaitable[int]], wake: asyncio.Event, *, name: str,
                     idle_seconds: float = 1.0) -> None:
    """Loop forever (until cancelled): ``work()`` returns how many items it handled; a failing round is
    logged and the job keeps going (the items stay queued)."""
    while True:
        try:
            worked = await work()
        except Exception:  # noqa: BLE001 - the job outlives a failing round
            log.exception("%s: round failed", name)
            worked = 0
        if worked:
            continue
        wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), timeout=idle_seconds)
