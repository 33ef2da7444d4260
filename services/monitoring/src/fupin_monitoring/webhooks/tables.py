"""Webhook subscriptions and deliveries."""
from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fupin_monitoring.db import Base
from fupin_shared.db import JSONType, UtcDateTime, utc_now, uuid7


class WebhookSubscription(Base):
    __tablename__ = "webhook_subscription"
    __table_args__ = (sa.Index("ix_webhook_subscription_division", "division_code", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    client_id: Mapped[str] = mapped_column(sa.String(120))
    created_by: Mapped[str] = mapped_column(sa.String(120))
    url: Mapped[str] = mapped_column(sa.String(500))
    secret: Mapped[str] = mapped_column(sa.String(100))
    """The per-subscriber HMAC key (shown once, at creation or rotation)."""
    previous_secret: Mapped[str | None] = mapped_column(sa.String(100))
    """The key replaced by the last rotation: deliveries are signed with it too until ``previous_secret_until``."""
    previous_secret_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    event_types: Mapped[list[str]] = mapped_column(JSONType)
    division_code: Mapped[str] = mapped_column(sa.String(12))
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, onupdate=utc_now)

    __mapper_args__ = {"version_id_col": version}


class WebhookDelivery(Base):
    __tablename__ = "webhook_delivery"
    __table_args__ = (
        sa.UniqueConstraint("subscription_id", "event_id", name="uq_webhook_delivery_event"),
        sa.Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
        sa.Index("ix_webhook_delivery_subscription", "subscription_id", "status", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    subscription_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("webhook_subscription.id"))
    event_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    event_type: Mapped[str] = mapped_column(sa.String(160))
    payload: Mapped[bytes] = mapped_column(sa.LargeBinary)
    """The CloudEvent, structured JSON, exactly as sent."""
    status: Mapped[str] = mapped_column(sa.String(16))
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_status: Mapped[int | None] = mapped_column(sa.Integer)
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
