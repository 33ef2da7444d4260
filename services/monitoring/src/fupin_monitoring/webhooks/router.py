"""HTTP of webhooks out: subscriptions, their deliveries, dead letters and replay."""
from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from fupin_monitoring.deps import Uows
from fupin_monitoring.webhooks import domain, service
from fupin_monitoring.webhooks import repository as repo
from fupin_monitoring.webhooks.delivery import WAKE
from fupin_monitoring.webhooks.schemas import (DeliveryPage, DeliveryRead, ReplayIn, ReplayOut, SecretRotation,
                                               SubscriptionIn, SubscriptionPage, SubscriptionRead)
from fupin_shared.auth.deps import requires
from fupin_shared.auth.principal import Principal
from fupin_shared.http.deps import Cursor, IdempotencyDep, IfMatchVersion
from fupin_shared.http.etag import etag_for
from fupin_shared.http.pagination import decode_cursor, page_of
from fupin_shared.http.problems import problem_responses
from fupin_shared.http.responses import json_response

router = APIRouter(prefix="/v1", tags=["webhooks"])
WebhookWriter = Annotated[Principal, Depends(requires("webhooks:write"))]
SubscriptionId = uuid.UUID


@router.post("/webhooks", status_code=201, response_model=SubscriptionRead, responses=problem_responses(403, 422))
async def create_subscription(body: SubscriptionIn, uows: Uows, actor: WebhookWriter,
                              idempotency: IdempotencyDep) -> Response:
    """Subscribe a system to event types (exact, or prefixes ending in ``*``) in a division of the
    caller's subtree, of services its token may read (``registry:read`` for ``fupin.registry.*``, …;
    403 otherwise). Each matching CloudEvent is POSTed (``application/cloudevents+json``) with
    ``Webhook-Id`` and ``Webhook-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>``;
    receivers verify it and refuse timestamps older than 5 minutes. Failures are retried with
    exponential backoff, then dead-lettered. The ``secret`` is in this response only. Honours
    Idempotency-Key."""

    async def action(uow: Any) -> Response:
        subscription = await service.subscribe(uow, body, actor=actor)
        return json_response(SubscriptionRead.of(subscription, with_secret=True), status_code=201,
                             headers={"ETag": etag_for(subscription.version), "Location": f"webhooks/{subscription.id}"})

    return await idempotency.run(uows, client_id=actor.client_id, body=body.model_dump(mode="json"), action=action)


@router.get("/webhooks", response_model=SubscriptionPage, responses=problem_responses(400))
async def list_subscriptions(uows: Uows, actor: WebhookWriter, cursor: Cursor = None,
                             limit: Annotated[int, Query(ge=1, le=500)] = 50) -> Response:
    """The caller's own subscriptions (those its client made) in its division; with ``monitoring:write``
    (the operators of monitoring) every client's in its division. Secrets are never shown again."""
    client_id = domain.managed_client(actor.client_id, actor.scopes)
    filters = {"division": actor.division, "client": client_id}
    last = decode_cursor(cursor, filters)
    async with uows() as uow:
        rows = await repo.subscriptions_page(uow.session, within=actor.division, client_id=client_id,
                                             after=uuid.UUID(last[0]) if last else None, limit=limit)
    rows, next_cursor = page_of(rows, limit, lambda s: [str(s.id)], filters)
    return json_response(SubscriptionPage(items=[SubscriptionRead.of(s) for s in rows], next_cursor=next_cursor))


@router.get("/webhooks/{subscription_id}", response_model=SubscriptionRead, responses=problem_responses(404))
async def get_subscription(subscription_id: SubscriptionId, uows: Uows, actor: WebhookWriter) -> Response:
    subscription = await service.get(uows(), subscription_id, actor=actor)
    return json_response(SubscriptionRead.of(subscription), headers={"ETag": etag_for(subscription.version)})


@router.post("/webhooks/{subscription_id}/secret", response_model=SubscriptionRead,
             responses=problem_responses(404, 412, 428))
