"""HTTP for supervision findings (督查巡查、约谈) and their rectification."""
from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from fupin_shared.auth.deps import check_division
from fupin_shared.db import utc_now
from fupin_shared.http.deps import Cursor, IdempotencyDep, IfMatchVersion
from fupin_shared.http.etag import etag_for
from fupin_shared.http.pagination import decode_cursor, encode_cursor
from fupin_shared.http.problems import problem_responses
from fupin_shared.http.responses import json_response

from fupin_tasks.deps import Config, PageLimit, TasksReader, TasksReviewer, TasksWriter, Uows
from fupin_tasks.schemas import HistoryEntry
from fupin_tasks.supervision import service
from fupin_tasks.supervision.domain import FindingKind, FindingState, rectification_overdue
from fupin_tasks.supervision.schemas import (
    EvidenceReject,
    EvidenceSubmit,
    FindingClose,
    FindingCreate,
    FindingPage,
    FindingRead,
)

router = APIRouter(prefix="/v1", tags=["supervision"])


def _read(finding, today: date) -> FindingRead:  # noqa: ANN001
    return FindingRead.of(finding, overdue=rectification_overdue(
        rectify_by=finding.rectify_by, today=today, closed_on=finding.closed_on, evidence=finding.evidence or []))


def _one(finding, config, status_code: int = 200) -> Response:  # noqa: ANN001
    headers = {"ETag": etag_for(finding.version)}
    if status_code == 201:
        headers["Location"] = f"/v1/supervisions/{finding.id}"
    return json_response(_read(finding, config.schedule.cadence.today(utc_now())), status_code=status_code,
                         headers=headers)


@router.post("/supervisions", status_code=201, response_model=FindingRead,
             responses=problem_responses(403, 422))
async def record_finding(body: FindingCreate, uows: Uows, actor: TasksReviewer, config: Config,
                         idempotency: IdempotencyDep) -> Response:
    """Record a finding with its rectification deadline (the leading-group office). Honors Idempotency-Key."""

    async def action(uow) -> Response:  # noqa: ANN001
        return _one(await service.record_finding(uow, body, actor=actor, config=config), config, 201)

    return await idempotency.run(uows, client_id=actor.client_id, body=body.model_dump(mode="json"), action=action)


@router.get("/supervisions", response_model=FindingPage, responses=problem_responses(400))
async def list_findings(uows: Uows, actor: TasksReader, config: Config,
                        division: Annotated[str | None, Query(description="12-digit division code")] = None,
                        kind: FindingKind | None = None, state: FindingState | None = None,
                        unit: Annotated[str | None, Query(max_length=80)] = None,
                        task: Annotated[int | None, Query(ge=1)] = None,
                        year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
                        overdue: Annotated[bool | None, Query(description="Only findings overdue as of today")] = None,
                        cursor: Cursor = None, limit: PageLimit = 50) -> Response:
    """Findings in the caller's division, oldest first; ``overdue`` is judged as of today."""
    within = check_division(actor, division)
    today = config.schedule.cadence.today(utc_now())
    filters = {"division": within, "kind": kind, "state": state, "unit": unit, "task": task, "year": year,
               "overdue": overdue}
    last = decode_cursor(cursor, filters)
    items: list[FindingRead] = []
    after = uuid.UUID(last[0]) if last else None
    next_cursor = None
    async with uows() as uow:
        # the overdue flag depends on the evidence, so rows are filtered here and the cursor is the
        # last row examined, not the last row returned
        while len(items) < limit:
            rows = await uow.findings.page(within=within, kind=kind, state=state, unit=unit, task_number=task,
                                           year=year, due_before=today if overdue else None, after=after, limit=limit)
            batch = rows[:limit]
            for row in batch:
                after = row.id
                read = _read(row, today)
                if overdue is None or read.overdue == overdue:
                    items.append(read)
                    if len(items) == limit:
                        break
            more = len(rows) > limit or (bool(batch) and after != batch[-1].id)
            if len(items) == limit:
                next_cursor = encode_cursor([str(after)], filters) if more else None
                break
            if len(rows) <= limit:
                break
    return json_response(FindingPage(items=items, next_cursor=next_cursor))


@router.get("/supervisions/{finding_id}", response_model=FindingRead, responses=problem_responses(404))
async def get_finding(finding_id: uuid.UUID, uows: Uows, actor: TasksReader, config: Config) -> Response:
    async with uows() as uow:
        finding = await uow.findings.get(finding_id, within=actor.division)
    return _one(finding, config)


@router.post("/supervisions/{finding_id}/evidence", response_model=FindingRead,
             responses=problem_responses(403, 404, 409, 412, 428))
async def submit_evidence(finding_id: uuid.UUID, body: EvidenceSubmit, uows: Uows, actor: TasksWriter,
                          config: Config, version: IfMatchVersion) -> Response:
    """The responsible unit submits evidence of rectification (整改材料). Requires If-Match."""
    return _one(await service.submit_evidence(uows(), finding_id, body, actor=actor, config=config,
                                              expected_version=version), config)


@router.post("/supervisions/{finding_id}/reject-evidence", response_model=FindingRead,
             responses=problem_responses(403, 404, 409, 412, 428))
async def reject_evidence(finding_id: uuid.UUID, body: EvidenceReject, uows: Uows, actor: TasksReviewer,
                          config: Config, version: IfMatchVersion) -> Response:
    """The office rejects the evidence; the finding is open again. Requires If-Match."""
    return _one(await service.reject_evidence(uows(), finding_id, body, actor=actor, config=config,
                                              expected_version=version), config)


@router.post("/supervisions/{finding_id}/close", response_model=FindingRead,
             responses=problem_responses(403, 404, 409, 412, 428))
async def close_finding(finding_id: uuid.UUID, uows: Uows, actor: TasksReviewer, config: Config,
                        version: IfMatchVersion, body: FindingClose | None = None) -> Response:
    """The office accepts the evidence and closes the finding (销号). Requires If-Match."""
    return _one(await service.close_finding(uows(), finding_id, body or FindingClose(), actor=actor, config=config,
                                            expected_version=version), config)


@router.get("/supervisions/{finding_id}/history", response_model=list[HistoryEntry],
            responses=problem_responses(404))
async def finding_history(finding_id: uuid.UUID, uows: Uows, actor: TasksReader) -> Response:
    async with uows() as uow:
        await uow.findings.get(finding_id, within=actor.division)
        rows = await uow.findings.history(finding_id)
    return json_response([HistoryEntry.of(r) for r in rows])
