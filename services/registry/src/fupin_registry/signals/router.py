"""HTTP of signals from other departments (医保, 残联, 教育, 住建, 应急)."""
from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from fupin_registry.deps import RegistryReader, Uows
from fupin_registry.signals import service
from fupin_registry.signals.domain import SignalKind
from fupin_registry.signals.repository import SignalRepository
from fupin_registry.signals.schemas import SignalIn, SignalPage, SignalRead, SignalReport
from fupin_shared.auth.deps import check_division, requires
from fupin_shared.auth.principal import Principal
from fupin_shared.http.deps import Cursor, IdempotencyDep
from fupin_shared.http.handlers import request_id_var
from fupin_shared.http.pagination import decode_cursor, page_of
from fupin_shared.http.problems import problem_responses
from fupin_shared.http.responses import json_response

router = APIRouter(prefix="/v1", tags=["signals"])
SignalWriter = Annotated[Principal, Depends(requires("signals:write"))]


def _log(uow: Any, actor: Principal, rows: list[Any], action: str) -> None:
    for s in rows:
        uow.log_access(actor=actor.sub, division=s.division_code, action=action, resource=f"signal/{s.id}",
                       request_id=request_id_var.get())


@router.post("/signals", status_code=201, response_model=SignalRead, responses=problem_responses(422))
async def post_signal(body: SignalIn, uows: Uows, actor: SignalWriter, idempotency: IdempotencyDep) -> Response:
    """A department reports a fact about a person by ID number: ``medical_bill`` (amount_fen),
    ``disability_certificate`` (disability_grade), ``school_dropout``, ``housing_safety`` (rating A–D),
    ``disaster`` (disaster_type). Matched to the active registry member (inside the caller's division)
    and published; a matched signal becomes an early warning in monitoring with its working-day
    deadline. Unmatched signals are kept (``matched`` false) and listed. Honours Idempotency-Key."""

    async def action(uow: Any) -> Response:
        signal = await service.receive_signal(uow, body, actor=actor)
        return json_response(SignalRead.for_viewer(signal, actor.may_read_pii), status_code=201,
                             headers={"Location": f"signals/{signal.id}"})

    return await idempotency.run(uows, client_id=actor.client_id, body=body.model_dump(mode="json"), action=action)


@router.get("/signals", response_model=SignalPage, responses=problem_responses(400))
async def list_signals(uows: Uows, actor: RegistryReader,
                       matched: Annotated[bool | None, Query(description="false: the unmatched ones to review")] = None,
                       kind: Annotated[SignalKind | None, Query()] = None,
                       division: Annotated[str | None, Query(description="12-digit division code")] = None,
                       cursor: Cursor = None, limit: Annotated[int, Query(ge=1, le=500)] = 50) -> Response:
    """Signals in the caller's division, oldest first; ID numbers masked unless pii:read (logged)."""
    within = check_division(actor, division)
    filters = {"division": within, "matched": matched, "kind": kind}
    last = decode_cursor(cursor, filters)
    async with uows() as uow:
        rows = await SignalRepository(uow.session).page(within=within, matched=matched, kind=kind,
                                                        after=uuid.UUID(last[0]) if last else None, limit=limit)
        rows, next_cursor = page_of(rows, limit, lambda s: [str(s.id)], filters)
        if actor.may_read_pii and rows:
            _log(uow, actor, rows, "signal.list")
            await uow.commit()
    return json_response(SignalPage(items=[SignalRead.for_viewer(s, actor.may_read_pii) for s in rows],
                                    next_cursor=next_cursor))


@router.get("/signals/report", response_model=SignalReport, responses=problem_responses(400))
async def signal_report(uows: Uows, actor: RegistryReader,
                        division: Annotated[str | None, Query(description="12-digit division code")] = None) -> Response:
    """Counts of the division's signals by kind: matched, unmatched (kept, waiting for the person to be
    registered; listed with ``GET /v1/signals?matched=false``), matched late, and the oldest one waiting."""
    within = check_division(actor, division)
    return json_response(SignalReport.model_validate(await service.report(uows(), within=within)))


@router.get("/signals/{signal_id}", response_model=SignalRead, responses=problem_responses(404))
async def get_signal(signal_id: uuid.UUID, uows: Uows, actor: RegistryReader) -> Response:
    signal = await service.get_signal(uows(), signal_id, actor=actor)
    if actor.may_read_pii:
        async with uows() as uow:
            _log(uow, actor, [signal], "signal.read")
            await uow.commit()
    return json_response(SignalRead.for_viewer(signal, actor.may_read_pii))
