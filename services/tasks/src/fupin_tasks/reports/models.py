"""Progress reports (季度分析、半年通报、年度报告) and the overdue notices already published."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from fupin_shared.db import JSONType, UtcDateTime, utc_now, uuid7
from sqlalchemy.orm import Mapped, mapped_column

from fupin_tasks.db import Base


class Report(Base):
    __tablename__ = "report"
    __table_args__ = (
        sa.UniqueConstraint("plan_id", "task_number", "unit", "period", name="uq_report_task_unit_period"),
        sa.Index("ix_report_division_id", "division_code", "id"),
        sa.Index("ix_report_task", "plan_id", "task_number", "id"),
        sa.Index("ix_report_state", "state", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    plan_id: Mapped[str] = mapped_column(sa.String(40), sa.ForeignKey("plan.id"))
    task_number: Mapped[int] = mapped_column(sa.Integer)
    unit: Mapped[str] = mapped_column(sa.String(80), sa.ForeignKey("unit.name"))
    role: Mapped[str] = mapped_column(sa.String(12))
    division_code: Mapped[str] = mapped_column(sa.String(12))
    period: Mapped[str] = mapped_column(sa.String(7))
    period_kind: Mapped[str] = mapped_column(sa.String(10))
    period_end: Mapped[date] = mapped_column(sa.Date)
    due_on: Mapped[date] = mapped_column(sa.Date)
    state: Mapped[str] = mapped_column(sa.String(12))
    status: Mapped[str] = mapped_column(sa.String(12))
    narrative: Mapped[str] = mapped_column(sa.Text)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSONType)
    first_submitted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    first_submitted_on: Mapped[date] = mapped_column(sa.Date)
    """Local (UTC+8) date of the first submission: what on-time and overdue are judged by."""
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    submitted_by: Mapped[str] = mapped_column(sa.String(120))
    on_time: Mapped[bool] = mapped_column(sa.Boolean)
    revisions: Mapped[int] = mapped_column(sa.Integer, default=0)
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reviewer: Mapped[str | None] = mapped_column(sa.String(120))
    review_comment: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, onupdate=utc_now)

    __mapper_args__ = {"version_id_col": version}


class ReportOverdueNotice(Base):
    """A ReportOverdue event was published for this (task, unit, period): never published twice."""

    __tablename__ = "report_overdue_notice"

    plan_id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    task_number: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    unit: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    period: Mapped[str] = mapped_column(sa.String(7), primary_key=True)
    due_on: Mapped[date] = mapped_column(sa.Date)
    detected_on: Mapped[date] = mapped_column(sa.Date)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
