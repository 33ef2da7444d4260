"""Events published by tasks on ``fupin.tasks.v1`` (key = task number, or finding id).

Key: the plan id for ``PlanLoaded``; the task number for report, work-plan and target events (a plan
goal with no task of its own, e.g. G04 "111 villages exited", is keyed by its target id and carries
``task_number = 0``); the finding id for supervision events. Fields after the first block of each
class were added later and are optional for old events, but the tasks service always fills them.
"""
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
    targets: int | None = None
    title: str | None = None
    document_number: str | None = None
    period_start: int | None = None
    period_end: int | None = None
    change: str | None = None
    """``created`` (first load) or ``updated`` (a corrected version of the same plan)."""
    version: int | None = None


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
    plan_id: str | None = None
    period_kind: str | None = None
    """``quarterly`` | ``half_year`` | ``annual``."""
    role: str | None = None
    """The unit's role on the task: ``lead`` | ``participant``."""
    division_code: str | None = None
    reviewed_at: datetime | None = None
    reviewer: str | None = None
    version: int | None = None
    metrics: dict[str, float | bool | str] | None = None


class ReportOverdue(_Tasks):
    """A report was not submitted by its working-day deadline."""

    aggregate: ClassVar[str] = "report"
    verb: ClassVar[str] = "overdue"
    task_number: int
    unit: str
    period: str
    due_on: date
    plan_id: str | None = None
    period_kind: str | None = None
    role: str | None = None
    division_code: str | None = None
    detected_on: date | None = None
    working_days_overdue: int | None = None


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
    plan_id: str | None = None
    metric: str | None = None
    unit: str | None = None
    """The target's unit of measure (``%``, ``个村`` …)."""
    comparator: str | None = None
    source: str | None = None
    """Where the figure came from: ``registry`` or ``funds`` (fed from their events) or ``report``."""
    as_of: datetime | None = None
    related_tasks: list[int] | None = None


class TargetMissed(_Tasks):
    """A target's deadline passed without the target met."""

    aggregate: ClassVar[str] = "target"
    verb: ClassVar[str] = "missed"
    task_number: int
    target_id: str
    deadline: date
    value: float | None = None
    plan_id: str | None = None
    target_value: float | None = None
    metric: str | None = None
    detected_on: date | None = None
    lead_units: list[str] | None = None


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
    title: str | None = None
    found_on: date | None = None
    state: str | None = None


class SupervisionFindingClosed(_Tasks):
    """A finding's rectification was accepted with evidence."""

    aggregate: ClassVar[str] = "finding"
    verb: ClassVar[str] = "closed"
    finding_id: uuid.UUID
    closed_on: date
    unit: str | None = None
    division_code: str | None = None
    kind: str | None = None
    task_number: int | None = None
    rectify_by: date | None = None
    on_time: bool | None = None


class SupervisionFindingOverdue(_Tasks):
    """A finding's rectification deadline passed while still open."""

    aggregate: ClassVar[str] = "finding"
    verb: ClassVar[str] = "overdue"
    finding_id: uuid.UUID
    rectify_by: date
    unit: str | None = None
    division_code: str | None = None
    kind: str | None = None
    task_number: int | None = None
    detected_on: date | None = None


class SupervisionFindingChanged(_Tasks):
    """A finding moved between recorded and closed: rectification evidence submitted, or rejected."""

    aggregate: ClassVar[str] = "finding"
    verb: ClassVar[str] = "changed"
    finding_id: uuid.UUID
    state: str
    step: str
    """``evidence_submitted`` | ``evidence_rejected``."""
    rectify_by: date
    unit: str | None = None
    division_code: str | None = None
    task_number: int | None = None


class WorkPlanChanged(_Tasks):
    """A unit's yearly work plan for a task (分解到年、落实到人) was filed or revised."""

    aggregate: ClassVar[str] = "work_plan"
    verb: ClassVar[str] = "changed"
    work_plan_id: uuid.UUID
    plan_id: str
    task_number: int
    unit: str
    role: str
    year: int
    milestones: int
    milestones_done: int
    version: int
    division_code: str | None = None
