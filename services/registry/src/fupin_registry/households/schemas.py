"""Request and response models for households."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from fupin_registry.households.models import Household
from fupin_shared.auth import mask_id_number, mask_name
from fupin_shared.auth.principal import Principal

DivisionCode = Annotated[str, StringConstraints(pattern=r"^\d{12}$")]


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class HeadIn(Schema):
    name: Annotated[str, Field(min_length=1, max_length=60)]
    id_number: Annotated[str, StringConstraints(pattern=r"^\d{17}[\dXx]$")]


class HouseholdCreate(Schema):
    village_code: DivisionCode
    head: HeadIn
    persons: Annotated[int, Field(ge=1, le=30)] = 1
    labour_type: Annotated[str | None, Field(max_length=40)] = None
    poverty_causes: list[Annotated[str, Field(max_length=40)]] = []
    assisting_cadre: Annotated[str | None, Field(max_length=60)] = None


class HouseholdUpdate(Schema):
    persons: Annotated[int | None, Field(ge=1, le=30)] = None
    labour_type: Annotated[str | None, Field(max_length=40)] = None
    poverty_causes: list[Annotated[str, Field(max_length=40)]] | None = None
    assisting_cadre: Annotated[str | None, Field(max_length=60)] = None


class HeadRead(BaseModel):
    name: str
    id_number: str


class HouseholdRead(BaseModel):
    id: uuid.UUID
    village_code: str
    status: str
    head: HeadRead
    persons: int
    labour_type: str | None
    poverty_causes: list[str]
    assisting_cadre: str | None
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def for_viewer(cls, h: Household, viewer: Principal) -> Self:
        """Mask personal data unless the viewer holds pii:read."""
        unmasked = viewer.may_read_pii
        return cls(id=h.id, village_code=h.village_code, status=h.status,
                   head=HeadRead(name=h.head_name if unmasked else mask_name(h.head_name),
                                 id_number=h.head_id_number if unmasked else mask_id_number(h.head_id_number)),
                   persons=h.persons, labour_type=h.labour_type, poverty_causes=list(h.poverty_causes or []),
                   assisting_cadre=h.assisting_cadre, version=h.version, created_at=h.created_at,
                   updated_at=h.updated_at)


class HouseholdPage(BaseModel):
    items: list[HouseholdRead]
    next_cursor: str | None = None


class HistoryEntry(BaseModel):
    id: uuid.UUID
    type: str
    time: datetime
    sequence: int | None
    actor: str | None
    data: dict
