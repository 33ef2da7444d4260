"""HTTP for households: parse, call the use case, shape the response."""
from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from fupin_registry.deps import RegistryReader, RegistryWriter, Uows
from fupin_registry.households import service
from fupin_registry.households.schemas import (HistoryEntry, HouseholdCreate, HouseholdPage, HouseholdRead,
                                              HouseholdUpdate)
from fupin_shared.auth.deps import check_division
from fupin_shared.http.deps import Cursor, IdempotencyDep, IfMatchVersion
from fupin_shared.http.etag import etag_for
from fupin_shared.http.handlers import request_id_var
from fupin_shared.http.pagination import decode_cursor, page_of
from fupin_shared.http.problems import problem_responses
from fupin_shared.http.responses import json_response

router = APIRouter(prefix="/v1", tags=["households"])


def _read(household, viewer, uow=None) -> Response:  # noqa: ANN001
    return json_response(HouseholdRead.for_viewer(household, viewer), headers={"ETag": etag_for(household.version)})


@router.post("/households", status_code=201, response_model=HouseholdRead, responses=problem_responses(409, 428))
async def register_household(body: HouseholdCreate, uows: Uows, actor: RegistryWriter,
                             idempotency: IdempotencyDep) -> Response:
    """Register a household (建档立卡). Honors Idempotency-Key: a retry returns the first response."""

    async def action(uow) -> Response:  # noqa: ANN001
        household = await service.register_household(uow, body, actor=actor)
        return json_response(HouseholdRead.for_viewer(household, actor), status_code=201, headers={
            "ETag": etag_for(household.version), "Location": f"households/{household.id}"})

    return await idempotency.run(uows, client_id=actor.client_id, body=body.model_dump(mode="json"), action=action)


@router.get("/households", response_model=HouseholdPage, responses=problem_responses(400))
async def list_households(uows: Uows, actor: RegistryReader,
                          division: Annotated[str | None, Query(description="12-digit division code")] = None,
                          status: Annotated[str | None, Query(max_length=32)] = None,
                          cause: Annotated[str | None, Query(max_length=40)] = None,
                          cursor: Cursor = None,
                          limit: Annotated[int, Query(ge=1, le=500)] = 50) -> Response:
    """Households in a division (default: the caller's), in a stable order, cursor-paginated."""
    within = check_division(actor, division)
    filters = {"division": within, "status": status, "cause": cause}
    last = decode_cursor(cursor, filters)
    async with uows() as uow:
        rows = await uow.households.page(within=within, status=status, cause=cause,
                                         after=uuid.UUID(last[0]) if last else None, limit=limit)
    rows, next_cursor = page_of(rows, limit, lambda h: [str(h.id)], filters)
    return json_response(HouseholdPage(items=[HouseholdRead.for_viewer(h, actor) for h in rows],
                                       next_cursor=next_cursor))


@router.get("/households/{household_id}", response_model=HouseholdRead, responses=problem_responses(404))
async def get_household(household_id: uuid.UUID, uows: Uows, actor: RegistryReader) -> Response:
    """One household; personal data masked unless the caller holds pii:read (each unmasked read is logged)."""
    async with uows() as uow:
        household = await uow.households.get(household_id, within=actor.division)
        if actor.may_read_pii:
            uow.log_access(actor=actor.sub, division=household.village_code, action="household.read",
                           resource=f"household/{household_id}", request_id=request_id_var.get())
            await uow.commit()
    return _read(household, actor)


@router.patch("/households/{household_id}", response_model=HouseholdRead,
              responses=problem_responses(404, 412, 428))
async def amend_household(household_id: uuid.UUID, body: HouseholdUpdate, uows: Uows, actor: RegistryWriter,
                          version: IfMatchVersion) -> Response:
    """Change a household; requires If-Match with the ETag last read (412 if stale, 428 if missing)."""
    household = await service.amend_household(uows(), household_id, body, actor=actor, expected_version=version)
    return _read(household, actor)


@router.get("/households/{household_id}/history", response_model=list[HistoryEntry],
            responses=problem_responses(404))
async def household_history(household_id: uuid.UUID, uows: Uows, actor: RegistryReader) -> Response:
    """Every event of the household, oldest first (read from the outbox)."""
    async with uows() as uow:
        await uow.households.get(household_id, within=actor.division)
        rows = await uow.households.history(household_id)
    return json_response([HistoryEntry(id=r.event_id, type=r.type, time=r.occurred_at, sequence=r.sequence,
                                       actor=r.actor, data=r.data) for r in rows])
