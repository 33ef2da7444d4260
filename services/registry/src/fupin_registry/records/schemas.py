"""Request and response models of the yearly records."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field

from fupin_registry.records.models import HouseholdGuarantee, HouseholdIncome, Measure
from fupin_registry.schemas import Failed, Fen, HousingSafety, MeasureType, Schema


class IncomeIn(Schema):
    """Income by category for the year, in fen."""

    wage_fen: Fen = 0
    """工资性收入"""
    production_fen: Fen = 0
    """生产经营性收入 (gross)"""
    production_cost_fen: Fen = 0
    """生产经营性支出"""
    property_fen: Fen = 0
    """财产性收入"""
    transfer_fen: Fen = 0
    """转移性收入 (pensions, dibao, tekun, ecological compensation, subsidies)"""
    persons: Annotated[int | None, Field(ge=1, le=30)] = None
    """Persons the income is shared by; the household's active members when omitted."""


class IncomeRead(BaseModel):
    household_id: uuid.UUID
    year: int
    wage_fen: int
    production_fen: int
    production_cost_fen: int
    property_fen: int
    transfer_fen: int
    disposable_fen: int
    persons: int
    per_capita_fen: int
    line_fen: int | None = None
    """The year's household line, when set."""
    version: int
    recorded_at: datetime

    @classmethod
    def of(cls, r: HouseholdIncome, line_fen: int | None = None) -> "IncomeRead":
        return cls(household_id=r.household_id, year=r.year, wage_fen=r.wage_fen, production_fen=r.production_fen,
                   production_cost_fen=r.production_cost_fen, property_fen=r.property_fen,
                   transfer_fen=r.transfer_fen, disposable_fen=r.disposable_fen, persons=r.persons,
                   per_capita_fen=r.per_capita_fen, line_fen=line_fen, version=r.version, recorded_at=r.recorded_at)


class GuaranteesIn(Schema):
    """两不愁三保障 + drinking water for the year."""

    food: bool
    clothing: bool
    compulsory_education: bool
    basic_medical: bool
    housing_safety: HousingSafety
    drinking_water: bool


class GuaranteesRead(BaseModel):
    household_id: uuid.UUID
    year: int
    food: bool
    clothing: bool
    compulsory_education: bool
    basic_medical: bool
    housing_safety: str
    drinking_water: bool
    compliant: bool
    version: int
    assessed_at: datetime

    @classmethod
    def of(cls, g: HouseholdGuarantee) -> "GuaranteesRead":
        return cls(household_id=g.household_id, year=g.year, food=g.food, clothing=g.clothing,
                   compulsory_education=g.compulsory_education, basic_medical=g.basic_medical,
                   housing_safety=g.housing_safety, drinking_water=g.drinking_water, compliant=g.compliant,
                   version=g.version, assessed_at=g.assessed_at)


class MeasureIn(Schema):
    type: MeasureType
    amount_fen: Fen = 0
    date: date
    unit: Annotated[str | None, Field(max_length=120)] = None
    """The unit that gave the measure."""
    plan_task: Annotated[int | None, Field(ge=1, le=32)] = None
    """The plan task (1–32) it serves; the measure type's task when omitted."""
    description: Annotated[str | None, Field(max_length=500)] = None


class MeasureRead(BaseModel):
    id: uuid.UUID
    household_id: uuid.UUID
    type: str
    amount_fen: int
    date: date
    year: int
    unit: str | None
    plan_task: int | None
    description: str | None
    created_at: datetime

    @classmethod
    def of(cls, m: Measure) -> "MeasureRead":
        return cls(id=m.id, household_id=m.household_id, type=m.measure_type, amount_fen=m.amount_fen,
                   date=m.given_on, year=m.year, unit=m.unit, plan_task=m.plan_task, description=m.description,
                   created_at=m.created_at)


class MeasurePage(BaseModel):
    items: list[MeasureRead]
    next_cursor: str | None = None


class IncomePage(BaseModel):
    items: list[IncomeRead]
    next_cursor: str | None = None


class GuaranteesPage(BaseModel):
    items: list[GuaranteesRead]
    next_cursor: str | None = None


class ExitCheckRead(BaseModel):
    eligible: bool
    year: int
    track: str
    """``income`` (with labour capacity: the income line applies) or ``social_security`` (兜底, without)."""
    line_fen: int | None
    income_fen: int | None
    """Per-capita disposable income of the year."""
    failed: list[Failed]
