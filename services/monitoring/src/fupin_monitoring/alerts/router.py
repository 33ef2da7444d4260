"""Alerts (预警): list, read, assign, resolve, history — every path scoped to the caller's division."""
from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import Response

from fupin_monitoring.alerts import service
from fupin_monitoring.alerts.domain import AlertKind, AlertState, default_rules
from fupin_monitoring.alerts.errors import AlertNotFound
from fupin_monitoring.alerts.schemas import (AlertHistoryEntry, AlertKindRead, AlertPage, AlertRead, AssignRequest,
                                             ResolveRequest)
from fupin_monitoring.db import INFRA
from fupin_monitoring.deps import MonitoringReader, MonitoringWriter, Uows
from fupin_monitoring.overview.cache import cache_of
from fupin_monitoring.view.live import notify_alerts
from fupin_shared.auth.deps import check_division
from fupin_shared.http.deps import Cursor
from fupin_shared.http.etag import etag_for, parse_if_match
from fupin_shared.http.pagination import decode_cursor, page_of
from fupin_shared.http.problems import InvalidInput, problem_responses
from fupin_shared.http.responses import json_response

router = APIRouter(prefix="/v1", tags=["alerts"])


def _read(row: dict, status_code: int = 200) -> Response:
    return json_response(AlertRead.of(row, service.today_in_china()), status_code=status_code,
                         headers={"ETag": etag_for(row["version"])})


def changed(request: Request, row: dict) -> None:
    """An alert moved: overviews built before are stale, and stream listeners hear of it."""
    runtime = request.app.state.runtime
    cache_of(runtime).changed()
    notify_alerts(runtime.extras.get("broadcaster"), [row])


def _optional_version(if_match: str | None) -> int | None:
    return None if if_match is None else parse_if_match(if_match)


IfMatch = Annotated[str | None, Header(alias="If-Match", description="ETag of the alert as read (optional)")]


@router.get("/alert-kinds", response_model=list[AlertKindRead], responses=problem_responses())
async def alert_kinds(actor: MonitoringReader) -> Response:
    """The early-warning rules: kinds with Chinese and English labels and their working-day deadline."""
    rules = default_rules()
    return json_response([AlertKindRead(kind=r.kind, label_zh=r.label_zh, label_en=r.label_en,
                                        due_working_days=r.due_working_days) for r in rules.kinds.values()])


@router.get("/alerts", response_model=AlertPage, responses=problem_responses(400))
async def list_alerts(uows: Uows, actor: MonitoringReader,
                      division: Annotated[str | None, Query(description="12-digit division code")] = None,
                      kind: Annotated[str | None, Query(max_length=40)] = None,
                      state: Annotated[str | None, Query(description="open | assigned | resolved | active")] = None,
                      household_id: uuid.UUID | None = None,
                      unit: Annotated[str | None, Query(max_length=120)] = None,
                      cursor: Cursor = None, limit: Annotated[int, Query(ge=1, le=500)] = 50) -> Response:
    """Alerts in a division (default: the caller's), newest first, cursor-paginated."""
    within = check_division(actor, division)
    errors = []
    if kind is not None and kind not in {k.value for k in AlertKind}:
        errors.append({"pointer": "query:kind", "detail": f"unknown kind; one of {', '.join(k.value for k in AlertKind)}"})
    if state is not None and state not in {*(s.value for s in AlertState), "active"}:
        errors.append({"pointer": "query:state", "detail": "one of open, assigned, resolved, active"})
    if errors:
        raise InvalidInput(errors)
    filters = {"division": within, "kind": kind, "state": state, "household_id": household_id, "unit": unit}
    last = decode_cursor(cursor, filters)
    async with uows() as uow:
        rows = await uow.alerts.page(within=within, kind=kind, state=state, household_id=household_id, unit=unit,
                                     before=uuid.UUID(last[0]) if last else None, limit=limit)
    rows, next_cursor = page_of(rows, limit, lambda r: [str(r["id"])], filters)
    today = service.today_in_china()
    return json_response(AlertPage(items=[AlertRead.of(r, today) for r in rows], next_cursor=next_cursor))


@router.get("/alerts/{alert_id}", response_model=AlertRead, responses=problem_responses(404))
async def get_alert(alert_id: uuid.UUID, uows: Uows, actor: MonitoringReader) -> Response:
    async with uows() as uow:
        row = await uow.alerts.get(alert_id, within=actor.division)
    if row is None:
        raise AlertNotFound(alert_id)
    return _read(row)


@router.post("/alerts/{alert_id}/assign", response_model=AlertRead, responses=problem_responses(404, 409, 412))
async def assign_alert(request: Request, alert_id: uuid.UUID, body: AssignRequest, uows: Uows, actor: MonitoringWriter,
                       if_match: IfMatch = None) -> Response:
    """open → assigned (or re-assign). With If-Match, refused (412) if the alert changed since read."""
    row = await service.assign_alert(uows(), alert_id, assignee=body.assignee, note=body.note, actor=actor,
                                     expected_version=_optional_version(if_match))
    changed(request, row)
    return _read(row)


@router.post("/alerts/{alert_id}/resolve", response_model=AlertRead, responses=problem_responses(404, 409, 412))
async def resolve_alert(request: Request, alert_id: uuid.UUID, body: ResolveRequest, uows: Uows, actor: MonitoringWriter,
                        if_match: IfMatch = None) -> Response:
    """open or assigned → resolved, with what was done. A resolved alert is final (409)."""
    row = await service.resolve_alert(uows(), alert_id, resolution=body.resolution, note=body.note, actor=actor,
                                      expected_version=_optional_version(if_match))
    changed(request, row)
    return _read(row)


@router.get("/alerts/{alert_id}/history", response_model=list[AlertHistoryEntry], responses=problem_responses(404))
async def alert_history(alert_id: uuid.UUID, uows: Uows, actor: MonitoringReader) -> Response:
    """Every change of the alert, oldest first (its AlertChanged events, read from the outbox)."""
    async with uows() as uow:
        if await uow.alerts.get(alert_id, within=actor.division) is None:
            raise AlertNotFound(alert_id)
        rows = await uow.alerts.history(INFRA.Outbox, alert_id)
    return json_response([AlertHistoryEntry(id=r.event_id, type=r.type, time=r.occurred_at, sequence=r.sequence,
                                            actor=r.actor, data=r.data) for r in rows])
