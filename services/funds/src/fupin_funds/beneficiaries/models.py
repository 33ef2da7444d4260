"""Read copies fed by the registry's events (no synchronous calls): households and villages."""
from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fupin_funds.db import Base
from fupin_shared.db import UtcDateTime


class BeneficiaryHousehold(Base):
    """The last known state of a registry household (status, village, persons) — no personal data."""

    __tablename__ = "beneficiary_household"
    __table_args__ = (sa.Index("ix_beneficiary_household_village", "village_code", "household_id"),)

    household_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    village_code: Mapped[str] = mapped_column(sa.String(12))
    status: Mapped[str] = mapped_column(sa.String(32))
    persons: Mapped[int] = mapped_column(sa.Integer)
    event_time: Mapped[datetime] = mapped_column(UtcDateTime)
    last_event_type: Mapped[str] = mapped_column(sa.String(160))


class VillageRecord(Base):
    """What the registry said about a village: provincial relatively-poor village, exited in which year."""

    __tablename__ = "village_record"

    village_code: Mapped[str] = mapped_column(sa.String(12), primary_key=True)
    provincial_poor_village: Mapped[bool] = mapped_column(sa.Boolean)
    last_year: Mapped[int | None] = mapped_column(sa.Integer)
    exited_year: Mapped[int | None] = mapped_column(sa.Integer)
    event_time: Mapped[datetime] = mapped_column(UtcDateTime)
