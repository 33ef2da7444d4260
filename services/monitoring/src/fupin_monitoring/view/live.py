"""The live view inside a service process: its consumer, the alert scan, change notifications."""
from __future__ import annotations

import logging
import time
from typing import Any

from sqlalchemy import text

from fupin_monitoring.alerts import domain as alert_domain
from fupin_monitoring.alerts import service as alert_service
from fupin_monitoring.alerts.domain import default_rules
from fupin_monitoring.db import INFRA
from fupin_monitoring.overview.cache import cache_of
from fupin_monitoring.stream.broadcaster import Broadcaster, Change
from fupin_monitoring.view import repository as repo
from fupin_monitoring.view.consumer import ViewConsumer
from fupin_monitoring.view.projector import BatchResult, Projector
from fupin_monitoring.view.tables import allocation_view
from fupin_monitoring.workdays import default_calendar
from fupin_shared.db import is_postgres
from fupin_shared.events import Envelope

log = logging.getLogger(__name__)

SOURCES = ("registry", "funds", "tasks", "assessment")
VIEW_GROUP = "view"
SCAN_LOCK = 0x6D6F6E73  # advisory lock: one alert scan at a time across processes


def live_projector() -> Projector:
    rules, calendar = default_rules(), default_calendar()

    async def apply_alerts(session, intents):  # noqa: ANN001, ANN202
        return await alert_service.apply_intents(session, intents, rules=rules, calendar=calendar)

    return Projector(calendar=calendar, rules=rules, alerts=apply_alerts)


async def scan_allocations(runtime: Any, *, today=None) -> list[dict[str, Any]]:  # noqa: ANN001
    """Evaluate the time-based rules (funds idle, allocation undisclosed) over every allocation."""
    rules, calendar = default_rules(), default_calendar()
    today = today or alert_service.today_in_china()
    async with runtime.sessionmaker() as session, session.begin():
        if is_postgres(runtime.engine):
            got = (await session.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": SCAN_LOCK})).scalar()
            if not got:
                return []
        intents: list[alert_domain.Intent] = []
        for row in await repo.all_rows(session, allocation_view):
            intents += alert_domain.allocation_intents(row, today=today, calendar=calendar, rules=rules)
        changed = await alert_service.apply_intents(session, intents, rules=rules, calendar=calendar)
    if changed:
        cache_of(runtime).changed()
        runtime.relay.signal.set()
        notify_alerts(runtime.extras.get("broadcaster"), changed)
    return changed


def notify_alerts(broadcaster: Broadcaster | None, alerts: list[dict[str, Any]]) -> None:
    if broadcaster is None:
        return
    for row in alerts:
        broadcaster.publish(Change("alert", frozenset({row["division_code"]}), {
            "id": str(row["id"]), "kind": row["kind"], "state": str(row["state"]),
            "division_code": row["division_code"]}))


def build_view_consumer(runtime: Any) -> ViewConsumer:
    settings = runtime.settings
    broadcaster: Broadcaster = runtime.extras.setdefault("broadcaster", Broadcaster())
    last_scan = {"at": 0.0}

    async def on_batch(result: BatchResult, events: list[Envelope]) -> None:
        cache_of(runtime).changed()
        if result.alerts:
            runtime.relay.signal.set()
            notify_alerts(broadcaster, result.alerts)
        broadcaster.publish(Change("view", frozenset(result.divisions), {
            "events": len(events), "lag_ms": result.lag_ms,
            "as_of": result.last_event_time.isoformat() if result.last_event_time else None}))

    async def idle() -> None:
        if time.monotonic() - last_scan["at"] < settings.alert_scan_seconds:
            return
        last_scan["at"] = time.monotonic()
        try:
            await scan_allocations(runtime)
        except Exception:  # noqa: BLE001 - the scan runs again next interval
            log.exception("alert scan failed")

    return ViewConsumer(group=settings.group(VIEW_GROUP), topics=[settings.topic(s) for s in SOURCES],
                        transport=runtime.transport, engine=runtime.engine,
                        processed_table=INFRA.ProcessedEvent.__table__, projector=live_projector(),
                        batch_size=settings.view_batch_size, max_wait=settings.view_batch_wait_seconds,
                        on_batch=on_batch, idle=idle)


async def run_view(runtime: Any) -> None:
    """Background job of the service: the live view's consumer (restarted by a rebuild)."""
    settings = runtime.settings
    try:
        await runtime.transport.ensure_topics([settings.topic(s) for s in SOURCES], partitions=settings.topic_partitions)
    except Exception:  # noqa: BLE001 - the consumer waits for the broker like the spine's
        log.warning("could not ensure the source topics; consuming anyway")
    while True:
        consumer = build_view_consumer(runtime)
        runtime.extras["view"] = consumer
        await consumer.run()
        # stopped: either the service is stopping (the task is then cancelled) or a rebuild paused
        # the view and will set the resume event when its tables are swapped in
        resume = runtime.extras.get("view_resume")
        if resume is None:
            return
        await resume.wait()
        runtime.extras["view_resume"] = None
