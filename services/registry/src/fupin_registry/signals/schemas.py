"""Shapes of signals in and out."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Self

from pydantic import BaseModel, Field

from fupin_registry.signals.domain import SignalKind
from fupin_shared.auth.masking import mask_id_number


class SignalIn(BaseModel):
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
    household_id: uuid.UUID | None
    member_id: uuid.UUID | None
    received_at: datetime

    @classmethod
    def for_viewer(cls, s: Any, unmasked: bool) -> Self:
        return cls(id=s.id, kind=s.kind, source=s.source, external_id=s.external_id,
                   id_number=s.id_number if unmasked else mask_id_number(s.id_number), occurred_on=s.occurred_on,
                   detail=s.detail, division_code=s.division_code, matched=s.matched, household_id=s.household_id,
                   member_id=s.member_id, received_at=s.received_at)


class SignalPage(BaseModel):
    items: list[SignalRead]
    next_cursor: str | None = None
