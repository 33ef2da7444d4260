from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel


class SnapshotRead(BaseModel):
    snapshot_id: uuid.UUID
    year: int
    frozen_at: datetime
    received_at: datetime
    event_id: uuid.UUID
    subjects: int
    metrics: dict[str, dict[str, float | None]] | None = None


class SnapshotPage(BaseModel):
    items: list[SnapshotRead]
    next_cursor: str | None = None


class FindingRead(BaseModel):
    finding_id: uuid.UUID
    origin: str
    kind: str
    year: int
    severity: str
    summary: str
    unit: str | None
    division_code: str | None
    rectify_by: date | None
    closed_on: date | None
    overdue: bool


class FindingPage(BaseModel):
    items: list[FindingRead]
    next_cursor: str | None = None
