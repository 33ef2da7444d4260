"""Webhooks out: the consumer group that queues deliveries, and the worker that sends them.

The ``webhooks`` consumer group reads every service's topic; for each event it queues one delivery per
matching active subscription, in the same transaction that marks the event processed (so a crash
neither loses nor doubles a delivery). The worker POSTs each due delivery — the CloudEvent in
structured JSON, signed ``Webhook-Signature: t=…,v1=HMAC-SHA256(secret, "t.body")`` (a second ``v1`` with
the previous secret during a rotation's overlap window) — and on failure
(network error, timeout, non-2xx) retries with exponential backoff; after the last attempt the
delivery is a dead letter, listed and replayable on request. Deliveries are at-least-once: receivers
de-duplicate on the CloudEvent ``id`` (also sent as ``Webhook-Id``)."""
from __future__ import annotations

import asyncio
import logging
import os
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_monitoring.webhooks import domain
from fupin_monitoring.webhooks import repository as repo
from fupin_shared.app import ConsumerSpec
from fupin_shared.consuming import HandlerRegistry
from fupin_shared.contracts.base import all_contracts
from fupin_shared.db import utc_now, uuid7
from fupin_shared.events import Envelope
from fupin_shared.http.signing import signature_headers
from fupin_shared.jobs import run_rounds

log = logging.getLogger("fupin.monitoring.webhooks")
SOURCES = ["registry", "funds", "tasks", "assessment", "monitoring"]
WAKE = "webhooks_wake"


def policy() -> domain.RetryPolicy:
    """Retry schedule (env: FUPIN_WEBHOOK_RETRY_BASE_SECONDS, _RETRY_MAX_SECONDS, _MAX_ATTEMPTS)."""
    env = os.environ
    return domain.RetryPolicy(base_seconds=float(env.get("FUPIN_WEBHOOK_RETRY_BASE_SECONDS", "10")),
                              max_seconds=float(env.get("FUPIN_WEBHOOK_RETRY_MAX_SECONDS", "3600")),
                              max_attempts=int(env.get("FUPIN_WEBHOOK_MAX_ATTEMPTS", "8")))


async def queue_deliveries(session: AsyncSession, event: Envelope) -> None:
    """Consumer handler: one pending delivery per matching active subscription."""
    now = utc_now()
    payload = event.to_json()
    rows = [{"id": uuid7(), "subscription_id": s.id, "event_id": event.id, "event_type": event.type,
             "payload": payload, "status": domain.PENDING, "attempts": 0, "next_attempt_at": now,
             "last_status": None, "last_error": None, "created_at": now, "delivered_at": None}
            for s in await _subscriptions(session)
            if domain.type_matches(s.event_types, event.type) and domain.division_matches(s.division_code,
                                                                                          event.division)]
    await repo.enqueue(session, rows)


async def _subscriptions(session: AsyncSession) -> list[Any]:
    """Active subscriptions, read once per consumer batch (the batch shares one session)."""
    cached = session.info.get("webhook_subscriptions")
    if cached is None:
        cached = session.info["webhook_subscriptions"] = await repo.active_subscriptions(session)
    return cached


def _handlers() -> HandlerRegistry:
    handlers = HandlerRegistry()
    handlers.on(*all_contracts())(queue_deliveries)
    return handlers


async def _wake(runtime: Any, events: list[Envelope]) -> None:
    runtime.extras.setdefault(WAKE, asyncio.Event()).set()


CONSUMER = ConsumerSpec(name="webhooks", sources=SOURCES, handlers=_handlers(), on_applied=_wake)


async def send_due(runtime: Any, client: httpx.AsyncClient, *, limit: int = 100) -> int:
    """Send every due delivery once (concurrently); returns how many were attempted."""
    retry = policy()
    now = utc_now()
    lease = now + timedelta(seconds=60)
    async with runtime.sessionmaker() as session:
        rows = await repo.due(session, now, limit)
        claimed = [r for r in rows if await repo.claim(session, r.id, r.next_attempt_at, lease)]
        await session.commit()
    if not claimed:
        return 0
    outcomes = await asyncio.gather(*(_post(client, r) for r in claimed))
    async with runtime.sessionmaker() as session:
        for row, (status, error) in zip(claimed, outcomes, strict=True):
            attempts = row.attempts + 1
            if error is None:
                await repo.settle(session, row.id, status=domain.DELIVERED, attempts=attempts, last_status=status,
                                  last_error=None, delivered_at=utc_now(), next_attempt_at=None)
                continue
            state, next_at = retry.after_failure(attempts, utc_now())
            await repo.settle(session, row.id, status=state, attempts=attempts, last_status=status,
                              last_error=error[:500], next_attempt_at=next_at)
            if state == domain.DEAD:
                log.warning("webhook delivery %s dead after %d attempts: %s", row.id, attempts, error)
        await session.commit()
    return len(claimed)


async def _post(client: httpx.AsyncClient, row: Any) -> tuple[int | None, str | None]:
    body = bytes(row.payload)
    keys = domain.signing_secrets(row.secret, row.previous_secret, row.previous_secret_until, utc_now())
    headers = {"Content-Type": "application/cloudevents+json", "Webhook-Id": str(row.id),
               **signature_headers(keys, body)}
    try:
        response = await client.post(row.url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}"
    if 200 <= response.status_code < 300:
        return response.status_code, None
    return response.status_code, f"HTTP {response.status_code}"


async def run_deliveries(runtime: Any) -> None:
    """Background job: send due deliveries; wake on new ones (consumer, replay) or every second."""
    wake: asyncio.Event = runtime.extras.setdefault(WAKE, asyncio.Event())
    timeout = float(os.environ.get("FUPIN_WEBHOOK_TIMEOUT_SECONDS", "5"))
    async with httpx.AsyncClient(timeout=timeout, follow_redirects=False) as client:
        await run_rounds(lambda: send_due(runtime, client), wake, name="webhook deliveries")
