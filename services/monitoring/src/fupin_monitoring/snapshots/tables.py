"""Frozen year-end snapshots (the service's own state: a rebuild never touches them)."""
from __future__ import annotations

import sqlalchemy as sa

from fupin_monitoring.db import Base
from fupin_shared.db import JSONType, UtcDateTime

year_snapshot = sa.Table(
    "year_snapshot", Base.metadata,
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("snapshot_id", sa.Uuid, nullable=False, unique=True),
    sa.Column("frozen_at", UtcDateTime, nullable=False),
    sa.Column("frozen_by", sa.String(120), nullable=False),
    sa.Column("as_of", UtcDateTime),
    sa.Column("events_applied", sa.BigInteger, nullable=False),
    sa.Column("subjects", JSONType, nullable=False),
    sa.Column("metrics", JSONType, nullable=False),
)
