"""Project library tables (县级脱贫攻坚项目库)."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fupin_funds.db import Base
from fupin_shared.db import UtcDateTime, utc_now, uuid7

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class Project(Base):
    __tablename__ = "project"
    __table_args__ = (
        sa.CheckConstraint("budget_fen > 0 AND funded_fen >= 0 AND funded_fen <= budget_fen", name="funded"),
        sa.CheckConstraint("disbursed_fen >= 0 AND disbursed_fen <= budget_fen", name="disbursed"),
        sa.CheckConstraint("progress_pct >= 0 AND progress_pct <= 100", name="progress"),
        sa.CheckConstraint("plan_task IS NULL OR (plan_task >= 1 AND plan_task <= 32)", name="plan_task"),
        sa.Index("ix_project_division_id", "village_code", "id"),
        sa.Index("ix_project_year_status", "year", "status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    name: Mapped[str] = mapped_column(sa.String(200))
    village_code: Mapped[str] = mapped_column(sa.String(12))
    category: Mapped[str] = mapped_column(sa.String(40))
    content: Mapped[str] = mapped_column(sa.Text)
    location: Mapped[str | None] = mapped_column(sa.String(200))
    responsible_unit: Mapped[str] = mapped_column(sa.String(200))
    plan_task: Mapped[int | None] = mapped_column(sa.Integer)
    year: Mapped[int] = mapped_column(sa.Integer)
    budget_fen: Mapped[int] = mapped_column(BIG)
    funded_fen: Mapped[int] = mapped_column(BIG, default=0)
    disbursed_fen: Mapped[int] = mapped_column(BIG, default=0)
    progress_pct: Mapped[int] = mapped_column(sa.Integer, default=0)
    status: Mapped[str] = mapped_column(sa.String(20))
    status_changed_on: Mapped[date | None] = mapped_column(sa.Date)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, onupdate=utc_now)
    created_by: Mapped[str] = mapped_column(sa.String(120))

    __mapper_args__ = {"version_id_col": version}


class ProjectBeneficiary(Base):
    __tablename__ = "project_beneficiary"
    __table_args__ = (sa.Index("ix_project_beneficiary_household", "household_id"),)

    project_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("project.id"), primary_key=True)
    household_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    added_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)


class PerformanceTarget(Base):
    """A performance target (绩效目标) of a project and, once measured, its result."""

    __tablename__ = "performance_target"
    __table_args__ = (sa.Index("ix_performance_target_project", "project_id", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    project_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("project.id"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    indicator: Mapped[str] = mapped_column(sa.String(200))
    unit: Mapped[str] = mapped_column(sa.String(40))
    direction: Mapped[str] = mapped_column(sa.String(10))
    target_value: Mapped[Decimal] = mapped_column(sa.Numeric(18, 4))
    actual_value: Mapped[Decimal | None] = mapped_column(sa.Numeric(18, 4))
    measured_on: Mapped[date | None] = mapped_column(sa.Date)
    note: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, onupdate=utc_now)
