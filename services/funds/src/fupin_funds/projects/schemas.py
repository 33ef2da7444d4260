"""Request and response models of the project library."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Self

from pydantic import BaseModel, Field, model_validator

from fupin_funds.codes import ProjectCategory
from fupin_funds.common import DivisionCode, Fen, LongText, Schema, ShortText, Year
from fupin_funds.projects.domain import Direction, ProjectStatus, summarise, target_met
from fupin_funds.projects.models import PerformanceTarget, Project

PlanTask = Annotated[int, Field(ge=1, le=32, description="Number of the plan task the project serves (1–32)")]
Indicator = Annotated[Decimal, Field(ge=-(10**12), le=10**12, max_digits=18, decimal_places=4)]




class TargetCreate(Schema):
    kind: Annotated[str, Field(pattern=r"^(output|benefit|satisfaction|cost|timeliness)$")]
    indicator: ShortText
    unit: Annotated[str, Field(min_length=1, max_length=40)]
    direction: Direction = Direction.AT_LEAST
    target_value: Indicator


class ResultRecord(Schema):
    actual_value: Indicator
    measured_on: date
    note: LongText | None = None


class ProjectCreate(Schema):
    """A project entering the county project library (储备)."""

    name: ShortText
    village_code: DivisionCode
    category: ProjectCategory
    content: LongText
    budget_fen: Fen
    year: Year
    location: ShortText | None = None
    responsible_unit: ShortText
    plan_task: PlanTask | None = None
    beneficiary_household_ids: Annotated[list[uuid.UUID], Field(max_length=5000)] = []
    targets: Annotated[list[TargetCreate], Field(max_length=50)] = []

    @model_validator(mode="after")
    def _unique_households(self) -> Self:
        if len(set(self.beneficiary_household_ids)) != len(self.beneficiary_household_ids):
            raise ValueError("beneficiary_household_ids lists a household twice")
        return self


class ProjectUpdate(Schema):
    name: ShortText | None = None
    category: ProjectCategory | None = None
    content: LongText | None = None
    budget_fen: Fen | None = None
    location: ShortText | None = None
    responsible_unit: ShortText | None = None
    plan_task: PlanTask | None = None


class TransitionRequest(Schema):
    to: ProjectStatus
    on: date | None = None
    note: LongText | None = None


class BeneficiariesUpdate(Schema):
    household_ids: Annotated[list[uuid.UUID], Field(max_length=5000)]

    @model_validator(mode="after")
    def _unique(self) -> Self:
        if len(set(self.household_ids)) != len(self.household_ids):
            raise ValueError("household_ids lists a household twice")
        return self


class TargetRead(BaseModel):
    id: uuid.UUID
    kind: str
    indicator: str
    unit: str
    direction: str
    target_value: Decimal
    actual_value: Decimal | None
    measured_on: date | None
    note: str | None
    met: bool | None

    @classmethod
    def of(cls, t: PerformanceTarget) -> Self:
        return cls(id=t.id, kind=t.kind, indicator=t.indicator, unit=t.unit, direction=t.direction,
                   target_value=t.target_value, actual_value=t.actual_value, measured_on=t.measured_on, note=t.note,
                   met=target_met(t.direction, t.target_value, t.actual_value))


class PerformanceRead(BaseModel):
    targets: int
    measured: int
    met: int
    rate: float | None


class ProjectRead(BaseModel):
    id: uuid.UUID
    name: str
    village_code: str
    provincial_poor_village: bool | None
    category: str
    content: str
    location: str | None
    responsible_unit: str
    plan_task: int | None
    year: int
    budget_fen: int
    funded_fen: int
    disbursed_fen: int
    progress_pct: int
    status: str
    status_changed_on: date | None
    beneficiary_household_ids: list[uuid.UUID]
    targets: list[TargetRead]
    performance: PerformanceRead
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, p: Project, *, beneficiaries: list[uuid.UUID], targets: list[PerformanceTarget],
           poor_village: bool | None) -> Self:
        summary = summarise([(t.direction, t.target_value, t.actual_value) for t in targets])
        return cls(id=p.id, name=p.name, village_code=p.village_code, provincial_poor_village=poor_village,
                   category=p.category, content=p.content, location=p.location, responsible_unit=p.responsible_unit,
                   plan_task=p.plan_task, year=p.year, budget_fen=p.budget_fen, funded_fen=p.funded_fen,
                   disbursed_fen=p.disbursed_fen, progress_pct=p.progress_pct, status=p.status,
                   status_changed_on=p.status_changed_on, beneficiary_household_ids=beneficiaries,
                   targets=[TargetRead.of(t) for t in targets],
                   performance=PerformanceRead(targets=summary.targets, measured=summary.measured, met=summary.met,
                                               rate=summary.rate),
                   version=p.version, created_at=p.created_at, updated_at=p.updated_at)


class ProjectPage(BaseModel):
    items: list[ProjectRead]
    next_cursor: str | None = None


class PerformanceLine(BaseModel):
    project_id: uuid.UUID
    name: str
    village_code: str
    status: str
    targets: int
    measured: int
    met: int
    rate: float | None


class PerformanceReport(BaseModel):
    division: str
    year: int | None
    projects: int
    targets: int
    measured: int
    met: int
    rate: float | None
    lines: list[PerformanceLine]
