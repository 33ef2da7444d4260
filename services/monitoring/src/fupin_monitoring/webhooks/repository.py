"""SQL of webhooks: subscriptions by division, deliveries to enqueue, claim, settle, list, replay."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_monitoring.webhooks.domain import DEAD, PENDING
from fupin_monitoring.webhooks.tables import WebhookDelivery, WebhookSubscription
from fupin_shared.auth.principal import division_range

_S = WebhookSubscription.__table__
_D = WebhookDelivery.__table__


async def active_subscriptions(session: AsyncSession) -> list[Any]:
    return list((await session.execute(sa.select(_S.c.id, _S.c.event_types, _S.c.division_code)
                                       .where(_S.c.active.is_(True)))).all())


async def enqueue(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    if rows:
        await session.execute(sa.insert(_D), rows)


def _visible(within: str, client_id: str | None) -> list[Any]:
    """Subscriptions in the division, of one client (``None``: of every client)."""
    low, high = division_range(within)
    where = [WebhookSubscription.division_code.between(low, high)]
    if client_id is not None:
        where.append(WebhookSubscription.client_id == client_id)
    return where


async def subscription(session: AsyncSession, subscription_id: uuid.UUID, *, within: str,
                       client_id: str | None) -> WebhookSubscription | None:
    return await session.scalar(sa.select(WebhookSubscription).where(
        WebhookSubscription.id == subscription_id, *_visible(within, client_id)))


async def subscriptions_page(session: AsyncSession, *, within: str, client_id: str | None, after: uuid.UUID | None,
                             limit: int) -> list[WebhookSubscription]:
    query = sa.select(WebhookSubscription).where(*_visible(within, client_id))
    if after is not None:
        query = query.where(WebhookSubscription.id > after)
    return list((await session.scalars(query.order_by(WebhookSubscription.id).limit(limit + 1))).all())


async def deliveries_page(session: AsyncSession, subscription_id: uuid.UUID, *, status: str | None,
                          after: uuid.UUID | None, limit: int) -> list[WebhookDelivery]:
    query = sa.select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription_id)
    if status is not None:
        query = query.where(WebhookDelivery.status == status)
    if after is not None:
        query = query.where(WebhookDelivery.id > after)
    return list((await session.scalars(query.order_by(WebhookDelivery.id).limit(limit + 1))).all())


async def due(session: AsyncSession, now: datetime, limit: int) -> list[Any]:
    """Deliveries whose next attempt is due, with their subscription's URL and secrets."""
    return list((await session.execute(
        sa.select(_D.c.id, _D.c.payload, _D.c.attempts, _D.c.next_attempt_at, _S.c.url, _S.c.secret,
                  _S.c.previous_secret, _S.c.previous_secret_until)
        .select_from(_D.join(_S, _S.c.id == _D.c.subscription_id))
        .where(_D.c.status == PENDING, _D.c.next_attempt_at <= now, _S.c.active.is_(True))
        .order_by(_D.c.next_attempt_at, _D.c.id).limit(limit))).all())


async def claim(session: AsyncSession, delivery_id: uuid.UUID, seen: datetime, lease_until: datetime) -> bool:
    """Lease a due delivery (compare-and-set on its next attempt time) so two workers never send it at once."""
    result = await session.execute(sa.update(_D).where(
        _D.c.id == delivery_id, _D.c.status == PENDING, _D.c.next_attempt_at == seen).values(
        next_attempt_at=lease_until))
    return result.rowcount == 1


async def settle(session: AsyncSession, delivery_id: uuid.UUID, **values: Any) -> None:
    await session.execute(sa.update(_D).where(_D.c.id == delivery_id).values(**values))


async def replay(session: AsyncSession, subscription_id: uuid.UUID, delivery_ids: list[uuid.UUID] | None,
                 now: datetime) -> int:
    """Put dead letters (all, or the given ones) back in the queue."""
    query = sa.update(_D).where(_D.c.subscription_id == subscription_id, _D.c.status == DEAD)
    if delivery_ids:
        query = query.where(_D.c.id.in_(delivery_ids))
    result = await session.execute(query.values(status=PENDING, attempts=0, next_attempt_at=now, last_error=None))
    return int(result.rowcount or 0)
