"""Webhook use cases: subscribe, end, read, list deliveries, replay dead letters."""
from __future__ import annotations

import secrets
import uuid

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
from fupin_shared.http.problems import InvalidInput, NotFound


class SubscriptionNotFound(NotFound):
    slug, title = "webhook-subscription-not-found", "No such webhook subscription"


def _changed(s: WebhookSubscription) -> WebhookSubscriptionChanged:
    return WebhookSubscriptionChanged(subscription_id=s.id, client_id=s.client_id, url=s.url,
                                      event_types=list(s.event_types), division_code=s.division_code, active=s.active)


async def subscribe(uow: MonitoringUow, request: SubscriptionIn, *, actor: Principal) -> WebhookSubscription:
    """A subscription of the caller's system to event types within a division of its own subtree; the
    secret is made here and shown once."""
    division = check_division(actor, request.division)
    errors = domain.pattern_errors(request.event_types, set(all_contracts()))
    if errors:
        raise InvalidInput(errors)
    async with uow:
        subscription = WebhookSubscription(
            id=uuid7(), client_id=actor.client_id, created_by=actor.sub, url=str(request.url),
            secret="whsec_" + secrets.token_urlsafe(32), event_types=list(request.event_types),
            division_code=division, active=True, version=1, created_at=utc_now(), updated_at=utc_now())
        uow.session.add(subscription)
        uow.record(_changed(subscription), subject=subscription.id, division=division, actor=actor.sub)
        await uow.commit()
    return subscription


async def get(uow: MonitoringUow, subscription_id: uuid.UUID, *, actor: Principal) -> WebhookSubscription:
    async with uow:
        found = await repo.subscription(uow.session, subscription_id, within=actor.division)
        if found is None:
            raise SubscriptionNotFound(f"No webhook subscription {subscription_id} in your division.")
        return found


async def end(uow: MonitoringUow, subscription_id: uuid.UUID, *, actor: Principal,
              expected_version: int) -> WebhookSubscription:
    """Stop deliveries (the subscription and its history stay)."""
    async with uow:
        found = await repo.subscription(uow.session, subscription_id, within=actor.division)
        if found is None:
            raise SubscriptionNotFound(f"No webhook subscription {subscription_id} in your division.")
        require_version(found.version, expected_version)
        found.active = False
        uow.record(_changed(found), subject=found.id, division=found.division_code, actor=actor.sub)
        await uow.commit()
    return found


async def replay(uow: MonitoringUow, subscription_id: uuid.UUID, delivery_ids: list[uuid.UUID] | None, *,
                 actor: Principal) -> int:
    async with uow:
        found = await repo.subscription(uow.session, subscription_id, within=actor.division)
        if found is None:
            raise SubscriptionNotFound(f"No webhook subscription {subscription_id} in your division.")
        count = await repo.replay(uow.session, subscription_id, delivery_ids, utc_now())
        uow.record(WebhookDeadLettersReplayed(subscription_id=subscription_id, requeued=count),
                   subject=subscription_id, division=found.division_code, actor=actor.sub)
        await uow.commit()
    return count
