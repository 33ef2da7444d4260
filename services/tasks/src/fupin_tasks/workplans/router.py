"""HTTP for work plans (yearly milestones with owners)."""
from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from fupin_shared.auth.deps import check_division
from fupin_shared.http.deps import Cursor, IdempotencyDep, IfMatchVersion
from fupin_shared.http.etag import etag_for
from fupin_shared.http.handlers import request_id_var
from fupin_shared.http.pagination import decode_cursor, page_of
from fupin_shared.http.problems import problem_responses
from fupin_shared.http.responses import json_response

from fupin_tasks.deps import Config, PageLimit, PlanParam, TaskNumber, TasksReader, TasksWriter, Uows
from fupin_tasks.schemas import HistoryEntry
from fupin_tasks.workplans import service
from fupin_tasks.workplans.schemas import WorkPlanCreate, WorkPlanPage, WorkPlanRead, WorkPlanRevise

router = APIRouter(prefix="/v1", tags=["work plans"])


def _one(row, actor, status_code: int = 200) -> Response:  # noqa: ANN001
    headers = {"ETag": etag_for(row.version)}
    if status_code == 201:
        headers["Location"] = f"/v1/tasks/{row.task_number}/work-plans/{row.id}"
    return json_response(WorkPlanRead.of(row, unmasked=actor.may_read_pii), status_code=status_code, headers=headers)


@router.post("/tasks/{number}/work-plans", status_code=201, response_model=WorkPlanRead,
             responses=problem_responses(403, 404, 409, 422))
async def file_work_plan(number: TaskNumber, body: WorkPlanCreate, uows: Uows, actor: TasksWriter, config: Config,
                         idempotency: IdempotencyDep, plan: PlanParam = None) -> Response:
    """File a unit's work plan for a task and year: milestones, each with its owner (分解到年、落实到人).
    Only units with a role on the task (403 otherwise). Honors Idempotency-Key."""

    async def action(uow) -> Response:  # noqa: ANN001
        row = await service.file_work_plan(uow, number, body, actor=actor, config=config, plan_id=plan)
        return _one(row, actor, 201)

    return await idempotency.run(uows, client_id=actor.client_id,
                                 body={"plan": plan, "task": number, **body.model_dump(mode="json")}, action=action)


@router.get("/tasks/{number}/work-plans", response_model=WorkPlanPage, responses=problem_responses(400, 404))
async def list_work_plans(number: TaskNumber, uows: Uows, actor: TasksReader, plan: PlanParam = None,
                          division: Annotated[str | None, Query(description="12-digit division code")] = None,
                          unit: Annotated[str | None, Query(max_length=80)] = None,
                          year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
                          cursor: Cursor = None, limit: PageLimit = 50) -> Response:
    """Work plans of a task. Owners' names are masked unless the caller holds pii:read (logged)."""
    within = check_division(actor, division)
    filters = {"plan": plan, "task": number, "division": within, "unit": unit, "year": year}
    last = decode_cursor(cursor, filters)
    async with uows() as uow:
        plan_row = await uow.plans.plan(plan)
        await uow.plans.task(plan_row.id, number)
        rows = await uow.work_plans.page(plan_row.id, number, within=within, unit=unit, year=year,
                                         after=uuid.UUID(last[0]) if last else None, limit=limit)
        rows, next_cursor = page_of(rows, limit, lambda w: [str(w.id)], filters)
        if actor.may_read_pii and rows:
            uow.log_access(actor=actor.sub, division=within, action="work_plan.list",
                           resource=f"tasks/{number}/work-plans", request_id=request_id_var.get())
            await uow.commit()
    return json_response(WorkPlanPage(items=[WorkPlanRead.of(w, unmasked=actor.may_read_pii) for w in rows],
                                      next_cursor=next_cursor))


@router.get("/tasks/{number}/work-plans/{work_plan_id}", response_model=WorkPlanRead,
            responses=problem_responses(404))
async def get_work_plan(number: TaskNumber, work_plan_id: uuid.UUID, uows: Uows, actor: TasksReader) -> Response:
    async with uows() as uow:
        row = await uow.work_plans.get(work_plan_id, task_number=number, within=actor.division)
        if actor.may_read_pii:
            uow.log_access(actor=actor.sub, division=row.division_code, action="work_plan.read",
                           resource=f"work-plan/{work_plan_id}", request_id=request_id_var.get())
            await uow.commit()
    return _one(row, actor)


@router.put("/tasks/{number}/work-plans/{work_plan_id}", response_model=WorkPlanRead,
            responses=problem_responses(403, 404, 412, 428))
async def revise_work_plan(number: TaskNumber, work_plan_id: uuid.UUID, body: WorkPlanRevise, uows: Uows,
                           actor: TasksWriter, config: Config, version: IfMatchVersion) -> Response:
    """Replace the milestones (progress, re-planning). Requires If-Match."""
    row = await service.revise_work_plan(uows(), number, work_plan_id, body, actor=actor, config=config,
                                         expected_version=version)
    return _one(row, actor)


@router.get("/tasks/{number}/work-plans/{work_plan_id}/history", response_model=list[HistoryEntry],
            responses=problem_responses(404))
async def work_plan_history(number: TaskNumber, work_plan_id: uuid.UUID, uows: Uows, actor: TasksReader) -> Response:
    async with uows() as uow:
        row = await uow.work_plans.get(work_plan_id, task_number=number, within=actor.division)
        rows = await uow.work_plans.history(row)
    return json_response([HistoryEntry.of(r) for r in rows])
