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
    and ids of households removed (清退) or moved to a village outside the division since — drop them
    from the device."""

    model_config = {"json_schema_extra": {"examples": [{
        "items": [{"id": "0193a0c2-7d3e-7c4b-9a51-2f0e8d1c6b10", "village_code": "441223101200",
                   "status": "identified", "version": 4, "head": {"name": "黄**", "id_number": "4412**********1234"},
                   "members": [], "measures": [{"type": "industry", "amount_fen": 50000, "date": "2026-11-20"}]}],
        "removed": ["0193a0c2-7d3e-7c4b-9a51-2f0e8d1c6b99"],
        "next_cursor": "eyJrIjpbMTI4LDEyOF0sImYiOiIuLi4ifQ", "has_more": False}]}}

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
    model_config = {"json_schema_extra": {"examples": [{"items": [
        {"operation": "amend_household", "target": "0193a0c2-7d3e-7c4b-9a51-2f0e8d1c6b10", "if_match": '"v3"',
         "idempotency_key": "device-7f3a:42", "body": {"address": "新村3号"}},
        {"operation": "record_measure", "target": "0193a0c2-7d3e-7c4b-9a51-2f0e8d1c6b10",
         "idempotency_key": "device-7f3a:43", "body": {"type": "industry", "amount_fen": 50000, "date": "2026-11-20"}},
        {"operation": "member_leaves", "target": "0193a0c2-7d3e-7c4b-9a51-2f0e8d1c6b10",
         "member_id": "0193a0c2-7d3e-7c4b-9a51-2f0e8d1c6b11", "if_match": '"v1"',
         "idempotency_key": "device-7f3a:44", "body": {"reason": "death", "on": "2026-11-18"}}]}]}}

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
    model_config = {"json_schema_extra": {"examples": [{
        "applied": 1, "conflicts": 1, "refused": 1, "results": [
            {"index": 0, "idempotency_key": "device-7f3a:42", "result": "conflict", "status": 412,
             "current_version": 4, "etag": '"v4"', "problem": {
                 "type": "https://fupin.zhaoqing.gov.cn/problems/stale-version", "title": "The resource changed since you read it",
                 "status": 412, "detail": "Expected version 3, the resource is at version 4."}},
            {"index": 1, "idempotency_key": "device-7f3a:43", "result": "applied", "status": 200, "etag": '"v1"',
             "resource": {"id": "0193a0c2-8a11-7d2e-b1c4-55aa00ee0c01", "type": "industry", "amount_fen": 50000}},
            {"index": 2, "idempotency_key": "device-7f3a:44", "result": "refused", "status": 422, "problem": {
                "type": "https://fupin.zhaoqing.gov.cn/problems/validation-error", "title": "The request is not valid",
                "status": 422, "errors": [{"pointer": "#/reason", "detail": "unknown reason"}]}}]}]}}

    applied: int
    conflicts: int
    refused: int
    results: list[BatchResult]
