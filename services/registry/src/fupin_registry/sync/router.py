"""HTTP of the field app: household delta sync (conditional GET), code lists for offline use, batched upload."""
from __future__ import annotations

import hashlib
from typing import Annotated

import brotli
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from fupin_registry import codelists
from fupin_registry.codelists_router import CodeListPage, _read
from fupin_registry.deps import RegistryReader, RegistryWriter, Uows
from fupin_registry.sync import service
from fupin_registry.sync.schemas import BatchIn, BatchOut, HouseholdDelta
from fupin_shared.app import GZIP_MIN_BYTES
from fupin_shared.auth.deps import check_division
from fupin_shared.http.problems import problem_responses
from fupin_shared.http.responses import json_response

router = APIRouter(prefix="/v1", tags=["sync"])

BROTLI_MIN_BYTES = GZIP_MIN_BYTES


def accepts(accept_encoding: str, coding: str) -> bool:
    """Whether an Accept-Encoding header lists ``coding`` with a non-zero quality."""
    for item in accept_encoding.lower().split(","):
        name, _, param = item.partition(";")
        if name.strip() == coding:
            quality = param.strip().removeprefix("q=") or "1"
            try:
                return float(quality) > 0
            except ValueError:
                return False
    return False


def _conditional(request: Request, body: bytes) -> Response:
    """Strong ETag over the body (brotli-encoded bodies get their own, ``…-br``); If-None-Match with it
    answers 304 with no body. Brotli when the client accepts ``br`` (bodies over 1 KiB); otherwise the
    spine's GZip middleware compresses for ``gzip`` — and adds ``Vary: Accept-Encoding`` to every body of
    that size it passes, so the route sets it only where the middleware does not (brotli, small, 304)."""
    digest = hashlib.sha256(body).hexdigest()[:32]
    use_brotli = len(body) >= BROTLI_MIN_BYTES and accepts(request.headers.get("accept-encoding", ""), "br")
    etag = f'"{digest}-br"' if use_brotli else f'"{digest}"'
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    vary = {**headers, "Vary": "Accept-Encoding"}
    sent = [t.strip() for t in request.headers.get("if-none-match", "").split(",")]
    if "*" in sent or f'"{digest}"' in sent or f'"{digest}-br"' in sent:
        return Response(status_code=304, headers=vary)
    if use_brotli:
        return Response(brotli.compress(body, quality=5), headers={**vary, "Content-Encoding": "br"},
                        media_type="application/json")
    return Response(body, headers=headers if len(body) >= GZIP_MIN_BYTES else vary, media_type="application/json")


@router.get("/sync/households", response_model=HouseholdDelta, responses=problem_responses(400))
async def sync_households(request: Request, uows: Uows, actor: RegistryReader,
                          since: Annotated[str | None, Query(max_length=2000, description=(
                              "next_cursor of the previous call; absent for a full first sync"))] = None,
                          division: Annotated[str | None, Query(description="12-digit division code")] = None,
                          limit: Annotated[int, Query(ge=1, le=500)] = 200) -> Response:
    """Households (members and assistance measures inside) of the caller's division changed since the
    cursor, and the ids removed since. Keep ``next_cursor`` and call again while ``has_more``. Nulls are
    omitted (compact); brotli or gzip with Accept-Encoding (``br`` preferred); If-None-Match with the last
    ETag → 304. Members who left stay in their household with ``active`` false; removed households (清退)
    come as ids in ``removed``."""
    within = check_division(actor, division)
    delta = await service.household_delta(uows, actor=actor, within=within, since=since, limit=limit)
    body = delta.__pydantic_serializer__.to_json(delta, exclude_none=True)
    return _conditional(request, body)


@router.get("/sync/codelists", response_model=CodeListPage, responses=problem_responses())
async def sync_codelists(request: Request, actor: RegistryReader) -> Response:
    """Every code list for offline use; conditional (If-None-Match → 304 while unchanged), compressed
    like the household delta."""
    page = CodeListPage(items=[_read(cl) for cl in codelists.ALL.values()])
    return _conditional(request, page.__pydantic_serializer__.to_json(page, exclude_none=True))


@router.post("/households/batch", response_model=BatchOut, responses=problem_responses(400))
async def upload_batch(body: BatchIn, request: Request, uows: Uows, actor: RegistryWriter) -> Response:
    """Offline-made changes, applied item by item in order, each in its own transaction under its own
    Idempotency-Key (a retried batch replays applied items). Versioned changes carry the ETag read on
    the device in ``if_match``. Each item's result: ``applied`` (with the new ETag), ``conflict`` (412:
    changed since, with ``current_version``) or ``refused`` (the problem, nothing of that item written).
    Operations: register_household, amend_household, add_member, amend_member, member_leaves, record_measure."""
    results = await service.apply_batch(uows, request, body.items, actor=actor)
    return json_response(BatchOut(applied=sum(r.result == "applied" for r in results),
                                  conflicts=sum(r.result == "conflict" for r in results),
                                  refused=sum(r.result == "refused" for r in results), results=results))
