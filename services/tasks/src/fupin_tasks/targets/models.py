"""Targets with their progress, and the read copies of registry and funds figures that feed them."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from fupin_shared.db import JSONType, UtcDateTime, utc_now
from sqlalchemy.orm import Mapped, mapped_column

from fupin_tasks.db import Base


class Target(Base):
    __tablename__ = "target"

    plan_id: Mapped[str] = mapped_column(sa.String(40), sa.ForeignKey("plan.id"), primary_key=True)
    id: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    task_number: Mapped[int | None] = mapped_column(sa.Integer)
    related_tasks: Mapped[list[int]] = mapped_column(JSONType)
    text: Mapped[str] = mapped_column(sa.Text)
    metric: Mapped[str] = mapped_column(sa.Text)
    value: Mapped[float | None] = mapped_column(sa.Float)
    value_max: Mapped[float | None] = mapped_column(sa.Float)
    unit: Mapped[str | None] = mapped_column(sa.String(30))
    comparator: Mapped[str | None] = mapped_column(sa.String(8))
    deadline: Mapped[date | None] = mapped_column(sa.Date)
    source: Mapped[str] = mapped_column(sa.String(80))
    feed: Mapped[str | None] = mapped_column(sa.String(60))
    """The figure this target is fed from (registry/funds events), or None when reported."""
    feed_source: Mapped[str | None] = mapped_column(sa.String(20))
    current_value: Mapped[float | None] = mapped_column(sa.Float)
    met: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    progress_source: Mapped[str | None] = mapped_column(sa.String(20))
    progress_period: Mapped[str | None] = mapped_column(sa.String(7))
    progress_as_of: Mapped[datetime | None] = mapped_column(UtcDateTime)
    deadline_value: Mapped[float | None] = mapped_column(sa.Float)
    """The figure as of the deadline: from the latest report of a period ending by it (or, for a
    fed target, the live figure once the deadline passed). Missed deadlines are judged on it."""
    deadline_period: Mapped[str | None] = mapped_column(sa.String(7))
    missed_on: Mapped[date | None] = mapped_column(sa.Date)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)


class FedHousehold(Base):
    """The registry's households as far as the targets need them (no personal data)."""

    __tablename__ = "fed_household"
    __table_args__ = (sa.Index("ix_fed_household_village", "village_code"),)

    household_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    village_code: Mapped[str] = mapped_column(sa.String(12))
    persons: Mapped[int] = mapped_column(sa.Integer, default=0)
    status: Mapped[str] = mapped_column(sa.String(32))
    identified: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    exited: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    removed: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    guarantee_year: Mapped[int | None] = mapped_column(sa.Integer)
    housing_safe: Mapped[bool | None] = mapped_column(sa.Boolean)
    water_safe: Mapped[bool | None] = mapped_column(sa.Boolean)
    medical_insured: Mapped[bool | None] = mapped_column(sa.Boolean)
    schooling_ok: Mapped[bool | None] = mapped_column(sa.Boolean)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)


class FedVillage(Base):
    __tablename__ = "fed_village"

    village_code: Mapped[str] = mapped_column(sa.String(12), primary_key=True)
    provincial_poor_village: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    exited_year: Mapped[int | None] = mapped_column(sa.Integer)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)


class FedAllocation(Base):
    """Funds' allocation ledger entries: amount, disbursed so far, and whether disclosed (公开)."""

    __tablename__ = "fed_allocation"
    __table_args__ = (sa.Index("ix_fed_allocation_division", "division_code"),)

    allocation_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    known: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    """False while only a disclosure or disbursement has named it (events of other keys come first)."""
    division_code: Mapped[str | None] = mapped_column(sa.String(12))
    parent_division_code: Mapped[str | None] = mapped_column(sa.String(12))
    """Where the money came from: money received by a division is what arrives from outside it."""
    year: Mapped[int | None] = mapped_column(sa.Integer)
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    disbursed_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    reversal: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    disclosed: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
