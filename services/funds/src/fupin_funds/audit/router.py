"""HTTP of audit and spot-check findings."""
from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from fupin_funds.audit import service
from fupin_funds.audit.schemas import ClosureCreate, FindingCreate, FindingPage, FindingRead
from fupin_funds.common import after_id, today
from fupin_funds.deps import FundsReader, FundsWriter, Uows
from fupin_funds.history import HistoryEntry
from fupin_shared.auth.deps import check_division
from fupin_shared.http.deps import Cursor, IdempotencyDep, IfMatchVersion
from fupin_shared.http.etag import etag_for
from fupin_shared.http.pagination import page_of
from fupin_shared.http.problems import problem_responses
from fupin_shared.http.responses import json_response

router = APIRouter(prefix="/v1", tags=["audit"])


@router.post("/audit-findings", status_code=201, response_model=FindingRead, responses=problem_responses(404))
async def record_finding(body: FindingCreate, uows: Uows, actor: FundsWriter, idempotency: IdempotencyDep) -> Response:
    """Record an audit / spot-check / inspection / complaint finding linked to an allocation or a project."""

    async def action(uow) -> Response:  # noqa: ANN001
        finding = await service.record_finding(uow, body, actor=actor)
        return json_response(FindingRead.of(finding), status_code=201, headers={
            "ETag": etag_for(finding.version), "Location": f"audit-findings/{finding.id}"})

    return await idempotency.run(uows, client_id=actor.client_id, body=body.model_dump(mode="json"), action=action)


@router.get("/audit-findings", response_model=FindingPage, responses=problem_responses(400))
async def list_findings(uows: Uows, actor: FundsReader,
                        division: Annotated[str | None, Query(description="12-digit division code")] = None,
                        year: Annotated[int | None, Query(ge=2014, le=2035)] = None,
                        status: Annotated[str | None, Query(pattern=r"^(open|closed)$")] = None,
                        overdue: bool = False, allocation_id: uuid.UUID | None = None,
                        project_id: uuid.UUID | None = None, cursor: Cursor = None,
                        limit: Annotated[int, Query(ge=1, le=500)] = 50) -> Response:
    """Findings in a division's subtree; ``overdue=true`` lists open findings past their deadline."""
    within = check_division(actor, division)
    filters = {"division": within, "year": year, "status": status, "overdue": overdue,
               "allocation": allocation_id, "project": project_id}
    async with uows() as uow:
        rows = await uow.findings.page(within=within, year=year, status=status,
                                       overdue_on=today() if overdue else None, allocation_id=allocation_id,
                                       project_id=project_id, after=after_id(cursor, filters), limit=limit)
    rows, next_cursor = page_of(rows, limit, lambda f: [str(f.id)], filters)
    return json_response(FindingPage(items=[FindingRead.of(f) for f in rows], next_cursor=next_cursor))


@router.get("/audit-findings/{finding_id}", response_model=FindingRead, responses=problem_responses(404))
async def get_finding(finding_id: uuid.UUID, uows: Uows, actor: FundsReader) -> Response:
    async with uows() as uow:
        finding = await uow.findings.get(finding_id, within=actor.division)
    return json_response(FindingRead.of(finding), headers={"ETag": etag_for(finding.version)})


@router.post("/audit-findings/{finding_id}/closure", response_model=FindingRead,
             responses=problem_responses(404, 409, 412, 428))
async def close_finding(finding_id: uuid.UUID, body: ClosureCreate, uows: Uows, actor: FundsWriter,
                        version: IfMatchVersion) -> Response:
    """Close the finding once its rectification is accepted (If-Match required)."""
    finding = await service.close_finding(uows(), finding_id, body, actor=actor, expected_version=version)
    return json_response(FindingRead.of(finding), headers={"ETag": etag_for(finding.version)})


@router.get("/audit-findings/{finding_id}/history", response_model=list[HistoryEntry],
            responses=problem_responses(404))
async def finding_history(finding_id: uuid.UUID, uows: Uows, actor: FundsReader) -> Response:
    async with uows() as uow:
        await uow.findings.get(finding_id, within=actor.division)
        return json_response(await uow.history.of(finding_id))
