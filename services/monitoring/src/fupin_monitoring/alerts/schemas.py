"""Request and response models of alerts."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field

from fupin_monitoring.alerts.domain import default_rules, is_overdue


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class AssignRequest(Schema):
    assignee: Annotated[str, Field(min_length=1, max_length=120)]
    note: Annotated[str | None, Field(max_length=500)] = None


class ResolveRequest(Schema):
    resolution: Annotated[str, Field(min_length=1, max_length=500, description="What was done (核实处置结果)")]
    note: Annotated[str | None, Field(max_length=500)] = None


class AlertRead(BaseModel):
    id: uuid.UUID
    kind: str
    label_zh: str
    label_en: str
    state: str
    overdue: bool
    """Still active after its working-day deadline."""
    division_code: str
    year: int | None
    household_id: uuid.UUID | None
    member_id: uuid.UUID | None
    unit: str | None
    detail: dict[str, Any]
    raised_on: date
    due_on: date | None
    assignee: str | None
    resolution: str | None
    note: str | None
    version: int
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None

    @classmethod
    def of(cls, row: dict[str, Any], today: date) -> Self:
        rule = default_rules().kinds.get(row["kind"])
        return cls(**{k: row[k] for k in cls.model_fields if k in row},
                   label_zh=rule.label_zh if rule else row["kind"], label_en=rule.label_en if rule else row["kind"],
                   overdue=is_overdue(row["state"], row["due_on"], today))


class AlertPage(BaseModel):
    items: list[AlertRead]
    next_cursor: str | None = None


class AlertKindRead(BaseModel):
    kind: str
    label_zh: str
    label_en: str
    due_working_days: int


class AlertHistoryEntry(BaseModel):
    id: uuid.UUID
    type: str
    time: datetime
    sequence: int | None
    actor: str | None
    data: dict[str, Any]