async def rotate_secret(subscription_id: SubscriptionId, body: SecretRotation, uows: Uows, actor: WebhookWriter,
                        version: IfMatchVersion) -> Response:
    """Rotate the signing secret (If-Match). The new ``secret`` is in this response only; until
    ``previous_secret_until`` (now + ``overlap_seconds``) each delivery carries two signatures,
    ``Webhook-Signature: t=<unix>,v1=<HMAC with the new secret>,v1=<HMAC with the old one>``, so the receiver
    switches keys when it likes; a receiver accepts a delivery when any ``v1`` matches."""
    subscription = await service.rotate_secret(uows(), subscription_id, overlap=timedelta(seconds=body.overlap_seconds),
                                               actor=actor, expected_version=version)
    return json_response(SubscriptionRead.of(subscription, with_secret=True),
                         headers={"ETag": etag_for(subscription.version)})


@router.delete("/webhooks/{subscription_id}", response_model=SubscriptionRead,
               responses=problem_responses(404, 412, 428))
async def end_subscription(subscription_id: SubscriptionId, uows: Uows, actor: WebhookWriter,
                           version: IfMatchVersion) -> Response:
    """Stop deliveries (If-Match); the subscription and its deliveries stay readable."""
    subscription = await service.end(uows(), subscription_id, actor=actor, expected_version=version)
    return json_response(SubscriptionRead.of(subscription), headers={"ETag": etag_for(subscription.version)})


async def _deliveries(uows: Uows, actor: Principal, subscription_id: uuid.UUID, status: str | None,
                      cursor: str | None, limit: int) -> Response:
    await service.get(uows(), subscription_id, actor=actor)
    filters = {"subscription": str(subscription_id), "status": status}
    last = decode_cursor(cursor, filters)
    async with uows() as uow:
        rows = await repo.deliveries_page(uow.session, subscription_id, status=status,
                                          after=uuid.UUID(last[0]) if last else None, limit=limit)
    rows, next_cursor = page_of(rows, limit, lambda d: [str(d.id)], filters)
    return json_response(DeliveryPage(items=[DeliveryRead.of(d) for d in rows], next_cursor=next_cursor))


@router.get("/webhooks/{subscription_id}/deliveries", response_model=DeliveryPage,
            responses=problem_responses(400, 404))
async def list_deliveries(subscription_id: SubscriptionId, uows: Uows, actor: WebhookWriter,
                          status: Annotated[Literal["pending", "delivered", "dead"] | None, Query()] = None,
                          cursor: Cursor = None, limit: Annotated[int, Query(ge=1, le=500)] = 50) -> Response:
    """Deliveries of the subscription, oldest first: attempts, last HTTP status or error, next attempt."""
    return await _deliveries(uows, actor, subscription_id, status, cursor, limit)


@router.get("/webhooks/{subscription_id}/dead-letters", response_model=DeliveryPage,
            responses=problem_responses(400, 404))
async def list_dead_letters(subscription_id: SubscriptionId, uows: Uows, actor: WebhookWriter,
                            cursor: Cursor = None, limit: Annotated[int, Query(ge=1, le=500)] = 50) -> Response:
    """Deliveries that failed every attempt; send them again with ``…/dead-letters/replay``."""
    return await _deliveries(uows, actor, subscription_id, domain.DEAD, cursor, limit)


@router.post("/webhooks/{subscription_id}/dead-letters/replay", response_model=ReplayOut,
             responses=problem_responses(404))
async def replay_dead_letters(subscription_id: SubscriptionId, body: ReplayIn, request: Request, uows: Uows,
                              actor: WebhookWriter) -> Response:
    """Queue dead letters (all, or ``delivery_ids``) again, with a fresh retry schedule."""
    count = await service.replay(uows(), subscription_id, body.delivery_ids, actor=actor)
    wake = request.app.state.runtime.extras.get(WAKE)
    if wake is not None:
        wake.set()
    return json_response(ReplayOut(requeued=count))
