"""HTTP for villages: yearly records, natural villages, exit check and exit."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from fupin_registry.deps import OptionalIfMatch, RegistryReader, RegistryWriter, Uows
from fupin_registry.divisions.schemas import NaturalVillageRead
from fupin_registry.schemas import YEAR_MAX, YEAR_MIN, Failed
from fupin_registry.villages import service
from fupin_registry.villages.schemas import (VillageExitCheckRead, VillageExitIn, VillageRead, VillageRecordIn,
                                            VillageRecordPage, VillageRecordRead)
from fupin_shared.http.deps import IfMatchVersion
from fupin_shared.http.etag import etag_for
from fupin_shared.http.problems import NotFound, problem_responses
from fupin_shared.http.responses import json_response

router = APIRouter(prefix="/v1", tags=["villages"])
VillageCode = Annotated[str, Path(pattern=r"^\d{12}$")]
YearPath = Annotated[int, Path(ge=YEAR_MIN, le=YEAR_MAX)]


@router.get("/villages/{code}", response_model=VillageRead, responses=problem_responses(404))
async def get_village(code: VillageCode, uows: Uows, actor: RegistryReader) -> Response:
    """A village with its natural villages (自然村) and their household counts; ETag for exit."""
    async with uows() as uow:
        village = await service.load_village(uow, code, actor)
        natural = await uow.divisions.natural_villages(code)
    return json_response(VillageRead(code=village.code, name=village.name, town_code=village.parent_code,
                                     provincial_poor_village=village.provincial_poor_village,
                                     exited_year=village.exited_year, version=village.version,
                                     natural_villages=[NaturalVillageRead.of(nv) for nv in natural]),
                         headers={"ETag": etag_for(village.version)})


@router.put("/villages/{code}/records/{year}", response_model=VillageRecordRead,
            responses={201: {"description": "Created"}, **problem_responses(404, 412, 428)})
async def put_village_record(code: VillageCode, year: YearPath, body: VillageRecordIn, uows: Uows,
                             actor: RegistryWriter, version: OptionalIfMatch) -> Response:
    """The village's year: collective income, per-capita disposable income, hardened roads, clean-village
    standard, water, network. Creating needs no If-Match; replacing does."""
    record, created = await service.record_village_year(uows(), code, year, body, actor=actor,
                                                        expected_version=version)
    return json_response(VillageRecordRead.of(record), status_code=201 if created else 200,
                         headers={"ETag": etag_for(record.version)})


@router.get("/villages/{code}/records", response_model=VillageRecordPage, responses=problem_responses(404))
async def list_village_records(code: VillageCode, uows: Uows, actor: RegistryReader) -> Response:
    async with uows() as uow:
        await service.load_village(uow, code, actor)
        records = await uow.villages.records(code)
    return json_response(VillageRecordPage(items=[VillageRecordRead.of(r) for r in records]))


@router.get("/villages/{code}/records/{year}", response_model=VillageRecordRead, responses=problem_responses(404))
async def get_village_record(code: VillageCode, year: YearPath, uows: Uows, actor: RegistryReader) -> Response:
    async with uows() as uow:
        await service.load_village(uow, code, actor)
        record = await uow.villages.record(code, year)
    if record is None:
        raise NotFound(f"No record of village {code} for {year}.")
    return json_response(VillageRecordRead.of(record), headers={"ETag": etag_for(record.version)})


@router.get("/villages/{code}/exit-check", response_model=VillageExitCheckRead, responses=problem_responses(404))
async def village_exit_check(code: VillageCode, uows: Uows, actor: RegistryReader,
                             year: Annotated[int, Query(ge=YEAR_MIN, le=YEAR_MAX)]) -> Response:
    """Would the village meet the year's exit conditions? Income at or above the village line (11,599 yuan
    as measured), hardened roads to natural villages of 20+ households, clean village, water, network."""
    e = await service.village_exit_check(uows(), code, year, actor=actor)
    return json_response(VillageExitCheckRead(
        village_code=code, eligible=e.eligible, year=year, provincial_poor_village=e.village.provincial_poor_village,
        line_fen=e.line_fen, income_fen=e.income_fen, failed=[Failed(criterion=f.criterion, detail=f.detail)
                                                              for f in e.failed]))


@router.post("/villages/{code}/exit", response_model=VillageRead, responses=problem_responses(404, 409, 412, 428))
async def exit_village(code: VillageCode, body: VillageExitIn, uows: Uows, actor: RegistryWriter,
                       version: IfMatchVersion) -> Response:
    """A provincial relatively-poor village exits (出列) when the year's check passes (409 naming each failed
    criterion otherwise). If-Match with the village's ETag."""
    village = await service.exit_village(uows(), code, body.year, actor=actor, expected_version=version)
    async with uows() as uow:
        natural = await uow.divisions.natural_villages(code)
    return json_response(VillageRead(code=village.code, name=village.name, town_code=village.parent_code,
                                     provincial_poor_village=village.provincial_poor_village,
                                     exited_year=village.exited_year, version=village.version,
                                     natural_villages=[NaturalVillageRead.of(nv) for nv in natural]),
                         headers={"ETag": etag_for(village.version)})
