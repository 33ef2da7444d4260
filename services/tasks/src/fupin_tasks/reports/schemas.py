"""Request and response models of progress reports."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from fupin_tasks.reports.domain import ReportStatus
from fupin_tasks.reports.models import Report
from fupin_tasks.schedule.domain import Period
from fupin_tasks.schemas import PeriodCode, Schema, UnitName

MetricKey = Annotated[str, StringConstraints(min_length=1, max_length=60)]
MetricValue = bool | int | float | Annotated[str, StringConstraints(max_length=500)]
Metrics = Annotated[dict[MetricKey, MetricValue], Field(max_length=50)]


class ReportSubmit(Schema):
    """A progress report; ``unit`` defaults to the token's unit. ``metrics`` are figures of the
    period (``{"households_helped": 1520, "T01-1": 96.5}``); a figure keyed by one of the task's
    target ids becomes that target's progress once the report is accepted."""

    unit: UnitName | None = None
    period: PeriodCode = Field(description="2019Q3 (quarterly analysis), 2019H1 (half-year bulletin), 2019 (annual)")
    status: ReportStatus
    narrative: Annotated[str, StringConstraints(min_length=1, max_length=20000)]
    metrics: Metrics = {}


class ReportRevise(Schema):
    status: ReportStatus
    narrative: Annotated[str, StringConstraints(min_length=1, max_length=20000)]
    metrics: Metrics = {}


class ReportAccept(Schema):
    comment: Annotated[str | None, StringConstraints(max_length=2000)] = None


class ReportReturn(Schema):
    comment: Annotated[str, StringConstraints(min_length=1, max_length=2000)] = Field(
        description="What to revise (required when returning a report)")


class ReportRead(BaseModel):
    id: uuid.UUID
    plan_id: str
    task_number: int
    unit: str
    role: str
    division_code: str
    period: str
    period_kind: str
    period_label_zh: str
    due_on: date
    state: str
    status: str
    narrative: str
    metrics: dict[str, MetricValue]
    first_submitted_at: datetime
    submitted_at: datetime
    submitted_by: str
    on_time: bool
    revisions: int
    reviewed_at: datetime | None
    reviewer: str | None
    review_comment: str | None
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, r: Report) -> ReportRead:
        return cls(id=r.id, plan_id=r.plan_id, task_number=r.task_number, unit=r.unit, role=r.role,
                   division_code=r.division_code, period=r.period, period_kind=r.period_kind,
                   period_label_zh=Period.parse(r.period).label_zh, due_on=r.due_on, state=r.state, status=r.status,
                   narrative=r.narrative, metrics=dict(r.metrics or {}), first_submitted_at=r.first_submitted_at,
                   submitted_at=r.submitted_at, submitted_by=r.submitted_by, on_time=r.on_time,
                   revisions=r.revisions, reviewed_at=r.reviewed_at, reviewer=r.reviewer,
                   review_comment=r.review_comment, version=r.version, created_at=r.created_at,
                   updated_at=r.updated_at)


class ReportPage(BaseModel):
    items: list[ReportRead]
    next_cursor: str | None = None
