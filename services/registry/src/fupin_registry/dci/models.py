"""The DCI asynchronous search transactions: the request with the caller's scope, its answer, the callback."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fupin_registry.db import Base
from fupin_shared.db import JSONType, UtcDateTime, utc_now, uuid7


class DciTransaction(Base):
    __tablename__ = "dci_transaction"
    __table_args__ = (sa.UniqueConstraint("client_id", "transaction_id", name="uq_dci_transaction_client"),
                      sa.Index("ix_dci_transaction_due", "next_attempt_at"))

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    client_id: Mapped[str] = mapped_column(sa.String(120))
    transaction_id: Mapped[str] = mapped_column(sa.String(200))
    message_id: Mapped[str] = mapped_column(sa.String(200))
    sender_id: Mapped[str] = mapped_column(sa.String(200))
    sender_uri: Mapped[str | None] = mapped_column(sa.String(500))
    """Where the ``on-search`` answer is POSTed; none: the sender polls ``txn/status``."""
    actor: Mapped[str] = mapped_column(sa.String(120))
    division_code: Mapped[str] = mapped_column(sa.String(12))
    scopes: Mapped[list[str]] = mapped_column(JSONType)
    """The caller's division and scopes: the search runs later with exactly the caller's scope."""
    request: Mapped[dict[str, Any]] = mapped_column(JSONType)
    response: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(sa.String(8))
    """pdng (queued), succ or rjct (the on-search header status once answered)."""
    callback_status: Mapped[str | None] = mapped_column(sa.String(16))
    """pending, delivered or failed (after the last attempt); none without a sender_uri."""
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    """When the worker next works on it (search, or callback retry); none once done."""
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
