"""The signal table: every signal another department posted, matched or not (never dropped)."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fupin_registry.db import Base
from fupin_shared.db import JSONType, UtcDateTime, utc_now, uuid7


class Signal(Base):
    __tablename__ = "signal"
    __table_args__ = (sa.Index("ix_signal_matched_division", "matched", "division_code", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    kind: Mapped[str] = mapped_column(sa.String(32))
    source: Mapped[str] = mapped_column(sa.String(120))
    external_id: Mapped[str | None] = mapped_column(sa.String(120))
    id_number: Mapped[str] = mapped_column(sa.String(18))
    occurred_on: Mapped[date] = mapped_column(sa.Date)
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    division_code: Mapped[str] = mapped_column(sa.String(12))
    """The member's village when matched; else the county of the ID number's area code (or the
    poster's division when that county is outside it)."""
    poster_division: Mapped[str] = mapped_column(sa.String(12))
    """The poster's division: an unmatched signal is re-matched only to a member inside it."""
    matched: Mapped[bool] = mapped_column(sa.Boolean)
    matched_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    """When it was matched: on arrival, or later when the person was registered (re-matched)."""
    household_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    member_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    received_by: Mapped[str] = mapped_column(sa.String(120))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
