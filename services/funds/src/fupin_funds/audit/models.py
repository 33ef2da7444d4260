"""Audit and spot-check findings with rectification deadlines."""
from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fupin_funds.db import Base
from fupin_shared.db import UtcDateTime, utc_now, uuid7

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class AuditFinding(Base):
    __tablename__ = "audit_finding"
    __table_args__ = (
        sa.CheckConstraint("allocation_id IS NOT NULL OR project_id IS NOT NULL", name="linked"),
        sa.CheckConstraint("rectify_by >= found_on", name="deadline"),
        sa.Index("ix_audit_finding_division_id", "division_code", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    kind: Mapped[str] = mapped_column(sa.String(20))
    severity: Mapped[str] = mapped_column(sa.String(20))
    category: Mapped[str] = mapped_column(sa.String(40))
    summary: Mapped[str] = mapped_column(sa.String(500))
    detail: Mapped[str | None] = mapped_column(sa.Text)
    auditor: Mapped[str] = mapped_column(sa.String(200))
    division_code: Mapped[str] = mapped_column(sa.String(12))
    year: Mapped[int] = mapped_column(sa.Integer)
    found_on: Mapped[date] = mapped_column(sa.Date)
    rectify_by: Mapped[date] = mapped_column(sa.Date)
    amount_involved_fen: Mapped[int] = mapped_column(BIG, default=0)
    allocation_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("fund_allocation.id"))
    project_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("project.id"))
    status: Mapped[str] = mapped_column(sa.String(20))
    rectification: Mapped[str | None] = mapped_column(sa.Text)
    closed_on: Mapped[date | None] = mapped_column(sa.Date)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, onupdate=utc_now)
    created_by: Mapped[str] = mapped_column(sa.String(120))

    __mapper_args__ = {"version_id_col": version}
