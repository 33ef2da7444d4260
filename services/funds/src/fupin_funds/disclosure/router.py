"""HTTP of disclosure: notices and rules (authenticated), and the public feed and page (no login)."""
from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from fupin_funds.common import after_id
from fupin_funds.deps import FundsReader, FundsWriter, Uows
from fupin_funds.disclosure import render, service
from fupin_funds.disclosure.schemas import (DisclosureCreate, DisclosurePage, DisclosureRead, PublicFeed,
                                            PublicNotice, RuleRead, RuleUpdate)
from fupin_funds.history import HistoryEntry
from fupin_shared.auth.deps import check_division
from fupin_shared.http.deps import Cursor, IdempotencyDep, IfMatchVersion
from fupin_shared.http.etag import etag_for
from fupin_shared.http.pagination import decode_cursor, encode_cursor, page_of
from fupin_shared.http.problems import InvalidInput, problem_responses
from fupin_shared.http.responses import json_response

router = APIRouter(prefix="/v1", tags=["disclosure"])
public_router = APIRouter(prefix="/public", tags=["public"])

PUBLIC_CACHE = {"Cache-Control": "public, max-age=60"}


@router.post("/disclosures", status_code=201, response_model=DisclosureRead, responses=problem_responses(409))
async def draft_disclosure(body: DisclosureCreate, uows: Uows, actor: FundsWriter,
                           idempotency: IdempotencyDep) -> Response:
    """Generate a notice (公告公示) from the ledger as a draft, in the standard layout; publish it next."""

    async def action(uow) -> Response:  # noqa: ANN001
        disclosure = await service.draft_disclosure(uow, body, actor=actor)
        return json_response(DisclosureRead.of(disclosure), status_code=201, headers={
            "ETag": etag_for(disclosure.version), "Location": f"disclosures/{disclosure.id}"})

    return await idempotency.run(uows, client_id=actor.client_id, body=body.model_dump(mode="json"), action=action)


@router.get("/disclosures", response_model=DisclosurePage, responses=problem_responses(400))
async def list_disclosures(uows: Uows, actor: FundsReader,
                           division: Annotated[str | None, Query(description="12-digit division code")] = None,
                           year: Annotated[int | None, Query(ge=2014, le=2035)] = None,
                           kind: Annotated[str | None, Query(max_length=40)] = None,
                           status: Annotated[str | None, Query(pattern=r"^(draft|published)$")] = None,
                           cursor: Cursor = None, limit: Annotated[int, Query(ge=1, le=500)] = 50) -> Response:
    """Notices (drafts and published) in a division's subtree."""
    within = check_division(actor, division)
    filters = {"division": within, "year": year, "kind": kind, "status": status}
    async with uows() as uow:
        rows = await uow.disclosures.page(within=within, year=year, kind=kind, status=status,
                                          after=after_id(cursor, filters), limit=limit)
    rows, next_cursor = page_of(rows, limit, lambda d: [str(d.id)], filters)
    return json_response(DisclosurePage(items=[DisclosureRead.of(d) for d in rows], next_cursor=next_cursor))


@router.get("/disclosures/{disclosure_id}", response_model=DisclosureRead, responses=problem_responses(404))
async def get_disclosure(disclosure_id: uuid.UUID, uows: Uows, actor: FundsReader) -> Response:
    async with uows() as uow:
        disclosure = await uow.disclosures.get(disclosure_id, within=actor.division)
    return json_response(DisclosureRead.of(disclosure), headers={"ETag": etag_for(disclosure.version)})


@router.post("/disclosures/{disclosure_id}/publish", response_model=DisclosureRead,
             responses=problem_responses(404, 409, 412, 428))
async def publish_disclosure(disclosure_id: uuid.UUID, uows: Uows, actor: FundsWriter,
                             version: IfMatchVersion) -> Response:
    """Publish a draft notice (If-Match required): it appears in the public feed and page and never changes."""
    disclosure = await service.publish_disclosure(uows(), disclosure_id, actor=actor, expected_version=version)
    return json_response(DisclosureRead.of(disclosure), headers={"ETag": etag_for(disclosure.version)})


@router.get("/disclosures/{disclosure_id}/history", response_model=list[HistoryEntry],
            responses=problem_responses(404))
async def disclosure_history(disclosure_id: uuid.UUID, uows: Uows, actor: FundsReader) -> Response:
    async with uows() as uow:
        await uow.disclosures.get(disclosure_id, within=actor.division)
        return json_response(await uow.history.of(disclosure_id))


@router.get("/disclosure-rules", response_model=list[RuleRead], responses=problem_responses())
async def list_rules(uows: Uows, actor: FundsReader) -> Response:
    """The disclosure rules, held as data: levels, public, minimum notice days, whether they gate payments."""
    async with uows() as uow:
        rules = await uow.disclosures.rules()
    return json_response([RuleRead.of(r) for r in rules])


