"""Demo webhook subscriptions for ``make run``: a city-wide one to the registry's signals and a county one
to early warnings. Their receivers (loopback, the discard port) are not listening, so the deliveries show
the retries with backoff and, after the last attempt, the dead-letter list and its replay."""
from __future__ import annotations

import logging
from typing import Any

from fupin_monitoring.webhooks import repository as repo
from fupin_monitoring.webhooks import service
from fupin_monitoring.webhooks.schemas import SubscriptionIn
from fupin_shared.auth.principal import CITY, Principal

log = logging.getLogger(__name__)
ACTOR = Principal(sub="demo:webhooks", client_id="demo-partner", division=CITY,
                  scopes=frozenset({"webhooks:write", "registry:read", "monitoring:read"}))
SUBSCRIPTIONS = [
    SubscriptionIn(url="http://127.0.0.1:9/civil-affairs/fupin-signals", event_types=["fupin.registry.signal.*"]),
    SubscriptionIn(url="http://127.0.0.1:9/guangning/fupin-alerts", event_types=["fupin.monitoring.alert.*"],
                   division="441223000000"),
]


async def load_demo_webhooks(runtime: Any) -> None:
    """Subscribe the demo partner once (skipped when any subscription exists)."""
    async with runtime.uow() as uow:
        if await repo.subscriptions_page(uow.session, within=CITY, client_id=None, after=None, limit=1):
            log.info("monitoring demo webhooks: already subscribed, skipped")
            return
    for request in SUBSCRIPTIONS:
        await service.subscribe(runtime.uow(), request, actor=ACTOR)
    log.info("monitoring demo webhooks: %d subscriptions (receivers down: retries, then dead letters)",
             len(SUBSCRIPTIONS))
