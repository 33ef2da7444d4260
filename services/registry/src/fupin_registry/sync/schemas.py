"""Shapes of the mobile sync and the batched upload."""
from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import BaseModel, Field

from fupin_registry.households.schemas import HouseholdRead
from fupin_registry.records.schemas import MeasureRead


class SyncHousehold(HouseholdRead):
    measures: list[MeasureRead] = []


class HouseholdDelta(BaseModel):
    """Changes since the cursor: current state of changed households (members and measures inside),
    and ids of households removed (清退) since — drop them from the device."""

    items: list[SyncHousehold]
    removed: list[uuid.UUID]
    next_cursor: str
    has_more: bool


class BatchItem(BaseModel):
    operation: Literal["register_household", "amend_household", "add_member", "amend_member", "member_leaves",
                       "record_measure"]
    target: uuid.UUID | None = Field(None, description="household id (and member via member_id) the change is on")
    member_id: uuid.UUID | None = None
    if_match: str | None = Field(None, description='the ETag read on the device, e.g. "v3" (versioned changes)')
    idempotency_key: str = Field(min_length=1, max_length=200)
    body: dict[str, Any]


class BatchIn(BaseModel):
    items: list[BatchItem] = Field(min_length=1, max_length=200)


class BatchResult(BaseModel):
    index: int
    idempotency_key: str
    result: Literal["applied", "conflict", "refused"]
    status: int
    etag: str | None = None
    current_version: int | None = None
    resource: dict[str, Any] | None = None
    problem: dict[str, Any] | None = None


class BatchOut(BaseModel):
    applied: int
    conflicts: int
    refused: int
    results: list[BatchResult]
