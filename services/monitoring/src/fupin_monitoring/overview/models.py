"""Read-model tables of the overview."""
from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fupin_monitoring.db import Base
from fupin_shared.db import UtcDateTime


class HouseholdView(Base):
    """The last known state of each household, as the registry's events describe it."""

    __tablename__ = "household_view"
    __table_args__ = (sa.Index("ix_household_view_village_status", "village_code", "status"),)

    household_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    village_code: Mapped[str] = mapped_column(sa.String(12))
    status: Mapped[str] = mapped_column(sa.String(32))
    persons: Mapped[int] = mapped_column(sa.Integer)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ViewState(Base):
    """Freshness of the view: the newest event applied and when (for ``as_of`` and ``lag_ms``)."""

    __tablename__ = "view_state"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    last_event_time: Mapped[datetime] = mapped_column(UtcDateTime)
    applied_at: Mapped[datetime] = mapped_column(UtcDateTime)
    events_applied: Mapped[int] = mapped_column(sa.BigInteger, default=0)
