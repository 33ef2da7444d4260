"""Read copies of other services' events: year-end snapshots (monitoring), findings (tasks and
funds) and the sampling frame (registry households and members). Nothing here is another
service's table; every row comes from an event."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fupin_assessment.db import Base
from fupin_shared.db import JSONType, UtcDateTime


class Snapshot(Base):
    """A frozen year-end snapshot as monitoring published it (``YearSnapshotFrozen``)."""

    __tablename__ = "snapshot"
    __table_args__ = (sa.Index("ix_snapshot_year_frozen", "year", "frozen_at"),)

    snapshot_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    year: Mapped[int] = mapped_column(sa.Integer)
    frozen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    event_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    subjects: Mapped[int] = mapped_column(sa.Integer)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSONType)


class Finding(Base):
    """A supervision (tasks) or audit (funds) finding and its rectification state."""

    __tablename__ = "finding"
    __table_args__ = (sa.Index("ix_finding_year", "year", "origin"),)

    finding_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    origin: Mapped[str] = mapped_column(sa.String(20))
    kind: Mapped[str] = mapped_column(sa.String(60))
    year: Mapped[int] = mapped_column(sa.Integer)
    severity: Mapped[str] = mapped_column(sa.String(40))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    unit: Mapped[str | None] = mapped_column(sa.String(120))
    division_code: Mapped[str | None] = mapped_column(sa.String(12))
    rectify_by: Mapped[date | None] = mapped_column(sa.Date)
    closed_on: Mapped[date | None] = mapped_column(sa.Date)
    overdue: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class FrameHousehold(Base):
    """A registry household as its events describe it (status, village, persons)."""

    __tablename__ = "frame_household"
    __table_args__ = (sa.Index("ix_frame_household_village", "village_code", "status"),)

    household_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    village_code: Mapped[str] = mapped_column(sa.String(12))
    status: Mapped[str] = mapped_column(sa.String(32))
    persons: Mapped[int] = mapped_column(sa.Integer)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class FrameMember(Base):
    """A household member's disability grade (no name or ID number: events carry none)."""

    __tablename__ = "frame_member"
    __table_args__ = (sa.Index("ix_frame_member_household", "household_id"),)

    member_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    household_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    disability_grade: Mapped[int | None] = mapped_column(sa.Integer)
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
