"""Request and response models of supervision findings."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

from fupin_tasks.schemas import DivisionCode, Schema, UnitName
from fupin_tasks.supervision.domain import FindingKind, Severity
from fupin_tasks.supervision.models import Finding


class FindingCreate(Schema):
    kind: FindingKind = Field(description="supervision 督查 | inspection 巡查 | interview 约谈 | complaint 监督投诉")
    severity: Severity = Severity.MINOR
    title: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    description: Annotated[str, StringConstraints(max_length=10000)] = ""
    found_on: date
    rectify_by: date = Field(description="Rectification deadline (整改时限)")
    year: Annotated[int | None, Field(ge=2000, le=2100)] = Field(
        default=None, description="Assessment year the finding counts in (default: the year of found_on)")
    task_number: Annotated[int | None, Field(ge=1)] = None
    unit: UnitName | None = Field(default=None, description="The responsible unit, if a unit of the matrix")
    division_code: DivisionCode | None = Field(default=None, description="Where the problem was found "
                                               "(default: the unit's division, or the city)")


class DocumentRef(Schema):
    title: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    reference: Annotated[str, StringConstraints(max_length=500)] = ""


class EvidenceSubmit(Schema):
    description: Annotated[str, StringConstraints(min_length=1, max_length=10000)]
    rectified_on: date
    documents: Annotated[list[DocumentRef], Field(max_length=20)] = []


class FindingClose(Schema):
    closed_on: date | None = Field(default=None, description="Default: today")
    comment: Annotated[str | None, StringConstraints(max_length=2000)] = None


class EvidenceReject(Schema):
    comment: Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class FindingRead(BaseModel):
    id: uuid.UUID
    kind: str
    year: int
    severity: str
    title: str
    description: str
    plan_id: str | None
    task_number: int | None
    unit: str | None
    division_code: str
    found_on: date
    rectify_by: date
    state: str
    overdue: bool
    evidence: list[dict[str, Any]]
    closed_on: date | None
    closure_comment: str | None
    recorded_by: str
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, f: Finding, *, overdue: bool) -> FindingRead:
        return cls(id=f.id, kind=f.kind, year=f.year, severity=f.severity, title=f.title, description=f.description,
                   plan_id=f.plan_id, task_number=f.task_number, unit=f.unit, division_code=f.division_code,
                   found_on=f.found_on, rectify_by=f.rectify_by, state=f.state, overdue=overdue,
                   evidence=list(f.evidence or []), closed_on=f.closed_on, closure_comment=f.closure_comment,
                   recorded_by=f.recorded_by, version=f.version, created_at=f.created_at, updated_at=f.updated_at)


class FindingPage(BaseModel):
    items: list[FindingRead]
    next_cursor: str | None = None
