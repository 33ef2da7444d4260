"""Work plans: a unit's yearly milestones for a task, each with an owner (分解到年、落实到人)."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from fupin_shared.db import JSONType, UtcDateTime, utc_now, uuid7
from sqlalchemy.orm import Mapped, mapped_column

from fupin_tasks.db import Base


class WorkPlan(Base):
    __tablename__ = "work_plan"
    __table_args__ = (
        sa.UniqueConstraint("plan_id", "task_number", "unit", "year", name="uq_work_plan_task_unit_year"),
        sa.Index("ix_work_plan_task", "plan_id", "task_number", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    plan_id: Mapped[str] = mapped_column(sa.String(40), sa.ForeignKey("plan.id"))
    task_number: Mapped[int] = mapped_column(sa.Integer)
    unit: Mapped[str] = mapped_column(sa.String(80), sa.ForeignKey("unit.name"))
    role: Mapped[str] = mapped_column(sa.String(12))
    division_code: Mapped[str] = mapped_column(sa.String(12))
    year: Mapped[int] = mapped_column(sa.Integer)
    summary: Mapped[str] = mapped_column(sa.Text)
    milestones: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    created_by: Mapped[str] = mapped_column(sa.String(120))
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, onupdate=utc_now)

    __mapper_args__ = {"version_id_col": version}
