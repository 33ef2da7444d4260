"""Webhook use cases: subscribe, rotate the secret, end, read, list deliveries, replay dead letters."""
from __future__ import annotations

import secrets
import uuid
from datetime import timedelta

from fupin_monitoring.db import MonitoringUow
from fupin_monitoring.webhooks import domain
from fupin_monitoring.webhooks import repository as repo
from fupin_monitoring.webhooks.schemas import SubscriptionIn
from fupin_monitoring.webhooks.tables import WebhookSubscription
from fupin_shared.auth.deps import check_division
from fupin_shared.auth.principal import Principal
from fupin_shared.contracts.base import all_contracts
from fupin_shared.contracts.monitoring import WebhookDeadLettersReplayed, WebhookSubscriptionChanged
from fupin_shared.db import utc_now, uuid7
from fupin_shared.http.etag import require_version
from fupin_shared.http.problems import Forbidden, InvalidInput, NotFound


class SubscriptionNotFound(NotFound):
    slug, title = "webhook-subscription-not-found", "No such webhook subscription"


def _changed(s: WebhookSubscription) -> WebhookSubscriptionChanged:
    return WebhookSubscriptionChanged(subscription_id=s.id, client_id=s.client_id, url=s.url,
                                      event_types=list(s.event_types), division_code=s.division_code, active=s.active)


async def subscribe(uow: MonitoringUow, request: SubscriptionIn, *, actor: Principal) -> WebhookSubscription:
    """A subscription of the caller's system to event types within a division of its own subtree, and
    only to the events of services its token may read (``<service>:read``); the secret is made here and
    shown once."""
    division = check_division(actor, request.division)
    known = set(all_contracts())
    errors = domain.pattern_errors(request.event_types, known)
    if errors:
        raise InvalidInput(errors)
    if unreadable := domain.unreadable_services(request.event_types, known, actor.scopes):
        missing = [f"{s}:read" for s in unreadable]
        raise Forbidden(f"The event types include events your token may not read: {', '.join(missing)}.",
                        missing_scopes=missing)
    async with uow:
        subscription = WebhookSubscription(
            id=uuid7(), client_id=actor.client_id, created_by=actor.sub, url=str(request.url),
            secret=_new_secret(), event_types=list(request.event_types),
            division_code=division, active=True, version=1, created_at=utc_now(), updated_at=utc_now())
        uow.session.add(subscription)
        uow.record(_changed(subscription), subject=subscription.id, division=division, actor=actor.sub)
        await uow.commit()
    return subscription


def _new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


async def rotate_secret(uow: MonitoringUow, subscription_id: uuid.UUID, *, overlap: timedelta, actor: Principal,
                        expected_version: int) -> WebhookSubscription:
    """A new secret (shown once); deliveries are signed with the new and the old one until ``overlap`` ends,
    so the receiver can switch without losing a delivery. Only the client that subscribed may rotate (the
    new secret is shown to whoever rotates)."""
    async with uow:
        found = await _find(uow, subscription_id, actor, owner_only=True)
        require_version(found.version, expected_version)
        found.previous_secret, found.secret = found.secret, _new_secret()
        found.previous_secret_until = utc_now() + overlap
        uow.record(_changed(found), subject=found.id, division=found.division_code, actor=actor.sub)
        await uow.commit()
    return found


async def _find(uow: MonitoringUow, subscription_id: uuid.UUID, actor: Principal, *,
                owner_only: bool = False) -> WebhookSubscription:
    """The subscription if the caller may manage it (its own client's, or with the admin scope any in its
    division); otherwise not found, as if it did not exist."""
    client_id = actor.client_id if owner_only else domain.managed_client(actor.client_id, actor.scopes)
    found = await repo.subscription(uow.session, subscription_id, within=actor.division, client_id=client_id)
    if found is None:
        raise SubscriptionNotFound(f"No webhook subscription {subscription_id} of yours in your division.")
    return found


async def get(uow: MonitoringUow, subscription_id: uuid.UUID, *, actor: Principal) -> WebhookSubscription:
    async with uow:
        found = await _find(uow, subscription_id, actor)
        return found


async def end(uow: MonitoringUow, subscription_id: uuid.UUID, *, actor: Principal,
              expected_version: int) -> WebhookSubscription:
    """Stop deliveries (the subscription and its history stay)."""
    async with uow:
        found = await _find(uow, subscription_id, actor)
        require_version(found.version, expected_version)
        found.active = False
        uow.record(_changed(found), subject=found.id, division=found.division_code, actor=actor.sub)
        await uow.commit()
    return found


async def replay(uow: MonitoringUow, subscription_id: uuid.UUID, delivery_ids: list[uuid.UUID] | None, *,
                 actor: Principal) -> int:
    async with uow:
        found = await _find(uow, subscription_id, actor)
        count = await repo.replay(uow.session, subscription_id, delivery_ids, utc_now())
        uow.record(WebhookDeadLettersReplayed(subscription_id=subscription_id, requeued=count),
                   subject=subscription_id, division=found.division_code, actor=actor.sub)
        await uow.commit()
    return count
