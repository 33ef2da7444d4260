"""Demo data for ``make run``: monitoring owns no source data — its view fills from the other
services' demo events. Once they have all flowed through the view, the year-end snapshots of 2018
and 2019 are frozen and published, as the city would at each year end (assessment scores from them,
so a snapshot frozen early would score every county on empty figures).

"Flowed" is known, not guessed from a quiet spell: the platform starts this loader once the other
services' demo events are all published (their relays have drained their outboxes, registry first —
``fupin_platform.embedded.load_demos``), so the view holds the registry's demo when its consumer
group has nothing left to read on the source topics. Idempotent: a frozen year is skipped."""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from fupin_monitoring.alerts.service import today_in_china
from fupin_monitoring.snapshots.service import freeze_snapshot
from fupin_monitoring.webhooks.demo import load_demo_webhooks
from fupin_shared.auth.principal import CITY, Principal

log = logging.getLogger(__name__)

DEMO_YEARS = (2018, 2019)
MAX_WAIT_SECONDS = 1800.0
DEMO_ACTOR = Principal(sub="demo-year-end", client_id="demo-year-end",
                       scopes=frozenset({"monitoring:read", "monitoring:write"}), division=CITY)


async def wait_until_caught_up(runtime: Any, *, limit: float = MAX_WAIT_SECONDS) -> int | None:
    """Wait until the view has applied every event published on its source topics so far; returns
    how many events it has applied (None if it did not get there within ``limit`` seconds)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        view = runtime.extras.get("view")
        if view is not None and await view.holds_everything():
            return view.applied_total
        await asyncio.sleep(0.25)
    return None


async def load_demo(runtime: Any) -> None:
    await load_demo_webhooks(runtime)
    async with runtime.uow() as uow:
        frozen = {row["year"] for row in await uow.snapshots.years()}
    missing = [year for year in DEMO_YEARS if year not in frozen]
    if not missing:
        log.info("monitoring demo: snapshots %s already frozen", DEMO_YEARS)
        return
    log.info("monitoring demo: waiting for the other services' demo events to reach the view")
    applied = await wait_until_caught_up(runtime)
    if applied is None:
        log.warning("monitoring demo: the view was still catching up after %.0f s; snapshots %s not frozen "
                    "(freeze them later with `fupin monitoring freeze YEAR`)", MAX_WAIT_SECONDS, missing)
        return
    for year in missing:
        row = await freeze_snapshot(runtime.uow(), year, actor=DEMO_ACTOR, today_year=today_in_china().year)
        log.info("monitoring demo: froze %s (%d subjects, view at %d events)", year, len(row["metrics"]), applied)
