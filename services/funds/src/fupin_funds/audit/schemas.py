"""Request and response models of audit findings."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Self

from pydantic import BaseModel, Field, model_validator

from fupin_funds.audit.domain import overdue
from fupin_funds.audit.models import AuditFinding
from fupin_funds.common import FenOrZero, LongText, Schema, ShortText, today


class FindingCreate(Schema):
    kind: Annotated[str, Field(pattern=r"^(audit|spot_check|inspection|complaint)$")]
    severity: Annotated[str, Field(pattern=r"^(minor|major|serious)$")]
    category: Annotated[str, Field(pattern=r"^(misappropriation|false_claim|idle_funds|out_of_scope|"
                                           r"disclosure_missing|procedure|performance|other)$")]
    summary: Annotated[str, Field(min_length=1, max_length=500)]
    detail: LongText | None = None
    auditor: ShortText
    found_on: date
    rectify_by: date
    amount_involved_fen: FenOrZero = 0
    allocation_id: uuid.UUID | None = None
    project_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def _linked(self) -> Self:
        if self.allocation_id is None and self.project_id is None:
            raise ValueError("link the finding to an allocation_id or a project_id")
        return self


class ClosureCreate(Schema):
    rectification: LongText
    closed_on: date | None = None


class FindingRead(BaseModel):
    id: uuid.UUID
    kind: str
    severity: str
    category: str
    summary: str
    detail: str | None
    auditor: str
    division_code: str
    year: int
    found_on: date
    rectify_by: date
    amount_involved_fen: int
    allocation_id: uuid.UUID | None
    project_id: uuid.UUID | None
    status: str
    overdue: bool
    rectification: str | None
    closed_on: date | None
    version: int
    created_at: datetime

    @classmethod
    def of(cls, f: AuditFinding) -> Self:
        return cls(id=f.id, kind=f.kind, severity=f.severity, category=f.category, summary=f.summary, detail=f.detail,
                   auditor=f.auditor, division_code=f.division_code, year=f.year, found_on=f.found_on,
                   rectify_by=f.rectify_by, amount_involved_fen=f.amount_involved_fen, allocation_id=f.allocation_id,
                   project_id=f.project_id, status=f.status,
                   overdue=overdue(status=f.status, rectify_by=f.rectify_by, today=today()),
                   rectification=f.rectification, closed_on=f.closed_on, version=f.version, created_at=f.created_at)


class FindingPage(BaseModel):
    items: list[FindingRead]
    next_cursor: str | None = None
