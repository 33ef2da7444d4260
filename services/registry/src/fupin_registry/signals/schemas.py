"""Shapes of signals in and out."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Self

from pydantic import BaseModel, Field

from fupin_registry.signals.domain import SignalKind
from fupin_shared.auth.masking import mask_id_number


class SignalIn(BaseModel):
    model_config = {"json_schema_extra": {"examples": [
        {"kind": "medical_bill", "id_number": "441223198001011234", "occurred_on": "2026-11-20",
         "source": "市医疗保障局", "external_id": "YB-2026-000123", "detail": {"amount_fen": 3250000}},
        {"kind": "housing_safety", "id_number": "441223198001011234", "occurred_on": "2026-11-02",
         "detail": {"rating": "D"}}]}}

    kind: SignalKind
    id_number: Annotated[str, Field(min_length=18, max_length=18, description="the person's GB 11643 ID number")]
    occurred_on: date
    source: Annotated[str | None, Field(max_length=120, description="the department; the caller's unit when omitted")] = None
    external_id: Annotated[str | None, Field(max_length=120, description="the sender's own reference")] = None
    detail: dict[str, Any] = Field(default_factory=dict, description=(
        "medical_bill: amount_fen; disability_certificate: disability_grade 1–4; housing_safety: rating A–D; "
        "disaster: disaster_type; school_dropout: school (optional)"))


class SignalRead(BaseModel):
    id: uuid.UUID
    kind: str
    source: str
    external_id: str | None
    id_number: str
    occurred_on: date
    detail: dict[str, Any]
    division_code: str
    matched: bool
    matched_at: datetime | None = Field(None, description="later than received_at: matched when the person was registered")
    household_id: uuid.UUID | None
    member_id: uuid.UUID | None
    received_at: datetime

    @classmethod
    def for_viewer(cls, s: Any, unmasked: bool) -> Self:
        return cls(id=s.id, kind=s.kind, source=s.source, external_id=s.external_id,
                   id_number=s.id_number if unmasked else mask_id_number(s.id_number), occurred_on=s.occurred_on,
                   detail=s.detail, division_code=s.division_code, matched=s.matched, matched_at=s.matched_at, household_id=s.household_id,
                   member_id=s.member_id, received_at=s.received_at)


class SignalPage(BaseModel):
    items: list[SignalRead]
    next_cursor: str | None = None


class KindCounts(BaseModel):
    matched: int
    unmatched: int
    rematched: int = Field(description="matched after arrival, when the person was registered")


class SignalReport(BaseModel):
    model_config = {"json_schema_extra": {"examples": [{
        "division": "441223000000", "matched": 41, "unmatched": 3, "rematched": 2,
        "oldest_unmatched_received_at": "2026-11-03T02:15:00Z",
        "by_kind": {"medical_bill": {"matched": 20, "unmatched": 1, "rematched": 1}}}]}}

    division: str
    matched: int
    unmatched: int
    rematched: int
    oldest_unmatched_received_at: datetime | None
    by_kind: dict[str, KindCounts]
