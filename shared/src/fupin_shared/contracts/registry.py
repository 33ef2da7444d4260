"""Events published by the registry on ``fupin.registry.v1``.

Key = household id for household and member events, village code for village events. Every household
event carries the household's current ``village_code``, ``status`` and ``persons`` so a consumer can
keep a read copy from any single event.
"""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any, ClassVar

from fupin_shared.contracts.base import Contract


class _Registry(Contract):
    service: ClassVar[str] = "registry"


class _HouseholdEvent(_Registry):
    aggregate: ClassVar[str] = "household"
    household_id: uuid.UUID
    village_code: str
    status: str
    persons: int


class HouseholdRegistered(_HouseholdEvent):
    """A household entered the registry (建档立卡 application recorded)."""

    verb: ClassVar[str] = "registered"
    labour_type: str | None = None
    poverty_causes: list[str] = []
    guarantee_type: str | None = None
    year: int | None = None


class HouseholdUpdated(_HouseholdEvent):
    """Household attributes changed (fields listed in ``changed``)."""

    verb: ClassVar[str] = "updated"
    changed: list[str] = []
    labour_type: str | None = None
    poverty_causes: list[str] | None = None
    guarantee_type: str | None = None
    values: dict[str, Any] = {}
    """New values of the changed fields that are not personal data (names, ID numbers, phones and
    accounts are listed in ``changed`` but never carried)."""
    previous_village_code: str | None = None
    """Set when the household moved to another village (``village_code`` is the new one)."""


class HouseholdStatusChanged(_HouseholdEvent):
    """A lifecycle step (identification procedure, pre-exit, notice, follow-up) moved the status."""

    verb: ClassVar[str] = "status_changed"
    from_status: str
    step: str
    year: int | None = None
    on: date | None = None
    """The day the step was taken."""
    notice_ends_on: date | None = None
    """For a step that opens a public notice: the first day the next step may be taken."""
    note: str | None = None


class HouseholdIdentified(_HouseholdEvent):
    """County approval: the household is identified as poor (建档立卡户)."""

    verb: ClassVar[str] = "identified"
    year: int
    poverty_causes: list[str] = []
    labour_type: str | None = None


class HouseholdExited(_HouseholdEvent):
    """The household exited poverty (脱贫) after its public notice."""

    verb: ClassVar[str] = "exited"
    year: int
    exit_path: str
    per_capita_income_fen: int | None = None
    line_fen: int | None = None


class HouseholdReturned(_HouseholdEvent):
    """The household returned to poverty (返贫), or fell newly poor (``new_poverty``)."""

    verb: ClassVar[str] = "returned"
    year: int
    cause: str
    new_poverty: bool = False


class HouseholdRemoved(_HouseholdEvent):
    """The household was removed as ineligible (清退); nothing is deleted."""

    verb: ClassVar[str] = "removed"
    year: int
    reason: str


class _MemberEvent(_HouseholdEvent):
    aggregate: ClassVar[str] = "member"
    member_id: uuid.UUID
    birth_date: date | None = None
    sex: str | None = None
    in_school: bool | None = None
    health: str | None = None
    disability_grade: int | None = None
    medical_insurance: bool | None = None
    relation: str | None = None
    education: str | None = None
    pension_insurance: bool | None = None
    labour_skill: str | None = None
    employment: str | None = None
    active: bool | None = None


class MemberAdded(_MemberEvent):
    """A member joined the household (no name or ID number in events)."""

    verb: ClassVar[str] = "added"


class MemberUpdated(_MemberEvent):
    """A member's attributes changed (``changed`` lists them: health, disability, schooling, insurance…)."""

    verb: ClassVar[str] = "updated"
    changed: list[str] = []


class MemberLeft(_MemberEvent):
    """A member left the household with a reason (death, marriage, moved, …)."""

    verb: ClassVar[str] = "left"
    reason: str


class IncomeRecorded(_HouseholdEvent):
    """The household's income for a year; per-capita disposable income computed."""

    aggregate: ClassVar[str] = "household"
    verb: ClassVar[str] = "income_recorded"
    year: int
    per_capita_income_fen: int
    line_fen: int
    labour_capacity: bool = True
    disposable_fen: int | None = None
    members_counted: int | None = None


class GuaranteesAssessed(_HouseholdEvent):
    """两不愁三保障 + drinking water for a year; ``compliant`` when every check holds."""

    aggregate: ClassVar[str] = "household"
    verb: ClassVar[str] = "guarantees_assessed"
    year: int
    food: bool
    clothing: bool
    compulsory_education: bool
    basic_medical: bool
    housing_safety: str
    drinking_water: bool
    compliant: bool


class MeasureRecorded(_HouseholdEvent):
    """An assistance measure given to the household, tagged with the plan task it serves."""

    aggregate: ClassVar[str] = "household"
    verb: ClassVar[str] = "measure_recorded"
    measure_id: uuid.UUID
    measure_type: str
    amount_fen: int
    on: date
    plan_task: int | None = None
    year: int | None = None
    unit: str | None = None


class VillageAssessed(_Registry):
    """A village's yearly record and exit check (key = village code)."""

    aggregate: ClassVar[str] = "village"
    verb: ClassVar[str] = "assessed"
    village_code: str
    year: int
    provincial_poor_village: bool
    per_capita_income_fen: int | None = None
    eligible: bool
    failed: list[str] = []


class VillageExited(_Registry):
    """A provincial relatively-poor village exited (key = village code)."""

    aggregate: ClassVar[str] = "village"
    verb: ClassVar[str] = "exited"
    village_code: str
    year: int
    provincial_poor_village: bool = True


class VillageDesignated(_Registry):
    """A village's provincial relatively-poor designation (省定相对贫困村) changed (key = village code).

    Published once per change of the registry's flag (for each flagged village when the registry
    first starts), ``provincial_poor_village`` false when a village stops being one."""

    aggregate: ClassVar[str] = "village"
    verb: ClassVar[str] = "designated"
    village_code: str
    provincial_poor_village: bool


class PovertyLineSet(_Registry):
    """The year's household and village lines were set (key = year); lines are data, not constants."""

    aggregate: ClassVar[str] = "poverty_line"
    verb: ClassVar[str] = "set"
    year: int
    household_line_fen: int
    village_line_fen: int
    provincial_rural_income_fen: int | None = None


class SignalReceived(_Registry):
    """Another department's signal about a person arrived (key = signal id). Carries no ID number;
    ``matched`` says whether it was matched to an active registry member."""

    aggregate: ClassVar[str] = "signal"
    verb: ClassVar[str] = "received"
    signal_id: uuid.UUID
    kind: str
    source: str
    occurred_on: date
    matched: bool
    division_code: str


class SignalMatched(_Registry):
    """A signal was matched to an active registry member (key = signal id): monitoring turns it into
    an early warning. ``detail`` holds the kind's facts (amount_fen, disability_grade, rating, …)."""

    aggregate: ClassVar[str] = "signal"
    verb: ClassVar[str] = "matched"
    signal_id: uuid.UUID
    kind: str
    source: str
    occurred_on: date
    household_id: uuid.UUID
    member_id: uuid.UUID
    village_code: str
    detail: dict[str, Any] = {}
