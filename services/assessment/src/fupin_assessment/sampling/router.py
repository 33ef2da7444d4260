"""HTTP for verification samples: draw, list, read, households, CSV/XLSX export."""
from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from fupin_assessment.access import require_city
from fupin_assessment.deps import AssessmentReader, AssessmentWriter, Uows
from fupin_assessment.sampling import service
from fupin_assessment.sampling.export import sample_csv, sample_xlsx
from fupin_assessment.sampling.models import SampleRow
from fupin_assessment.sampling.schemas import (SampleCreate, SampledHouseholdPage, SampledHouseholdRead, SamplePage,
                                               SampleRead)
from fupin_shared.auth.deps import check_division
from fupin_shared.http.deps import Cursor, IdempotencyDep, Limit
from fupin_shared.http.pagination import decode_cursor, page_of
from fupin_shared.http.problems import problem_responses
from fupin_shared.http.responses import json_response

router = APIRouter(prefix="/v1", tags=["sampling"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _read(row: SampleRow) -> SampleRead:
    return SampleRead(id=row.id, year=row.year, seed=row.seed, rule=row.rule, frame_households=row.frame_households,
                      frame_fingerprint=row.frame_fingerprint, households=row.households, villages=row.villages,
                      counties=list(row.counties), shortfalls=list(row.shortfalls), created_by=row.created_by,
                      created_at=row.created_at)


@router.post("/samples", status_code=201, response_model=SampleRead, responses=problem_responses(409))
async def draw_sample(body: SampleCreate, uows: Uows, actor: AssessmentWriter, idempotency: IdempotencyDep) -> Response:
    """Draw a field-verification sample (Guangdong rule) from pre-exit households; the same seed
    on the same frame gives the same households. Honours Idempotency-Key."""
    require_city(actor)

    async def action(uow) -> Response:  # noqa: ANN001
        row = await service.draw_sample(uow, body, actor=actor)
        return json_response(_read(row), status_code=201, headers={"Location": f"samples/{row.id}"})

    return await idempotency.run(uows, client_id=actor.client_id, body=body.model_dump(mode="json"), action=action)


@router.get("/samples", response_model=SamplePage, responses=problem_responses(400))
async def list_samples(uows: Uows, actor: AssessmentReader, year: Annotated[int | None, Query(ge=2014, le=2035)] = None,
                       cursor: Cursor = None, limit: Limit = 50) -> Response:
    filters = {"year": year}
    last = decode_cursor(cursor, filters)
    async with uows() as uow:
        rows = await uow.samples.page(year=year, after=uuid.UUID(last[0]) if last else None, limit=limit)
    rows, next_cursor = page_of(rows, limit, lambda r: [str(r.id)], filters)
    return json_response(SamplePage(items=[_read(r) for r in rows], next_cursor=next_cursor))


@router.get("/samples/{sample_id}", response_model=SampleRead, responses=problem_responses(404))
async def get_sample(sample_id: uuid.UUID, uows: Uows, actor: AssessmentReader) -> Response:
    async with uows() as uow:
        row = await uow.samples.get(sample_id)
    return json_response(_read(row))


@router.get("/samples/{sample_id}/households", response_model=SampledHouseholdPage, responses=problem_responses(404))
async def sample_households(sample_id: uuid.UUID, uows: Uows, actor: AssessmentReader,
                            division: Annotated[str | None, Query(description="12-digit division code")] = None,
                            cursor: Cursor = None, limit: Limit = 100) -> Response:
    """The sampled households within the caller's division, in sample order."""
    within = check_division(actor, division)
    filters = {"sample": str(sample_id), "division": within}
    last = decode_cursor(cursor, filters)
    async with uows() as uow:
        await uow.samples.get(sample_id)
        rows = await uow.samples.households(sample_id, within=within, after=int(last[0]) if last else None,
                                            limit=limit)
    rows, next_cursor = page_of(rows, limit, lambda r: [r.seq], filters)
    return json_response(SampledHouseholdPage(items=[SampledHouseholdRead(
        seq=r.seq, county_code=r.county_code, town_code=r.town_code, village_code=r.village_code,
        household_id=r.household_id, status=r.status, persons=r.persons, has_disabled=r.has_disabled)
        for r in rows], next_cursor=next_cursor))


@router.get("/samples/{sample_id}/export", responses={**problem_responses(404), 200: {
    "content": {"text/csv": {}, XLSX: {}}, "description": "the sample as CSV or XLSX"}})
async def export_sample(sample_id: uuid.UUID, uows: Uows, actor: AssessmentReader,
                        format: Annotated[Literal["csv", "xlsx"], Query()] = "csv",
                        division: Annotated[str | None, Query(description="12-digit division code")] = None,
                        ) -> Response:
    """The sample (within the caller's division) as CSV (UTF-8 with BOM) or XLSX with a parameters sheet."""
    within = check_division(actor, division)
    async with uows() as uow:
        row = await uow.samples.get(sample_id)
        households = await uow.samples.households(sample_id, within=within)
    name = f"sample-{row.year}-{row.id}"
    if format == "xlsx":
        return Response(sample_xlsx(row, households), media_type=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})
    return Response(sample_csv(households), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
