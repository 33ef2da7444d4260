"""Yearly record use cases: incomes, 两不愁三保障, assistance measures, and the exit check."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from fupin_registry import codelists
from fupin_registry.db import RegistryUow
from fupin_registry.households.domain import schooling_gaps
from fupin_registry.households.models import Household
from fupin_registry.records import domain
from fupin_registry.records.models import HouseholdGuarantee, HouseholdIncome, Measure
from fupin_registry.records.schemas import GuaranteesIn, IncomeIn, MeasureIn
from fupin_registry.schemas import YEAR_MAX, YEAR_MIN
from fupin_shared.auth.principal import Principal
from fupin_shared.contracts.registry import GuaranteesAssessed, IncomeRecorded, MeasureRecorded
from fupin_shared.db import uuid7
from fupin_shared.http.etag import require_version
from fupin_shared.http.problems import InvalidInput, PreconditionRequired


@dataclass(frozen=True)
class ExitEvaluation:
    check: domain.ExitCheck
    year: int
    line_fen: int | None
    income_fen: int | None


def _base(h: Household) -> dict:
    return {"household_id": h.id, "village_code": h.village_code, "status": h.status, "persons": h.persons}


async def evaluate_exit(uow: RegistryUow, household: Household, year: int) -> ExitEvaluation:
    """The household's exit check for ``year`` from its records, members and the year's line."""
    line = await uow.lines.find(year)
    income = await uow.records.income(household.id, year)
    guarantee = await uow.records.guarantee(household.id, year)
    members = [m for m in await uow.members.of_household(household.id) if m.active]
    # school age is counted at the start of the year's school year (1 September)
    out_of_school = schooling_gaps([(m.birth_date, m.in_school) for m in members], date(year, 9, 1))
    uninsured = sum(1 for m in members if not m.medical_insurance)
    evidence = domain.ExitEvidence(
        labour_type=household.labour_type, guarantee_type=household.guarantee_type,
        per_capita_income_fen=income.per_capita_fen if income else None,
        guarantees=domain.Guarantees(guarantee.food, guarantee.clothing, guarantee.compulsory_education,
                                     guarantee.basic_medical, guarantee.housing_safety, guarantee.drinking_water)
        if guarantee else None,
        members_out_of_school=out_of_school, members_uninsured=uninsured)
    line_fen = line.household_line_fen if line else None
    return ExitEvaluation(check=domain.household_exit_check(evidence, line_fen), year=year, line_fen=line_fen,
                          income_fen=income.per_capita_fen if income else None)


async def exit_check(uow: RegistryUow, household_id: uuid.UUID, year: int, *, actor: Principal) -> ExitEvaluation:
    async with uow:
        household = await uow.households.get(household_id, within=actor.division)
        return await evaluate_exit(uow, household, year)


def _require(existing_version: int | None, expected: int | None) -> None:
    if existing_version is None:
        return
    if expected is None:
        raise PreconditionRequired("The record exists: send If-Match with the ETag you read.")
    require_version(existing_version, expected)


async def record_income(uow: RegistryUow, household_id: uuid.UUID, year: int, request: IncomeIn, *,
                        actor: Principal, expected_version: int | None) -> tuple[HouseholdIncome, int | None, bool]:
    """Record the year's income by category; per-capita disposable income = (wages + production −
    production costs + property + transfers) / persons, rounded down."""
    async with uow:
        household = await uow.households.get(household_id, within=actor.division)
        record = await uow.records.income(household_id, year)
        _require(record.version if record else None, expected_version)
        persons = request.persons or household.persons
        income = domain.Income(request.wage_fen, request.production_fen, request.production_cost_fen,
                               request.property_fen, request.transfer_fen)
        values = dict(wage_fen=income.wage_fen, production_fen=income.production_fen,
                      production_cost_fen=income.production_cost_fen, property_fen=income.property_fen,
                      transfer_fen=income.transfer_fen, disposable_fen=income.disposable_fen, persons=persons,
                      per_capita_fen=domain.per_capita_fen(income, persons))
        created = record is None
        record = uow.records.put(record, HouseholdIncome, household_id, year, values)
        line = await uow.lines.find(year)
        line_fen = line.household_line_fen if line else None
        uow.record(IncomeRecorded(**_base(household), year=year, per_capita_income_fen=values["per_capita_fen"],
                                  line_fen=line_fen or 0, labour_capacity=household.labour_type != "no_labour",
                                  disposable_fen=income.disposable_fen, members_counted=persons),
                   subject=household.id, division=household.village_code, actor=actor.sub)
        await uow.commit()
    return record, line_fen, created


async def assess_guarantees(uow: RegistryUow, household_id: uuid.UUID, year: int, request: GuaranteesIn, *,
                            actor: Principal, expected_version: int | None) -> tuple[HouseholdGuarantee, bool]:
    """Record 两不愁三保障 + drinking water for the year; ``compliant`` when every item holds (housing A or B)."""
    async with uow:
        household = await uow.households.get(household_id, within=actor.division)
        record = await uow.records.guarantee(household_id, year)
        _require(record.version if record else None, expected_version)
        values = request.model_dump()
        compliant = domain.Guarantees(**values).compliant
        created = record is None
        record = uow.records.put(record, HouseholdGuarantee, household_id, year, {**values, "compliant": compliant})
        uow.record(GuaranteesAssessed(**_base(household), year=year, compliant=compliant, **values),
                   subject=household.id, division=household.village_code, actor=actor.sub)
        await uow.commit()
    return record, created


async def record_measure(uow: RegistryUow, household_id: uuid.UUID, request: MeasureIn, *,
                         actor: Principal) -> Measure:
    """Record an assistance measure, tagged with the plan task it serves (the type's task by default)."""
    if not YEAR_MIN <= request.date.year <= YEAR_MAX:
        raise InvalidInput([{"pointer": "#/date", "detail": f"must be in {YEAR_MIN}..{YEAR_MAX}"}])
    plan_task = request.plan_task if request.plan_task is not None else codelists.plan_task_for_measure(request.type)
    async with uow:
        household = await uow.households.get(household_id, within=actor.division)
        measure = Measure(id=uuid7(), household_id=household_id, measure_type=request.type,
                          amount_fen=request.amount_fen, given_on=request.date, year=request.date.year,
                          unit=request.unit, plan_task=plan_task, description=request.description)
        uow.records.add(measure)
        uow.record(MeasureRecorded(**_base(household), measure_id=measure.id, measure_type=measure.measure_type,
                                   amount_fen=measure.amount_fen, on=measure.given_on, plan_task=plan_task,
                                   year=measure.year, unit=measure.unit),
                   subject=household.id, division=household.village_code, actor=actor.sub)
        await uow.commit()
    return measure
