"""HTTP for frameworks: read, list, define (PUT), history."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header
from fastapi.responses import Response

from fupin_assessment.catalogue import SUBJECT_KINDS
from fupin_assessment.deps import AssessmentReader, AssessmentWriter, Uows
from fupin_assessment.access import require_city
from fupin_assessment.frameworks import service
from fupin_assessment.frameworks.models import FrameworkRow
from fupin_assessment.frameworks.schemas import (FrameworkIn, FrameworkPage, FrameworkRead, FrameworkSummary,
                                                 KindSummary)
from fupin_assessment.schemas_common import HistoryEntry, Year, history_entries
from fupin_shared.http.deps import Cursor, Limit
from fupin_shared.http.etag import etag_for, parse_if_match
from fupin_shared.http.pagination import decode_cursor, page_of
from fupin_shared.http.problems import problem_responses
from fupin_shared.http.responses import json_response

router = APIRouter(prefix="/v1", tags=["frameworks"])


def framework_read(row: FrameworkRow) -> FrameworkRead:
    doc = row.document
    kinds = {}
    for kind in SUBJECT_KINDS:
        items = [i for i in doc["indicators"] if kind in i["applies_to"]]
        if items:
            manual = sum(1 for i in items if i["source"] == "manual")
            kinds[kind] = KindSummary(indicators=len(items), weight=round(sum(i["weight"] for i in items), 6),
                                      manual=manual, auto=len(items) - manual)
    return FrameworkRead(**doc, year=row.year, version=row.version, kinds=kinds, created_at=row.created_at,
                         updated_at=row.updated_at)


@router.get("/frameworks", response_model=FrameworkPage, responses=problem_responses(400))
async def list_frameworks(uows: Uows, actor: AssessmentReader, cursor: Cursor = None, limit: Limit = 50) -> Response:
    """The frameworks defined, by year."""
    filters: dict = {}
    last = decode_cursor(cursor, filters)
    async with uows() as uow:
        rows = await uow.frameworks.page(after=int(last[0]) if last else None, limit=limit)
    rows, next_cursor = page_of(rows, limit, lambda r: [r.year], filters)
    return json_response(FrameworkPage(items=[FrameworkSummary(
        year=r.year, title=r.title, version=r.version, indicators=len(r.document["indicators"]),
        updated_at=r.updated_at) for r in rows], next_cursor=next_cursor))


@router.get("/frameworks/{year}", response_model=FrameworkRead, responses=problem_responses(404))
async def get_framework(year: Year, uows: Uows, actor: AssessmentReader) -> Response:
    """The year's framework: dimensions, indicators (weight, source = snapshot metric or manual,
    scoring rule), deduction rules, grade bands and the appeal window."""
    async with uows() as uow:
        row = await uow.frameworks.get(year)
    return json_response(framework_read(row), headers={"ETag": etag_for(row.version)})


@router.put("/frameworks/{year}", response_model=FrameworkRead, responses=problem_responses(409, 412, 428))
async def define_framework(year: Year, body: FrameworkIn, uows: Uows, actor: AssessmentWriter,
                           if_match: Annotated[str | None, Header(alias="If-Match")] = None) -> Response:
    """Define the year's framework (201), or replace it with If-Match (200). Weights of each subject
    kind's indicators must sum to 100; refused (409) once the year's assessment is scoring."""
    require_city(actor)
    expected = parse_if_match(if_match) if if_match is not None else None
    row, created = await service.define_framework(uows(), year, body, actor=actor.sub, expected_version=expected)
    return json_response(framework_read(row), status_code=201 if created else 200,
                         headers={"ETag": etag_for(row.version), "Location": f"frameworks/{year}"})


@router.get("/frameworks/{year}/history", response_model=list[HistoryEntry], responses=problem_responses(404))
async def framework_history(year: Year, uows: Uows, actor: AssessmentReader) -> Response:
    """Every change of the year's framework, oldest first (from the outbox)."""
    async with uows() as uow:
        await uow.frameworks.get(year)
        rows = await uow.frameworks.history(year)
    return json_response(history_entries(rows))
