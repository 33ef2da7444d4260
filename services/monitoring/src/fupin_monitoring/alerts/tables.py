"""The service's own alert state (not part of the projection: a rebuild keeps it)."""
from __future__ import annotations

import sqlalchemy as sa

from fupin_monitoring.db import Base
from fupin_shared.db import JSONType, UtcDateTime

alert = sa.Table(
    "alert", Base.metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("subject_key", sa.String(200), nullable=False),
    sa.Column("division_code", sa.String(12), nullable=False),
    sa.Column("year", sa.Integer),
    sa.Column("household_id", sa.Uuid),
    sa.Column("member_id", sa.Uuid),
    sa.Column("unit", sa.String(120)),
    sa.Column("detail", JSONType, nullable=False),
    sa.Column("raised_on", sa.Date, nullable=False),
    sa.Column("due_on", sa.Date),
    sa.Column("assignee", sa.String(120)),
    sa.Column("resolution", sa.String(500)),
    sa.Column("note", sa.String(500)),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("resolved_at", UtcDateTime),
    sa.Index("ix_alert_division_code", "division_code", "id"),
    sa.Index("ix_alert_household_id", "household_id"),
    sa.Index("uq_alert_active_subject", "subject_key", unique=True,
             postgresql_where=sa.text("state <> 'resolved'"), sqlite_where=sa.text("state <> 'resolved'")),
)

alert_counter = sa.Table(
    "alert_counter", Base.metadata,
    sa.Column("division_code", sa.String(12), primary_key=True),
    sa.Column("kind", sa.String(40), primary_key=True),
    sa.Column("state", sa.String(16), primary_key=True),
    sa.Column("value", sa.BigInteger, nullable=False),
)
"""Alerts per division (every level of the chain), kind and state: the overview's alert figures
without counting alert rows."""
