"""Events published by tasks on ``fupin.tasks.v1`` (key = task number, or finding id)."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import ClassVar

from fupin_shared.contracts.base import Contract


class _Tasks(Contract):
    service: ClassVar[str] = "tasks"


class PlanLoaded(_Tasks):
    """A plan (the 2018–2020 action plan, or the next one) was loaded or reloaded."""

    aggregate: ClassVar[str] = "plan"
    verb: ClassVar[str] = "loaded"
    plan_id: str
    tasks: int
    units: int


class ReportChanged(_Tasks):
    """A progress report was submitted, returned for revision or accepted."""

    aggregate: ClassVar[str] = "report"
    verb: ClassVar[str] = "changed"
    report_id: uuid.UUID
    task_number: int
    unit: str
    period: str
    state: str
    progress: str
    due_on: date
    submitted_at: datetime | None = None
    on_time: bool | None = None


class ReportOverdue(_Tasks):
    """A report was not submitted by its working-day deadline."""

    aggregate: ClassVar[str] = "report"
    verb: ClassVar[str] = "overdue"
    task_number: int
    unit: str
    period: str
    due_on: date


class TargetProgressed(_Tasks):
    """A quantitative target's progress changed (fed from registry/funds events where they hold it)."""

    aggregate: ClassVar[str] = "target"
    verb: ClassVar[str] = "progressed"
    task_number: int
    target_id: str
    value: float
    target_value: float | None = None
    deadline: date | None = None
    met: bool = False


class TargetMissed(_Tasks):
    """A target's deadline passed without the target met."""

    aggregate: ClassVar[str] = "target"
    verb: ClassVar[str] = "missed"
    task_number: int
    target_id: str
    deadline: date
    value: float | None = None


class SupervisionFindingRecorded(_Tasks):
    """A supervision, inspection (督查巡查) or interview (约谈) finding with a rectification deadline."""

    aggregate: ClassVar[str] = "finding"
    verb: ClassVar[str] = "recorded"
    finding_id: uuid.UUID
    kind: str
    year: int
    severity: str
    rectify_by: date
    task_number: int | None = None
    unit: str | None = None
    division_code: str | None = None


class SupervisionFindingClosed(_Tasks):
    """A finding's rectification was accepted with evidence."""

    aggregate: ClassVar[str] = "finding"
    verb: ClassVar[str] = "closed"
    finding_id: uuid.UUID
    closed_on: date
    unit: str | None = None
    division_code: str | None = None


class SupervisionFindingOverdue(_Tasks):
    """A finding's rectification deadline passed while still open."""

    aggregate: ClassVar[str] = "finding"
    verb: ClassVar[str] = "overdue"
    finding_id: uuid.UUID
    rectify_by: date
    unit: str | None = None
    division_code: str | None = None
