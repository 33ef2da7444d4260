"""HTTP for the evidence the assessment holds: its copies of the frozen snapshots and findings."""
from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from fupin_assessment.deps import AssessmentReader, Uows
from fupin_assessment.inputs.models import Snapshot
from fupin_assessment.inputs.schemas import FindingPage, FindingRead, SnapshotPage, SnapshotRead
from fupin_shared.auth.deps import check_division
from fupin_shared.auth.principal import division_prefix
from fupin_shared.http.deps import Cursor, Limit
from fupin_shared.http.pagination import decode_cursor, page_of
from fupin_shared.http.problems import NotFound, problem_responses
from fupin_shared.http.responses import json_response

router = APIRouter(prefix="/v1", tags=["evidence"])


class SnapshotNotFound(NotFound):
    slug, title = "snapshot-not-found", "No such snapshot"


def _visible_metrics(row: Snapshot, division: str) -> dict:
    """City callers see every subject's metrics; a county only its own."""
    if len(division_prefix(division)) <= 4:
        return row.metrics
    prefix = division_prefix(division)
    return {k: v for k, v in row.metrics.items() if k.isdigit() and k.startswith(prefix[:6])}


def _read(row: Snapshot, division: str, *, metrics: bool) -> SnapshotRead:
    return SnapshotRead(snapshot_id=row.snapshot_id, year=row.year, frozen_at=row.frozen_at,
                        received_at=row.received_at, event_id=row.event_id, subjects=row.subjects,
                        metrics=_visible_metrics(row, division) if metrics else None)


@router.get("/snapshots", response_model=SnapshotPage, responses=problem_responses(400))
async def list_snapshots(uows: Uows, actor: AssessmentReader, year: Annotated[int | None, Query(ge=2014, le=2035)] = None,
                         cursor: Cursor = None, limit: Limit = 50) -> Response:
    """The frozen year-end snapshots received from monitoring (the evidence auto-scores cite)."""
    filters = {"year": year}
    last = decode_cursor(cursor, filters)
    async with uows() as uow:
        rows = await uow.inputs.snapshots(year=year, after=(int(last[0]), str(last[1])) if last else None,
                                          limit=limit)
    rows, next_cursor = page_of(rows, limit, lambda r: [r.year, str(r.snapshot_id)], filters)
    return json_response(SnapshotPage(items=[_read(r, actor.division, metrics=False) for r in rows],
                                      next_cursor=next_cursor))


@router.get("/snapshots/{snapshot_id}", response_model=SnapshotRead, responses=problem_responses(404))
async def get_snapshot(snapshot_id: uuid.UUID, uows: Uows, actor: AssessmentReader) -> Response:
    """One snapshot with its metrics per subject (a county token sees only its own county's)."""
    async with uows() as uow:
        row = await uow.inputs.snapshot(snapshot_id)
    if row is None:
        raise SnapshotNotFound(f"No snapshot {snapshot_id} has been received.")
    return json_response(_read(row, actor.division, metrics=True))


@router.get("/findings", response_model=FindingPage, responses=problem_responses(400))
async def list_findings(uows: Uows, actor: AssessmentReader, year: Annotated[int | None, Query(ge=2014, le=2035)] = None,
                        division: Annotated[str | None, Query(description="12-digit division code")] = None,
                        cursor: Cursor = None, limit: Limit = 50) -> Response:
    """Supervision and audit findings copied from tasks and funds (the basis of deductions)."""
    within = check_division(actor, division)
    filters = {"year": year, "division": within}
    last = decode_cursor(cursor, filters)
    async with uows() as uow:
        rows = await uow.inputs.finding_rows(year=year, within=within, after=uuid.UUID(last[0]) if last else None,
                                             limit=limit)
    rows, next_cursor = page_of(rows, limit, lambda r: [str(r.finding_id)], filters)
    return json_response(FindingPage(items=[FindingRead(
        finding_id=r.finding_id, origin=r.origin, kind=r.kind, year=r.year, severity=r.severity, summary=r.summary,
        unit=r.unit, division_code=r.division_code, rectify_by=r.rectify_by, closed_on=r.closed_on,
        overdue=r.overdue) for r in rows], next_cursor=next_cursor))
