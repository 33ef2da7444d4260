"""Request and response models of verification samples."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from fupin_assessment.sampling.domain import DEFAULT_STATUSES
from fupin_assessment.schemas_common import Schema


class SampleCreate(Schema):
    """Parameters of a sampling frame; below Guangdong's minimums is refused (422)."""

    year: Annotated[int, Field(ge=2014, le=2035)]
    seed: Annotated[str, Field(min_length=1, max_length=100, description="same seed + same frame = same sample")]
    counties: Annotated[int, Field(ge=1, le=20)] = 2
    towns_per_county: Annotated[int, Field(ge=1, le=50)] = 2
    villages_per_town: Annotated[int, Field(ge=1, le=50)] = 2
    households_per_village: Annotated[int, Field(ge=1, le=200)] = 10
    disabled_min: Annotated[int, Field(ge=0, le=200)] = 1
    statuses: Annotated[list[Annotated[str, Field(min_length=1, max_length=32)]], Field(max_length=10)] = list(
        DEFAULT_STATUSES)


class SampleRead(BaseModel):
    id: uuid.UUID
    year: int
    seed: str
    rule: dict
    frame_households: int
    frame_fingerprint: str
    households: int
    villages: int
    counties: list[str]
    shortfalls: list[str]
    created_by: str
    created_at: datetime


class SamplePage(BaseModel):
    items: list[SampleRead]
    next_cursor: str | None = None


class SampledHouseholdRead(BaseModel):
    seq: int
    county_code: str
    town_code: str
    village_code: str
    household_id: uuid.UUID
    status: str
    persons: int
    has_disabled: bool


class SampledHouseholdPage(BaseModel):
    items: list[SampledHouseholdRead]
    next_cursor: str | None = None
