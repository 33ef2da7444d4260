"""HTTP for progress reports: parse, call the use case, shape the response."""
from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from fupin_shared.auth.deps import check_division
from fupin_shared.http.deps import Cursor, IdempotencyDep, IfMatchVersion
from fupin_shared.http.etag import etag_for
from fupin_shared.http.pagination import decode_cursor, page_of
from fupin_shared.http.problems import problem_responses
from fupin_shared.http.responses import json_response

from fupin_tasks.deps import (Config, PageLimit, PlanParam, TaskNumber, TasksReader, TasksReviewer, TasksWriter,
                              Uows)
from fupin_tasks.reports import service
from fupin_tasks.reports.domain import ReportAction, ReportState, ReportStatus
from fupin_tasks.reports.schemas import ReportAccept, ReportPage, ReportRead, ReportReturn, ReportRevise, ReportSubmit
from fupin_tasks.schemas import HistoryEntry, PeriodCode

router = APIRouter(prefix="/v1", tags=["reports"])


def _one(report, status_code: int = 200, location: bool = False) -> Response:  # noqa: ANN001
    headers = {"ETag": etag_for(report.version)}
    if location:
        headers["Location"] = f"/v1/tasks/{report.task_number}/reports/{report.id}"
    return json_response(ReportRead.of(report), status_code=status_code, headers=headers)


@router.post("/tasks/{number}/reports", status_code=201, response_model=ReportRead,
             responses=problem_responses(403, 404, 409, 422))
async def submit_report(number: TaskNumber, body: ReportSubmit, uows: Uows, actor: TasksWriter, config: Config,
                        idempotency: IdempotencyDep, plan: PlanParam = None) -> Response:
    """Submit a progress report (quarterly analysis ``2019Q3``, half-year bulletin ``2019H1``, annual
    report ``2019``) for a task the unit has a role in — 403 ``unit-has-no-role-on-task`` otherwise.
    Due N working days after the period ends (see ``/v1/cadence``). Honors Idempotency-Key."""

    async def action(uow) -> Response:  # noqa: ANN001
        report = await service.submit_report(uow, number, body, actor=actor, config=config, plan_id=plan)
        return _one(report, 201, location=True)

    return await idempotency.run(uows, client_id=actor.client_id, body={"plan": plan, "task": number,
                                 **body.model_dump(mode="json")}, action=action)


async def _page(uows: Uows, actor, *, plan, division, task_number, unit, period, state, status,  # noqa: ANN001
                cursor, limit) -> Response:
    within = check_division(actor, division)
    filters = {"plan": plan, "division": within, "task": task_number, "unit": unit, "period": period,
               "state": state, "status": status}
    last = decode_cursor(cursor, filters)
    async with uows() as uow:
        plan_row = await uow.plans.plan(plan)
        rows = await uow.reports.page(plan_row.id, within=within, task_number=task_number, unit=unit, period=period,
                                      state=state, status=status, after=uuid.UUID(last[0]) if last else None,
                                      limit=limit)
    rows, next_cursor = page_of(rows, limit, lambda r: [str(r.id)], filters)
    return json_response(ReportPage(items=[ReportRead.of(r) for r in rows], next_cursor=next_cursor))


@router.get("/tasks/{number}/reports", response_model=ReportPage, responses=problem_responses(400, 404))
async def list_task_reports(number: TaskNumber, uows: Uows, actor: TasksReader, plan: PlanParam = None,
                            division: Annotated[str | None, Query(description="12-digit division code")] = None,
                            unit: Annotated[str | None, Query(max_length=80)] = None,
                            period: Annotated[PeriodCode | None, Query()] = None,
                            state: ReportState | None = None, status: ReportStatus | None = None,
                            cursor: Cursor = None, limit: PageLimit = 50) -> Response:
    """Reports on one task, oldest first, within the caller's division."""
    return await _page(uows, actor, plan=plan, division=division, task_number=number, unit=unit, period=period,
                       state=state, status=status, cursor=cursor, limit=limit)


@router.get("/reports", response_model=ReportPage, responses=problem_responses(400, 404))
async def list_reports(uows: Uows, actor: TasksReader, plan: PlanParam = None,
                       division: Annotated[str | None, Query(description="12-digit division code")] = None,
                       task: Annotated[int | None, Query(ge=1)] = None,
                       unit: Annotated[str | None, Query(max_length=80)] = None,
                       period: Annotated[PeriodCode | None, Query()] = None,
                       state: ReportState | None = None, status: ReportStatus | None = None,
                       cursor: Cursor = None, limit: PageLimit = 50) -> Response:
    """Reports across tasks (e.g. ``?state=submitted``: the office's review queue; ``?unit=``: one unit's)."""
    return await _page(uows, actor, plan=plan, division=division, task_number=task, unit=unit, period=period,
                       state=state, status=status, cursor=cursor, limit=limit)


@router.get("/tasks/{number}/reports/{report_id}", response_model=ReportRead, responses=problem_responses(404))
async def get_report(number: TaskNumber, report_id: uuid.UUID, uows: Uows, actor: TasksReader) -> Response:
    async with uows() as uow:
        report = await uow.reports.get(report_id, task_number=number, within=actor.division)
    return _one(report)


@router.put("/tasks/{number}/reports/{report_id}", response_model=ReportRead,
            responses=problem_responses(403, 404, 409, 412, 428))
async def revise_report(number: TaskNumber, report_id: uuid.UUID, body: ReportRevise, uows: Uows, actor: TasksWriter,
                        config: Config, version: IfMatchVersion) -> Response:
    """Revise and resubmit a report (after it was returned, or before review). Accepted reports are
    immutable: 409 ``report-accepted``. Requires If-Match."""
    report = await service.revise_report(uows(), number, report_id, body, actor=actor, config=config,
                                         expected_version=version)
    return _one(report)


@router.post("/tasks/{number}/reports/{report_id}/accept", response_model=ReportRead,
             responses=problem_responses(403, 404, 409, 412, 428))
async def accept_report(number: TaskNumber, report_id: uuid.UUID, uows: Uows, actor: TasksReviewer, config: Config,
                        version: IfMatchVersion, body: ReportAccept | None = None) -> Response:
    """The leading-group office accepts a submitted report; it is immutable from then on."""
    report = await service.review_report(uows(), number, report_id, ReportAction.ACCEPT,
                                         comment=body.comment if body else None, actor=actor, config=config,
                                         expected_version=version)
    return _one(report)


@router.post("/tasks/{number}/reports/{report_id}/return", response_model=ReportRead,
             responses=problem_responses(403, 404, 409, 412, 428))
async def return_report(number: TaskNumber, report_id: uuid.UUID, body: ReportReturn, uows: Uows, actor: TasksReviewer,
                        config: Config, version: IfMatchVersion) -> Response:
    """The leading-group office returns a submitted report for revision, saying what to change."""
    report = await service.review_report(uows(), number, report_id, ReportAction.RETURN, comment=body.comment,
                                         actor=actor, config=config, expected_version=version)
    return _one(report)


@router.get("/tasks/{number}/reports/{report_id}/history", response_model=list[HistoryEntry],
            responses=problem_responses(404))
async def report_history(number: TaskNumber, report_id: uuid.UUID, uows: Uows, actor: TasksReader) -> Response:
    """Every event of the report (and an overdue notice before it, if any), oldest first."""
    async with uows() as uow:
        report = await uow.reports.get(report_id, task_number=number, within=actor.division)
        rows = await uow.reports.history(report)
    return json_response([HistoryEntry.of(r) for r in rows])
