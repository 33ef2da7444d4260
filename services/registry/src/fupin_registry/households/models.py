"""Registry tables for households."""
from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fupin_registry.db import Base
from fupin_shared.db import JSONType, UtcDateTime, utc_now, uuid7


class Household(Base):
    __tablename__ = "household"
    __table_args__ = (sa.Index("ix_household_division_id", "village_code", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    village_code: Mapped[str] = mapped_column(sa.String(12))
    status: Mapped[str] = mapped_column(sa.String(32))
    head_name: Mapped[str] = mapped_column(sa.String(60))
    head_id_number: Mapped[str] = mapped_column(sa.String(18))
    persons: Mapped[int] = mapped_column(sa.Integer)
    labour_type: Mapped[str | None] = mapped_column(sa.String(40))
    poverty_causes: Mapped[list[str]] = mapped_column(JSONType, default=list)
    assisting_cadre: Mapped[str | None] = mapped_column(sa.String(60))
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, onupdate=utc_now)

    __mapper_args__ = {"version_id_col": version}