@router.put("/disclosure-rules/{kind}", response_model=RuleRead, responses=problem_responses(403, 404, 412, 428))
async def change_rule(kind: str, body: RuleUpdate, uows: Uows, actor: FundsWriter, version: IfMatchVersion) -> Response:
    """Change a disclosure rule (city callers only; If-Match required)."""
    rule = await service.change_rule(uows(), kind, body, actor=actor, expected_version=version)
    return json_response(RuleRead.of(rule), headers={"ETag": etag_for(rule.version)})


# --- public: no login, no personal data ----------------------------------------------------------

def _public_division(division: str | None) -> str | None:
    if division is not None and (len(division) != 12 or not division.isdigit()):
        raise InvalidInput([{"pointer": "query:division", "detail": "must be a 12-digit division code"}])
    return division


def _wants_csv(request: Request, format_: str | None) -> bool:
    if format_ is not None:
        return format_ == "csv"
    accept = request.headers.get("accept", "")
    return "text/csv" in accept and "application/json" not in accept


@public_router.get("/v1/disclosures", response_model=PublicFeed, responses=problem_responses(400),
                   openapi_extra={"security": []})
async def public_disclosures(request: Request, uows: Uows,
                             division: Annotated[str | None, Query(description="12-digit division code")] = None,
                             year: Annotated[int | None, Query(ge=2014, le=2035)] = None,
                             kind: Annotated[str | None, Query(max_length=40)] = None,
                             since: Annotated[str | None, Query(max_length=200,
                                                                description="next_since of a previous answer")] = None,
                             limit: Annotated[int, Query(ge=1, le=500)] = 100,
                             format: Annotated[str | None, Query(pattern=r"^(json|csv)$")] = None) -> Response:
    """Published notices in publication order, JSON or CSV (``Accept: text/csv`` or ``?format=csv``). Pass
    ``next_since`` back as ``since`` to get only what was published after (resumable; none is ever skipped)."""
    division = _public_division(division)
    filters = {"division": division, "year": year, "kind": kind}
    last = decode_cursor(since, filters)
    after_seq = int(last[0]) if last else 0
    async with uows() as uow:
        rows = await uow.disclosures.feed(division=division, year=year, kind=kind, after_seq=after_seq, limit=limit)
    more = len(rows) > limit
    rows = rows[:limit]
    next_since = encode_cursor([rows[-1].public_seq if rows else after_seq], filters)
    headers = PUBLIC_CACHE | {"X-Next-Since": next_since, "X-More": "true" if more else "false"}
    if _wants_csv(request, format):
        return StreamingResponse(render.csv_lines(rows), media_type="text/csv; charset=utf-8",
                                 headers=headers | {"Content-Disposition": 'inline; filename="disclosures.csv"'})
    return json_response(PublicFeed(items=[PublicNotice(**render.public_item(d)) for d in rows],
                                    next_since=next_since), headers=headers)


@public_router.get("/v1/disclosures/{disclosure_id}", response_model=PublicNotice, responses=problem_responses(404),
                   openapi_extra={"security": []})
async def public_disclosure(disclosure_id: uuid.UUID, uows: Uows) -> Response:
    async with uows() as uow:
        disclosure = await uow.disclosures.get_published(disclosure_id)
    return json_response(PublicNotice(**render.public_item(disclosure)), headers=PUBLIC_CACHE)


def _base(request: Request) -> str:
    return f"{request.scope.get('root_path', '')}/public/"


@public_router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def public_page(request: Request, uows: Uows,
                      division: Annotated[str | None, Query()] = None,
                      year: Annotated[str | None, Query()] = None) -> Response:
    """扶贫资金项目公告公示 — the public page (Chinese, readable on a phone, no personal data)."""
    division = _public_division(division or None)
    year_value = int(year) if year and year.isdigit() else None
    async with uows() as uow:
        notices = await uow.disclosures.feed(division=division, year=year_value, kind=None, after_seq=0, limit=100,
                                             newest_first=True)
        years = await uow.disclosures.public_years()
    html = render.page_html(notices[:100], base=_base(request), division=division, year=year_value, years=years)
    return HTMLResponse(html, headers=PUBLIC_CACHE)


@public_router.get("/disclosures/{disclosure_id}", response_class=HTMLResponse, include_in_schema=False)
async def public_notice_page(request: Request, disclosure_id: uuid.UUID, uows: Uows) -> Response:
    async with uows() as uow:
        disclosure = await uow.disclosures.get_published(disclosure_id)
    html = render.page_html([disclosure], base=_base(request), division=None, year=None, years=[], detail=True)
    return HTMLResponse(html, headers=PUBLIC_CACHE)
