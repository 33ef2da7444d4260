"""Yearly household records: incomes, 两不愁三保障 + drinking water, assistance measures."""
from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fupin_registry.db import Base
from fupin_shared.db import UtcDateTime, utc_now, uuid7


class HouseholdIncome(Base):
    """A household's income for a year by category (fen); per-capita disposable income computed."""

    __tablename__ = "household_income"

    household_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("household.id"), primary_key=True)
    year: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    wage_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    production_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    production_cost_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    property_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    transfer_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    disposable_fen: Mapped[int] = mapped_column(sa.BigInteger)
    persons: Mapped[int] = mapped_column(sa.Integer)
    per_capita_fen: Mapped[int] = mapped_column(sa.BigInteger)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, onupdate=utc_now)

    __mapper_args__ = {"version_id_col": version}


class HouseholdGuarantee(Base):
    """两不愁三保障 + drinking water, assessed for a year."""

    __tablename__ = "household_guarantee"

    household_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("household.id"), primary_key=True)
    year: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    food: Mapped[bool] = mapped_column(sa.Boolean)
    clothing: Mapped[bool] = mapped_column(sa.Boolean)
    compulsory_education: Mapped[bool] = mapped_column(sa.Boolean)
    basic_medical: Mapped[bool] = mapped_column(sa.Boolean)
    housing_safety: Mapped[str] = mapped_column(sa.String(1))
    drinking_water: Mapped[bool] = mapped_column(sa.Boolean)
    compliant: Mapped[bool] = mapped_column(sa.Boolean)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    assessed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, onupdate=utc_now)

    __mapper_args__ = {"version_id_col": version}


class Measure(Base):
    """An assistance measure given to a household, tagged with the plan task it serves."""

    __tablename__ = "measure"
    __table_args__ = (sa.Index("ix_measure_household_id", "household_id", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    household_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("household.id"))
    measure_type: Mapped[str] = mapped_column(sa.String(24))
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    given_on: Mapped[date] = mapped_column(sa.Date)
    year: Mapped[int] = mapped_column(sa.Integer)
    unit: Mapped[str | None] = mapped_column(sa.String(120))
    plan_task: Mapped[int | None] = mapped_column(sa.SmallInteger)
    description: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
