"""HTTP for poverty lines: ``GET /v1/poverty-lines``, ``GET|PUT /v1/poverty-lines/{year}``."""
from __future__ import annotations

from fastapi import APIRouter, Path
from fastapi.responses import Response
from typing import Annotated

from fupin_registry.deps import OptionalIfMatch, RegistryReader, RegistryWriter, Uows
from fupin_registry.lines import service
from fupin_registry.lines.schemas import PovertyLinePage, PovertyLineRead, PovertyLineSet
from fupin_registry.schemas import YEAR_MAX, YEAR_MIN
from fupin_shared.http.etag import etag_for
from fupin_shared.http.problems import problem_responses
from fupin_shared.http.responses import json_response

router = APIRouter(prefix="/v1", tags=["poverty lines"])
YearPath = Annotated[int, Path(ge=YEAR_MIN, le=YEAR_MAX)]


@router.get("/poverty-lines", response_model=PovertyLinePage, responses=problem_responses())
async def list_poverty_lines(uows: Uows, actor: RegistryReader) -> Response:
    """Every year's household and village lines (one page: one row per year)."""
    async with uows() as uow:
        lines = await uow.lines.all()
    return json_response(PovertyLinePage(items=[PovertyLineRead.of(line) for line in lines]))


@router.get("/poverty-lines/{year}", response_model=PovertyLineRead, responses=problem_responses(404))
async def get_poverty_line(year: YearPath, uows: Uows, actor: RegistryReader) -> Response:
    async with uows() as uow:
        line = await uow.lines.get(year)
    return json_response(PovertyLineRead.of(line), headers={"ETag": etag_for(line.version)})


@router.put("/poverty-lines/{year}", response_model=PovertyLineRead, status_code=200,
            responses={201: {"description": "Created"}, **problem_responses(412, 428)})
async def put_poverty_line(year: YearPath, body: PovertyLineSet, uows: Uows, actor: RegistryWriter,
                           version: OptionalIfMatch) -> Response:
    """Set the year's lines (city level only). Creating needs no If-Match; replacing does."""
    line, created = await service.set_poverty_line(uows(), year, body, actor=actor, expected_version=version)
    return json_response(PovertyLineRead.of(line), status_code=201 if created else 200,
                         headers={"ETag": etag_for(line.version)})
