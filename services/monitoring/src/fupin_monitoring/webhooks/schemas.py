"""Shapes of webhook subscriptions and deliveries."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Self

from pydantic import AnyHttpUrl, BaseModel, Field


class SubscriptionIn(BaseModel):
    model_config = {"json_schema_extra": {"examples": [{
        "url": "https://mca.example.gov.cn/fupin/hooks", "event_types": ["fupin.registry.household.*"],
        "division": "441223000000"}]}}

    url: AnyHttpUrl = Field(description="where the CloudEvents are POSTed (structured JSON)")
    event_types: Annotated[list[Annotated[str, Field(min_length=1, max_length=160)]],
                           Field(min_length=1, max_length=50, description=(
                               'CloudEvents types, or prefixes ending in "*" (e.g. "fupin.registry.*")'))]
    division: Annotated[str | None, Field(description="12-digit division; the caller's when omitted")] = None


class SubscriptionRead(BaseModel):
    id: uuid.UUID
    url: str
    event_types: list[str]
    division_code: str
    active: bool
    client_id: str
    version: int
    created_at: datetime
    secret: str | None = Field(None, description="the HMAC key; returned once, when made or rotated")
    previous_secret_until: datetime | None = Field(
        None, description="after a rotation: deliveries are signed with the previous secret too until then")

    @classmethod
    def of(cls, s: Any, *, with_secret: bool = False) -> Self:
        return cls(id=s.id, url=s.url, event_types=list(s.event_types), division_code=s.division_code,
                   active=s.active, client_id=s.client_id, version=s.version, created_at=s.created_at,
                   secret=s.secret if with_secret else None, previous_secret_until=s.previous_secret_until)


class SecretRotation(BaseModel):
    model_config = {"json_schema_extra": {"examples": [{"overlap_seconds": 86400}]}}

    overlap_seconds: int = Field(86400, ge=0, le=7 * 86400, description=(
        "how long deliveries are also signed with the old secret (0: the old one stops at once)"))


class SubscriptionPage(BaseModel):
    items: list[SubscriptionRead]
    next_cursor: str | None = None


class DeliveryRead(BaseModel):
    id: uuid.UUID
    event_id: uuid.UUID
    event_type: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_status: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None

    @classmethod
    def of(cls, d: Any) -> Self:
        return cls(id=d.id, event_id=d.event_id, event_type=d.event_type, status=d.status, attempts=d.attempts,
                   next_attempt_at=d.next_attempt_at, last_status=d.last_status, last_error=d.last_error,
                   created_at=d.created_at, delivered_at=d.delivered_at)


class DeliveryPage(BaseModel):
    items: list[DeliveryRead]
    next_cursor: str | None = None


class ReplayIn(BaseModel):
    delivery_ids: list[uuid.UUID] | None = Field(None, max_length=500,
                                                 description="the dead letters to send again; all when omitted")


class ReplayOut(BaseModel):
    requeued: int
