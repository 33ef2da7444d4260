"""HTTP for targets and the live figures that feed them."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from fupin_shared.auth.deps import check_division
from fupin_shared.http.deps import Cursor
from fupin_shared.http.pagination import decode_cursor, page_of
from fupin_shared.http.problems import problem_responses
from fupin_shared.http.responses import json_response

from fupin_tasks.deps import PageLimit, PlanParam, TasksReader, Uows
from fupin_tasks.targets.domain import FIGURE_LABELS, compute_figures
from fupin_tasks.targets.schemas import FigureRead, FiguresRead, TargetPage, TargetRead

router = APIRouter(prefix="/v1", tags=["targets"])


@router.get("/targets", response_model=TargetPage, responses=problem_responses(400, 404))
async def list_targets(uows: Uows, actor: TasksReader, plan: PlanParam = None,
                       task: Annotated[int | None, Query(ge=1, description="Targets of one task")] = None,
                       fed: Annotated[bool | None, Query(description="Only targets fed (or not) by registry/funds")] = None,
                       cursor: Cursor = None, limit: PageLimit = 50) -> Response:
    """The plan's goals (G…) and task targets (T…) with deadlines and progress."""
    filters = {"plan": plan, "task": task, "fed": fed}
    last = decode_cursor(cursor, filters)
    async with uows() as uow:
        plan_row = await uow.plans.plan(plan)
        rows = await uow.targets.page(plan_row.id, fed=fed, after=last[0] if last else None,
                                      limit=limit if task is None else 10_000)
    if task is not None:
        rows = [t for t in rows if t.task_number == task or task in (t.related_tasks or [])][:limit + 1]
    rows, next_cursor = page_of(rows, limit, lambda t: [t.id], filters)
    return json_response(TargetPage(items=[TargetRead.of(t) for t in rows], next_cursor=next_cursor))


@router.get("/targets/{target_id}", response_model=TargetRead, responses=problem_responses(404))
async def get_target(target_id: str, uows: Uows, actor: TasksReader, plan: PlanParam = None) -> Response:
    async with uows() as uow:
        plan_row = await uow.plans.plan(plan)
        target = await uow.targets.get(plan_row.id, target_id)
    return json_response(TargetRead.of(target))


@router.get("/figures", response_model=FiguresRead, responses=problem_responses(400))
async def figures(uows: Uows, actor: TasksReader,
                  division: Annotated[str | None, Query(description="12-digit division code")] = None) -> Response:
    """Figures kept from registry and funds events (households identified and exited, villages
    exited, guarantees, allocations disclosed, funds disbursed) for a division's subtree."""
    within = check_division(actor, division)
    async with uows() as uow:
        values = compute_figures(await uow.targets.counts(within))
    return json_response(FiguresRead(division=within, figures=[
        FigureRead(name=name, value=value, label_zh=FIGURE_LABELS[name][0], label_en=FIGURE_LABELS[name][1])
        for name, value in values.items()]))
