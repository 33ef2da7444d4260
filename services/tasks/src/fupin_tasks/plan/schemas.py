"""Request and response models of plans, units, tasks and the matrix."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from fupin_tasks.plan.domain import UNIT_KINDS
from fupin_tasks.plan.models import Plan, Task, TaskUnit, Unit
from fupin_tasks.schemas import Schema
from fupin_tasks.targets.models import Target
from fupin_tasks.targets.schemas import TargetRead


class PlanLoad(Schema):
    """A plan document of plan.json's shape and, optionally, its units list (units.json's shape)."""

    plan: dict[str, Any]
    units: list[dict[str, Any]] | None = None


class PlanRead(BaseModel):
    id: str
    title: str
    document_number: str
    issued_on: date | None
    period_start: int
    period_end: int
    lead_unit_rule: str
    version: int
    loaded_at: datetime
    current: bool

    @classmethod
    def of(cls, p: Plan, current: bool) -> PlanRead:
        return cls(id=p.id, title=p.title, document_number=p.document_number, issued_on=p.issued_on,
                   period_start=p.period_start, period_end=p.period_end, lead_unit_rule=p.lead_unit_rule,
                   version=p.version, loaded_at=p.loaded_at, current=current)


class PlanPage(BaseModel):
    items: list[PlanRead]
    next_cursor: str | None = None


class PlanLoadResult(BaseModel):
    plan_id: str
    change: str
    tasks: int
    units: int
    targets: int
    version: int


class UnitRead(BaseModel):
    name: str
    kind: str
    kind_label_zh: str
    kind_label_en: str
    division_code: str
    collective: bool
    """A name standing for many bodies (各级党委和政府 …): it reports through its members."""
    lead_of: list[int]
    participates_in: list[int]

    @classmethod
    def of(cls, u: Unit, cells: list[TaskUnit]) -> UnitRead:
        zh, en = UNIT_KINDS.get(u.kind, (u.kind, u.kind))
        return cls(name=u.name, kind=u.kind, kind_label_zh=zh, kind_label_en=en, division_code=u.division_code,
                   collective=u.collective, lead_of=sorted(c.task_number for c in cells if c.role == "lead"),
                   participates_in=sorted(c.task_number for c in cells if c.role == "participant"))


class UnitPage(BaseModel):
    items: list[UnitRead]
    next_cursor: str | None = None


class DeadlineRead(BaseModel):
    date: date | None
    text: str


class TaskRead(BaseModel):
    plan_id: str
    number: int
    section: str
    section_title: str
    title: str
    body: str
    lead_units: list[str] = Field(description="The first listed unit(s): the lead (牵头单位)")
    participating_units: list[str]
    units_text: str
    deadlines: list[DeadlineRead]
    targets: list[TargetRead]
    related_goals: list[TargetRead] = Field(description="Plan goals (一(二)) this task contributes to")
    notes: list[str]

    @classmethod
    def of(cls, t: Task, cells: list[TaskUnit], targets: list[Target]) -> TaskRead:
        ordered = sorted(cells, key=lambda c: c.position)
        own = {tid: i for i, tid in enumerate(t.target_ids or [])}
        return cls(plan_id=t.plan_id, number=t.number, section=t.section, section_title=t.section_title,
                   title=t.title, body=t.body, lead_units=[c.unit for c in ordered if c.role == "lead"],
                   participating_units=[c.unit for c in ordered if c.role == "participant"],
                   units_text=t.units_text, deadlines=[DeadlineRead(**d) for d in t.deadlines or []],
                   targets=[TargetRead.of(x) for x in sorted((x for x in targets if x.id in own),
                                                             key=lambda x: own[x.id])],
                   related_goals=[TargetRead.of(x) for x in targets
                                  if x.id not in own and t.number in (x.related_tasks or [])],
                   notes=list(t.notes or []))


class TaskPage(BaseModel):
    items: list[TaskRead]
    next_cursor: str | None = None


class TaskBrief(BaseModel):
    number: int
    section: str
    title: str
    deadlines: list[DeadlineRead] = []


class UnitBrief(BaseModel):
    name: str
    kind: str
    collective: bool


class MatrixRow(BaseModel):
    unit: str
    kind: str
    collective: bool
    cells: dict[str, str] = Field(description="task number -> lead | participant")


class MatrixGrid(BaseModel):
    plan_id: str
    lead_unit_rule: str
    tasks: list[TaskBrief]
    rows: list[MatrixRow]


class UnitResponsibilities(BaseModel):
    plan_id: str
    unit: str
    kind: str
    division_code: str
    collective: bool
    lead: list[TaskBrief]
    participant: list[TaskBrief]


class TaskResponsibilities(BaseModel):
    plan_id: str
    number: int
    title: str
    lead_units: list[UnitBrief]
    participating_units: list[UnitBrief]
