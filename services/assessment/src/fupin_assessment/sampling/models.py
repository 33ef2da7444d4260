"""Drawn samples: the parameters, the seed, the frame's fingerprint and the households chosen."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fupin_assessment.db import Base
from fupin_shared.db import JSONType, UtcDateTime, utc_now, uuid7


class SampleRow(Base):
    __tablename__ = "sample"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    year: Mapped[int] = mapped_column(sa.Integer)
    seed: Mapped[str] = mapped_column(sa.String(100))
    rule: Mapped[dict[str, Any]] = mapped_column(JSONType)
    frame_households: Mapped[int] = mapped_column(sa.Integer)
    frame_fingerprint: Mapped[str] = mapped_column(sa.String(64))
    households: Mapped[int] = mapped_column(sa.Integer)
    villages: Mapped[int] = mapped_column(sa.Integer)
    counties: Mapped[list[str]] = mapped_column(JSONType)
    shortfalls: Mapped[list[str]] = mapped_column(JSONType)
    created_by: Mapped[str] = mapped_column(sa.String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)


class SampleHouseholdRow(Base):
    __tablename__ = "sample_household"
    __table_args__ = (sa.Index("ix_sample_household_county", "sample_id", "county_code", "seq"),)

    sample_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("sample.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    county_code: Mapped[str] = mapped_column(sa.String(12))
    town_code: Mapped[str] = mapped_column(sa.String(12))
    village_code: Mapped[str] = mapped_column(sa.String(12))
    household_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    status: Mapped[str] = mapped_column(sa.String(32))
    persons: Mapped[int] = mapped_column(sa.Integer)
    has_disabled: Mapped[bool] = mapped_column(sa.Boolean)
