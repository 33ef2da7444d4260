"""Background jobs of the tasks service (run beside the relay, see ServiceDefinition.background)."""
from __future__ import annotations

import asyncio
import logging

from fupin_shared.app import ServiceRuntime
from fupin_shared.db import utc_now

from fupin_tasks.config import config_for
from fupin_tasks.overdue.service import detect_overdue
from fupin_tasks.targets.service import refresh_fed_targets

log = logging.getLogger(__name__)


def demo_done(runtime: ServiceRuntime) -> asyncio.Event:
    """Set by ``demo.load_demo`` once the demo history is in (or found already loaded)."""
    return runtime.extras.setdefault("tasks_demo_done", asyncio.Event())


def refresh_requested(runtime: ServiceRuntime) -> asyncio.Event:
    """Set by the consumer when registry/funds events were applied."""
    return runtime.extras.setdefault("tasks_refresh_requested", asyncio.Event())


async def targets_refresher(runtime: ServiceRuntime) -> None:
    """Recompute the fed targets after registry/funds events were applied, at most every
    ``target_refresh_seconds``."""
    requested = refresh_requested(runtime)
    while True:
        await requested.wait()
        requested.clear()
        try:
            await refresh_fed_targets(runtime.uow())
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - the next request (or the hourly job) tries again
            log.exception("refreshing the fed targets failed")
            requested.set()
        await asyncio.sleep(runtime.settings.target_refresh_seconds)


async def overdue_job(runtime: ServiceRuntime) -> None:
    """Every ``overdue_interval_seconds``: publish what became overdue as of today (UTC+8) and
    recompute the fed targets. The first run waits until the demo history is loaded (it judges
    itself as of its own dates) or ``overdue_first_run_after`` seconds have passed."""
    settings = runtime.settings
    config = config_for(settings)
    try:
        await asyncio.wait_for(demo_done(runtime).wait(), settings.overdue_first_run_after)
    except TimeoutError:
        pass
    while True:
        try:
            today = config.schedule.cadence.today(utc_now())
            result = await detect_overdue(runtime.uow(), today=today, config=config)
            if result.reports or result.findings or result.targets:
                log.info("overdue as of %s: %d reports, %d findings, %d targets missed", today,
                         result.reports, result.findings, result.targets)
            await refresh_fed_targets(runtime.uow())
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - the job must survive a database outage and try again
            log.exception("overdue detection failed; retrying at the next interval")
        await asyncio.sleep(settings.overdue_interval_seconds)
