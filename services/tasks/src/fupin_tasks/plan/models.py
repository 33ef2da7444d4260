"""Tables of the plan: plans, units, tasks and the responsibility matrix (task_unit)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from fupin_shared.db import JSONType, UtcDateTime, utc_now
from sqlalchemy.orm import Mapped, mapped_column

from fupin_tasks.db import Base


class Plan(Base):
    __tablename__ = "plan"

    id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    document_number: Mapped[str] = mapped_column(sa.String(80))
    issued_on: Mapped[date | None] = mapped_column(sa.Date)
    period_start: Mapped[int] = mapped_column(sa.Integer)
    period_end: Mapped[int] = mapped_column(sa.Integer)
    lead_unit_rule: Mapped[str] = mapped_column(sa.String(300))
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    document: Mapped[dict[str, Any]] = mapped_column(JSONType)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    loaded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)


class Unit(Base):
    __tablename__ = "unit"

    name: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    division_code: Mapped[str] = mapped_column(sa.String(12))
    collective: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)


class Task(Base):
    __tablename__ = "task"

    plan_id: Mapped[str] = mapped_column(sa.String(40), sa.ForeignKey("plan.id"), primary_key=True)
    number: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    section: Mapped[str] = mapped_column(sa.String(8))
    section_title: Mapped[str] = mapped_column(sa.String(100))
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    units_text: Mapped[str] = mapped_column(sa.Text)
    deadlines: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    target_ids: Mapped[list[str]] = mapped_column(JSONType)
    notes: Mapped[list[str]] = mapped_column(JSONType)


class TaskUnit(Base):
    """One cell of the responsibility matrix: a unit's role on a task."""

    __tablename__ = "task_unit"
    __table_args__ = (sa.Index("ix_task_unit_unit", "unit", "plan_id"),)

    plan_id: Mapped[str] = mapped_column(sa.String(40), sa.ForeignKey("plan.id"), primary_key=True)
    task_number: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    unit: Mapped[str] = mapped_column(sa.String(80), sa.ForeignKey("unit.name"), primary_key=True)
    role: Mapped[str] = mapped_column(sa.String(12))
    position: Mapped[int] = mapped_column(sa.Integer)
