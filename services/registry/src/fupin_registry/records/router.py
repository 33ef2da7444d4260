"""HTTP for yearly household records and the household exit check."""
from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from fupin_registry.deps import OptionalIfMatch, RegistryReader, RegistryWriter, Uows
from fupin_registry.records import service
from fupin_registry.records.errors import RecordNotFound
from fupin_registry.records.schemas import (ExitCheckRead, GuaranteesIn, GuaranteesPage, GuaranteesRead, IncomeIn,
                                           IncomePage, IncomeRead, MeasureIn, MeasurePage, MeasureRead)
from fupin_registry.schemas import YEAR_MAX, YEAR_MIN, Failed
from fupin_shared.http.deps import Cursor, IdempotencyDep
from fupin_shared.http.etag import etag_for
from fupin_shared.http.pagination import decode_cursor, page_of
from fupin_shared.http.problems import problem_responses
from fupin_shared.http.responses import json_response

router = APIRouter(prefix="/v1", tags=["yearly records"])
HouseholdId = Annotated[uuid.UUID, Path(description="Household id")]
YearPath = Annotated[int, Path(ge=YEAR_MIN, le=YEAR_MAX)]
PUT_PROBLEMS = {201: {"description": "Created"}, **problem_responses(404, 412, 428)}


@router.put("/households/{household_id}/incomes/{year}", response_model=IncomeRead, responses=PUT_PROBLEMS)
async def put_income(household_id: HouseholdId, year: YearPath, body: IncomeIn, uows: Uows, actor: RegistryWriter,
                     version: OptionalIfMatch) -> Response:
    """The year's income by category (fen) → per-capita disposable income. Creating needs no If-Match;
    replacing does."""
    record, line_fen, created = await service.record_income(uows(), household_id, year, body, actor=actor,
                                                            expected_version=version)
    return json_response(IncomeRead.of(record, line_fen), status_code=201 if created else 200,
                         headers={"ETag": etag_for(record.version)})


@router.get("/households/{household_id}/incomes", response_model=IncomePage, responses=problem_responses(404))
async def list_incomes(household_id: HouseholdId, uows: Uows, actor: RegistryReader) -> Response:
    """Every recorded year (one page: one row per year)."""
    async with uows() as uow:
        await uow.households.get(household_id, within=actor.division)
        rows = await uow.records.incomes(household_id)
    return json_response(IncomePage(items=[IncomeRead.of(r) for r in rows]))


@router.get("/households/{household_id}/incomes/{year}", response_model=IncomeRead, responses=problem_responses(404))
async def get_income(household_id: HouseholdId, year: YearPath, uows: Uows, actor: RegistryReader) -> Response:
    async with uows() as uow:
        await uow.households.get(household_id, within=actor.division)
        record = await uow.records.income(household_id, year)
        line = await uow.lines.find(year)
    if record is None:
        raise RecordNotFound("income", year)
    return json_response(IncomeRead.of(record, line.household_line_fen if line else None),
                         headers={"ETag": etag_for(record.version)})


@router.put("/households/{household_id}/guarantees/{year}", response_model=GuaranteesRead, responses=PUT_PROBLEMS)
async def put_guarantees(household_id: HouseholdId, year: YearPath, body: GuaranteesIn, uows: Uows,
                         actor: RegistryWriter, version: OptionalIfMatch) -> Response:
    """两不愁三保障 + drinking water for the year: food, clothing, compulsory education, basic medical
    insurance, housing safety (A–D; C and D are unsafe), drinking water."""
    record, created = await service.assess_guarantees(uows(), household_id, year, body, actor=actor,
                                                      expected_version=version)
    return json_response(GuaranteesRead.of(record), status_code=201 if created else 200,
                         headers={"ETag": etag_for(record.version)})


@router.get("/households/{household_id}/guarantees", response_model=GuaranteesPage, responses=problem_responses(404))
async def list_guarantees(household_id: HouseholdId, uows: Uows, actor: RegistryReader) -> Response:
    async with uows() as uow:
        await uow.households.get(household_id, within=actor.division)
        rows = await uow.records.guarantees(household_id)
    return json_response(GuaranteesPage(items=[GuaranteesRead.of(r) for r in rows]))


@router.get("/households/{household_id}/guarantees/{year}", response_model=GuaranteesRead,
            responses=problem_responses(404))
async def get_guarantees(household_id: HouseholdId, year: YearPath, uows: Uows, actor: RegistryReader) -> Response:
    async with uows() as uow:
        await uow.households.get(household_id, within=actor.division)
        record = await uow.records.guarantee(household_id, year)
    if record is None:
        raise RecordNotFound("两不愁三保障 assessment", year)
    return json_response(GuaranteesRead.of(record), headers={"ETag": etag_for(record.version)})


@router.post("/households/{household_id}/measures", status_code=201, response_model=MeasureRead,
             responses=problem_responses(404))
async def record_measure(household_id: HouseholdId, body: MeasureIn, uows: Uows, actor: RegistryWriter,
                         idempotency: IdempotencyDep) -> Response:
    """An assistance measure (industry, employment, education, health, housing renovation, asset income,
    micro-credit, social security, other), tagged with the plan task it serves. Honours Idempotency-Key."""

    async def action(uow: Any) -> Response:
        measure = await service.record_measure(uow, household_id, body, actor=actor)
        return json_response(MeasureRead.of(measure), status_code=201,
                             headers={"Location": f"households/{household_id}/measures/{measure.id}"})

    return await idempotency.run(uows, client_id=actor.client_id, body=body.model_dump(mode="json"), action=action)


@router.get("/households/{household_id}/measures", response_model=MeasurePage, responses=problem_responses(404))
async def list_measures(household_id: HouseholdId, uows: Uows, actor: RegistryReader, cursor: Cursor = None,
                        limit: Annotated[int, Query(ge=1, le=500)] = 50) -> Response:
    filters = {"household": str(household_id)}
    last = decode_cursor(cursor, filters)
    async with uows() as uow:
        await uow.households.get(household_id, within=actor.division)
        rows = await uow.records.measures(household_id, after=uuid.UUID(last[0]) if last else None, limit=limit)
    rows, next_cursor = page_of(rows, limit, lambda m: [str(m.id)], filters)
    return json_response(MeasurePage(items=[MeasureRead.of(m) for m in rows], next_cursor=next_cursor))


@router.get("/households/{household_id}/exit-check", response_model=ExitCheckRead, responses=problem_responses(404))
async def household_exit_check(household_id: HouseholdId, uows: Uows, actor: RegistryReader,
                               year: Annotated[int, Query(ge=YEAR_MIN, le=YEAR_MAX)]) -> Response:
    """Would the household meet the year's exit conditions? Each failed criterion is named. With labour
    capacity: income at or above the line + 两不愁三保障 + water; without: dibao/tekun coverage + 两不愁三保障."""
    evaluation = await service.exit_check(uows(), household_id, year, actor=actor)
    return json_response(ExitCheckRead(
        eligible=evaluation.check.eligible, year=year, track=evaluation.check.track, line_fen=evaluation.line_fen,
        income_fen=evaluation.income_fen,
        failed=[Failed(criterion=f.criterion, detail=f.detail) for f in evaluation.check.failed]))
