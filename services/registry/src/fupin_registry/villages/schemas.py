"""Request and response models of villages: yearly records and the exit check."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from fupin_registry.divisions.schemas import NaturalVillageRead
from fupin_registry.schemas import Failed, Fen, Schema, Year
from fupin_registry.villages.models import VillageRecord


class VillageRecordIn(Schema):
    collective_income_fen: Fen
    """村集体经济收入"""
    per_capita_income_fen: Fen
    """Village per-capita disposable income (村年人均可支配收入)."""
    hardened_roads: Annotated[list[Annotated[str, Field(max_length=16)]], Field(max_length=200)] = []
    """Natural villages (ids) whose road is hardened."""
    clean_village: bool
    """The clean-village standard (整洁村) is met."""
    drinking_water: bool
    network: bool
    """Broadband or mobile network reaches the village."""


class VillageRecordRead(BaseModel):
    village_code: str
    year: int
    collective_income_fen: int
    per_capita_income_fen: int
    hardened_roads: list[str]
    clean_village: bool
    drinking_water: bool
    network: bool
    version: int
    recorded_at: datetime

    @classmethod
    def of(cls, r: VillageRecord) -> "VillageRecordRead":
        return cls(village_code=r.village_code, year=r.year, collective_income_fen=r.collective_income_fen,
                   per_capita_income_fen=r.per_capita_income_fen, hardened_roads=list(r.hardened_roads or []),
                   clean_village=r.clean_village, drinking_water=r.drinking_water, network=r.network,
                   version=r.version, recorded_at=r.recorded_at)


class VillageRecordPage(BaseModel):
    items: list[VillageRecordRead]
    next_cursor: str | None = None


class VillageRead(BaseModel):
    code: str
    name: str
    town_code: str | None
    provincial_poor_village: bool
    exited_year: int | None
    natural_villages: list[NaturalVillageRead]
    version: int


class VillageExitCheckRead(BaseModel):
    village_code: str
    eligible: bool
    year: int
    provincial_poor_village: bool
    line_fen: int | None
    income_fen: int | None
    failed: list[Failed]


class VillageExitIn(Schema):
    year: Year
