"""Infrastructure tables every service keeps in its own database.

- ``outbox``: every event, kept forever (the audit history of every aggregate).
- ``processed_event``: ids of events a consumer group applied (same transaction as the projection).
- ``idempotency_record``: POST results by (client, Idempotency-Key).
- ``access_log``: every unmasked read of personal data (who, what, when).

``create_infrastructure_tables(op)`` is called from each service's first Alembic migration.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from fupin_shared.db.types import JSONType, UtcDateTime, utc_now
from fupin_shared.events import Envelope


@dataclass(frozen=True)
class InfrastructureTables:
    Outbox: Any
    ProcessedEvent: Any
    IdempotencyRecord: Any
    AccessLog: Any


def define_infrastructure_tables(base: type[DeclarativeBase]) -> InfrastructureTables:
    class Outbox(base):  # type: ignore[misc, valid-type]
        __tablename__ = "outbox"
        __table_args__ = (
            sa.Index("ix_outbox_unpublished", "id", postgresql_where=sa.text("published_at IS NULL"),
                     sqlite_where=sa.text("published_at IS NULL")),
            sa.Index("ix_outbox_subject", "subject", "id"),
        )
        id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                                        primary_key=True, autoincrement=True)
        event_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, unique=True)
        type: Mapped[str] = mapped_column(sa.String(160))
        source: Mapped[str] = mapped_column(sa.String(80))
        subject: Mapped[str] = mapped_column(sa.String(80))
        division: Mapped[str | None] = mapped_column(sa.String(12))
        actor: Mapped[str | None] = mapped_column(sa.String(120))
        traceparent: Mapped[str | None] = mapped_column(sa.String(55))
        data: Mapped[dict[str, Any]] = mapped_column(JSONType)
        occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
        sequence: Mapped[int | None] = mapped_column(sa.BigInteger, unique=True)
        published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

        def envelope(self) -> Envelope:
            return Envelope(id=self.event_id, source=self.source, type=self.type, subject=self.subject,
                            time=self.occurred_at, data=self.data, sequence=self.sequence,
                            actor=self.actor, division=self.division, traceparent=self.traceparent)

    class ProcessedEvent(base):  # type: ignore[misc, valid-type]
        __tablename__ = "processed_event"
        consumer_group: Mapped[str] = mapped_column(sa.String(120), primary_key=True)
        event_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
        type: Mapped[str] = mapped_column(sa.String(160))
        processed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
        error: Mapped[str | None] = mapped_column(sa.Text)

    class IdempotencyRecord(base):  # type: ignore[misc, valid-type]
        __tablename__ = "idempotency_record"
        client_id: Mapped[str] = mapped_column(sa.String(120), primary_key=True)
        key: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
        request_hash: Mapped[str] = mapped_column(sa.String(64))
        method_path: Mapped[str] = mapped_column(sa.String(300))
        status_code: Mapped[int | None] = mapped_column(sa.Integer)
        body: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
        headers: Mapped[dict[str, str] | None] = mapped_column(JSONType)
        created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)

    class AccessLog(base):  # type: ignore[misc, valid-type]
        __tablename__ = "access_log"
        id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                                        primary_key=True, autoincrement=True)
        at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
        actor: Mapped[str] = mapped_column(sa.String(120))
        division: Mapped[str | None] = mapped_column(sa.String(12))
        action: Mapped[str] = mapped_column(sa.String(80))
        resource: Mapped[str] = mapped_column(sa.String(300))
        request_id: Mapped[str | None] = mapped_column(sa.String(64))

    return InfrastructureTables(Outbox, ProcessedEvent, IdempotencyRecord, AccessLog)


def create_infrastructure_tables(op) -> None:  # noqa: ANN001 - alembic.op
    """Create the four infrastructure tables (use in a service's first migration)."""
    big = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    op.create_table(
        "outbox",
        sa.Column("id", big, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.Uuid, nullable=False, unique=True),
        sa.Column("type", sa.String(160), nullable=False),
        sa.Column("source", sa.String(80), nullable=False),
        sa.Column("subject", sa.String(80), nullable=False),
        sa.Column("division", sa.String(12)),
        sa.Column("actor", sa.String(120)),
        sa.Column("traceparent", sa.String(55)),
        sa.Column("data", JSONType, nullable=False),
        sa.Column("occurred_at", UtcDateTime, nullable=False),
        sa.Column("sequence", sa.BigInteger, unique=True),
        sa.Column("published_at", UtcDateTime),
    )
    op.create_index("ix_outbox_unpublished", "outbox", ["id"],
                    postgresql_where=sa.text("published_at IS NULL"),
                    sqlite_where=sa.text("published_at IS NULL"))
    op.create_index("ix_outbox_subject", "outbox", ["subject", "id"])
    op.create_table(
        "processed_event",
        sa.Column("consumer_group", sa.String(120), primary_key=True),
        sa.Column("event_id", sa.Uuid, primary_key=True),
        sa.Column("type", sa.String(160), nullable=False),
        sa.Column("processed_at", UtcDateTime, nullable=False),
        sa.Column("error", sa.Text),
    )
    op.create_table(
        "idempotency_record",
        sa.Column("client_id", sa.String(120), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("method_path", sa.String(300), nullable=False),
        sa.Column("status_code", sa.Integer),
        sa.Column("body", sa.LargeBinary),
        sa.Column("headers", JSONType),
        sa.Column("created_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "access_log",
        sa.Column("id", big, primary_key=True, autoincrement=True),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("division", sa.String(12)),
        sa.Column("action", sa.String(80), nullable=False),
        sa.Column("resource", sa.String(300), nullable=False),
        sa.Column("request_id", sa.String(64)),
    )


def drop_infrastructure_tables(op) -> None:  # noqa: ANN001 - alembic.op
    for table in ("access_log", "idempotency_record", "processed_event", "outbox"):
        op.drop_table(table)
