"""Supervision findings (督查、巡查、约谈、投诉) with their rectification deadlines and evidence."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from fupin_shared.db import JSONType, UtcDateTime, utc_now, uuid7
from sqlalchemy.orm import Mapped, mapped_column

from fupin_tasks.db import Base


class Finding(Base):
    __tablename__ = "supervision_finding"
    __table_args__ = (
        sa.Index("ix_supervision_finding_division_id", "division_code", "id"),
        sa.Index("ix_supervision_finding_state", "state", "rectify_by"),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    kind: Mapped[str] = mapped_column(sa.String(20))
    year: Mapped[int] = mapped_column(sa.Integer)
    severity: Mapped[str] = mapped_column(sa.String(12))
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text)
    plan_id: Mapped[str | None] = mapped_column(sa.String(40))
    task_number: Mapped[int | None] = mapped_column(sa.Integer)
    unit: Mapped[str | None] = mapped_column(sa.String(80))
    division_code: Mapped[str] = mapped_column(sa.String(12))
    found_on: Mapped[date] = mapped_column(sa.Date)
    rectify_by: Mapped[date] = mapped_column(sa.Date)
    state: Mapped[str] = mapped_column(sa.String(20))
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    closed_on: Mapped[date | None] = mapped_column(sa.Date)
    closure_comment: Mapped[str | None] = mapped_column(sa.Text)
    overdue_notified_on: Mapped[date | None] = mapped_column(sa.Date)
    recorded_by: Mapped[str] = mapped_column(sa.String(120))
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, onupdate=utc_now)

    __mapper_args__ = {"version_id_col": version}
