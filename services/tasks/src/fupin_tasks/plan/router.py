"""HTTP for plans, units, tasks and the responsibility matrix."""
from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response
from fupin_shared.auth.principal import division_range
from fupin_shared.http.deps import Cursor
from fupin_shared.http.pagination import decode_cursor, page_of
from fupin_shared.http.problems import problem_responses
from fupin_shared.http.responses import json_response

from fupin_tasks.codes import code_lists
from fupin_tasks.deps import Config, PageLimit, PlanParam, TaskNumber, TasksReader, TasksReviewer, Uows
from fupin_tasks.plan import service
from fupin_tasks.plan.matrix_html import render_matrix_html
from fupin_tasks.plan.schemas import (
    DeadlineRead,
    MatrixGrid,
    MatrixRow,
    PlanLoad,
    PlanLoadResult,
    PlanPage,
    PlanRead,
    TaskBrief,
    TaskPage,
    TaskRead,
    TaskResponsibilities,
    UnitBrief,
    UnitPage,
    UnitRead,
    UnitResponsibilities,
)

router = APIRouter(prefix="/v1", tags=["plan and matrix"])


class MatrixView(StrEnum):
    GRID = "grid"
    BY_UNIT = "by_unit"
    BY_TASK = "by_task"


def _brief(task) -> TaskBrief:  # noqa: ANN001
    return TaskBrief(number=task.number, section=task.section, title=task.title,
                     deadlines=[DeadlineRead(**d) for d in task.deadlines or []])


@router.get("/plans", response_model=PlanPage, responses=problem_responses(400))
async def list_plans(uows: Uows, actor: TasksReader, cursor: Cursor = None, limit: PageLimit = 50) -> Response:
    """Loaded plans by period; ``current`` marks the one used when a request names none."""
    filters: dict = {}
    last = decode_cursor(cursor, filters)
    async with uows() as uow:
        plans = await uow.plans.plans()
        current = (await uow.plans.plan()).id if plans else None
    rows = [p for p in plans if last is None or (p.period_start, p.id) > (last[0], last[1])][:limit + 1]
    rows, next_cursor = page_of(rows, limit, lambda p: [p.period_start, p.id], filters)
    return json_response(PlanPage(items=[PlanRead.of(p, p.id == current) for p in rows], next_cursor=next_cursor))


@router.get("/plans/{plan_id}", response_model=PlanRead, responses=problem_responses(404))
async def get_plan(plan_id: str, uows: Uows, actor: TasksReader) -> Response:
    async with uows() as uow:
        plan = await uow.plans.plan(plan_id)
        current = (await uow.plans.plan()).id
    return json_response(PlanRead.of(plan, plan.id == current))


@router.post("/plans", response_model=PlanLoadResult, responses=problem_responses(403, 409, 422))
async def load_plan(body: PlanLoad, uows: Uows, actor: TasksReviewer, config: Config) -> Response:
    """Load a plan of plan.json's shape (the next plan, or a corrected version of a loaded one) —
    the leading-group office or a city-wide administrator. Idempotent: the same content again
    changes nothing (``change: unchanged``)."""
    config.policy.require_reviewer(actor)
    result = await service.load_plan(uows(), body.plan, body.units, config=config, actor=actor.sub)
    return json_response(PlanLoadResult(**result.__dict__), status_code=201 if result.change == "created" else 200)


@router.get("/units", response_model=UnitPage, responses=problem_responses(400, 404))
async def list_units(uows: Uows, actor: TasksReader, plan: PlanParam = None,
                     kind: Annotated[str | None, Query(max_length=30)] = None,
                     division: Annotated[str | None, Query(pattern=r"^\d{12}$")] = None,
                     cursor: Cursor = None, limit: PageLimit = 50) -> Response:
    """The units of the responsibility matrix with their kind and the tasks they lead or take part in."""
    filters = {"plan": plan, "kind": kind, "division": division}
    last = decode_cursor(cursor, filters)
    async with uows() as uow:
        plan_row = await uow.plans.plan(plan)
        rows = await uow.plans.units_page(kind=kind, within=division_range(division) if division else None,
                                          after=last[0] if last else None, limit=limit)
        cells = await uow.plans.cells(plan_row.id)
    rows, next_cursor = page_of(rows, limit, lambda u: [u.name], filters)
    return json_response(UnitPage(items=[UnitRead.of(u, [c for c in cells if c.unit == u.name]) for u in rows],
                                  next_cursor=next_cursor))


@router.get("/units/{name}", response_model=UnitRead, responses=problem_responses(404))
async def get_unit(name: str, uows: Uows, actor: TasksReader, plan: PlanParam = None) -> Response:
    async with uows() as uow:
        plan_row = await uow.plans.plan(plan)
        unit = await uow.plans.unit(name)
        cells = await uow.plans.cells(plan_row.id, unit=name)
    return json_response(UnitRead.of(unit, cells))


@router.get("/tasks", response_model=TaskPage, responses=problem_responses(400, 404))
async def list_tasks(uows: Uows, actor: TasksReader, plan: PlanParam = None,
                     section: Annotated[str | None, Query(max_length=8, description="Plan section, e.g. 四")] = None,
                     unit: Annotated[str | None, Query(max_length=80, description="Tasks this unit has a role in")] = None,
                     cursor: Cursor = None, limit: PageLimit = 50) -> Response:
    """The plan's tasks in order, with lead and participating units, deadlines and targets (with progress)."""
    filters = {"plan": plan, "section": section, "unit": unit}
    last = decode_cursor(cursor, filters)
    async with uows() as uow:
        plan_row = await uow.plans.plan(plan)
        cells = await uow.plans.cells(plan_row.id)
        numbers = {c.task_number for c in cells if c.unit == unit} if unit else None
        rows = await uow.plans.tasks_page(plan_row.id, section=section, numbers=numbers,
                                          after=int(last[0]) if last else None, limit=limit)
        targets = await uow.targets.all(plan_row.id)
    rows, next_cursor = page_of(rows, limit, lambda t: [t.number], filters)
    items = [TaskRead.of(t, [c for c in cells if c.task_number == t.number], targets) for t in rows]
    return json_response(TaskPage(items=items, next_cursor=next_cursor))


@router.get("/tasks/{number}", response_model=TaskRead, responses=problem_responses(404))
async def get_task(number: TaskNumber, uows: Uows, actor: TasksReader, plan: PlanParam = None) -> Response:
    async with uows() as uow:
        plan_row = await uow.plans.plan(plan)
        task = await uow.plans.task(plan_row.id, number)
        cells = await uow.plans.cells(plan_row.id, task_number=number)
        targets = await uow.targets.all(plan_row.id)
    return json_response(TaskRead.of(task, cells, targets))


@router.get("/matrix", responses=problem_responses(404))
async def matrix(uows: Uows, actor: TasksReader, plan: PlanParam = None, view: MatrixView = MatrixView.GRID) -> Response:
    """The responsibility matrix: unit × task → ``lead`` | ``participant``. ``view=grid`` (rows of
    units with a cell per task), ``by_unit`` (what each unit is responsible for) or ``by_task`` (who
    does what). A printable Chinese version is at ``/v1/matrix.html``."""
    async with uows() as uow:
        plan_row = await uow.plans.plan(plan)
        tasks = await uow.plans.tasks(plan_row.id)
        cells = await uow.plans.cells(plan_row.id)
        units = await uow.plans.units_by_name()
    in_plan = sorted({c.unit for c in cells})
    if view is MatrixView.GRID:
        rows = [MatrixRow(unit=name, kind=units[name].kind, collective=units[name].collective,
                          cells={str(c.task_number): c.role for c in cells if c.unit == name}) for name in in_plan]
        return json_response(MatrixGrid(plan_id=plan_row.id, lead_unit_rule=plan_row.lead_unit_rule,
                                        tasks=[_brief(t) for t in tasks], rows=rows))
    if view is MatrixView.BY_UNIT:
        by_number = {t.number: t for t in tasks}
        return json_response([UnitResponsibilities(
            plan_id=plan_row.id, unit=name, kind=units[name].kind, division_code=units[name].division_code,
            collective=units[name].collective,
            lead=[_brief(by_number[c.task_number]) for c in cells if c.unit == name and c.role == "lead"],
            participant=[_brief(by_number[c.task_number]) for c in cells if c.unit == name and c.role == "participant"])
            for name in in_plan])
    return json_response([_task_view(plan_row.id, t, [c for c in cells if c.task_number == t.number], units)
                          for t in tasks])


def _task_view(plan_id: str, task, cells, units) -> TaskResponsibilities:  # noqa: ANN001
    def brief(name: str) -> UnitBrief:
        return UnitBrief(name=name, kind=units[name].kind, collective=units[name].collective)

    ordered = sorted(cells, key=lambda c: c.position)
    return TaskResponsibilities(plan_id=plan_id, number=task.number, title=task.title,
                                lead_units=[brief(c.unit) for c in ordered if c.role == "lead"],
                                participating_units=[brief(c.unit) for c in ordered if c.role == "participant"])


@router.get("/matrix/units/{unit}", response_model=UnitResponsibilities, responses=problem_responses(404))
async def unit_responsibilities(unit: str, uows: Uows, actor: TasksReader, plan: PlanParam = None) -> Response:
    """What is this unit responsible for? The tasks it leads and takes part in, with deadlines."""
    async with uows() as uow:
        plan_row = await uow.plans.plan(plan)
        row = await uow.plans.unit(unit)
        cells = await uow.plans.cells(plan_row.id, unit=unit)
        tasks = {t.number: t for t in await uow.plans.tasks(plan_row.id)}
    return json_response(UnitResponsibilities(
        plan_id=plan_row.id, unit=row.name, kind=row.kind, division_code=row.division_code, collective=row.collective,
        lead=[_brief(tasks[c.task_number]) for c in cells if c.role == "lead"],
        participant=[_brief(tasks[c.task_number]) for c in cells if c.role == "participant"]))


@router.get("/matrix/tasks/{number}", response_model=TaskResponsibilities, responses=problem_responses(404))
async def task_responsibilities(number: TaskNumber, uows: Uows, actor: TasksReader, plan: PlanParam = None) -> Response:
    """Who does what on one task: the lead unit(s) first, then the participating units."""
    async with uows() as uow:
        plan_row = await uow.plans.plan(plan)
        task = await uow.plans.task(plan_row.id, number)
        cells = await uow.plans.cells(plan_row.id, task_number=number)
        units = await uow.plans.units_by_name()
    return json_response(_task_view(plan_row.id, task, cells, units))


@router.get("/matrix.html", response_class=HTMLResponse, responses=problem_responses(404))
async def matrix_html(uows: Uows, plan: PlanParam = None) -> HTMLResponse:
    """The printable matrix in Chinese. Public like the plan document itself (肇办发〔2018〕24号): it
    shows only the published division of responsibilities, no reports and no personal data."""
    async with uows() as uow:
        plan_row = await uow.plans.plan(plan)
        tasks = await uow.plans.tasks(plan_row.id)
        cells = await uow.plans.cells(plan_row.id)
        units = await uow.plans.units_by_name()
    ordered = sorted(cells, key=lambda c: (c.task_number, c.position))
    task_dicts = [{"number": t.number, "section": t.section, "section_title": t.section_title, "title": t.title,
                   "deadlines": t.deadlines,
                   "lead_units": [c.unit for c in ordered if c.task_number == t.number and c.role == "lead"],
                   "participating_units": [c.unit for c in ordered
                                           if c.task_number == t.number and c.role == "participant"]}
                  for t in tasks]
    names = sorted({c.unit for c in cells})
    page = render_matrix_html(title=plan_row.title, document_number=plan_row.document_number,
                              lead_unit_rule=plan_row.lead_unit_rule, tasks=task_dicts,
                              units=[{"name": n, "kind": units[n].kind} for n in names],
                              cells={(c.unit, c.task_number): c.role for c in cells})
    return HTMLResponse(page)


@router.get("/code-lists", responses=problem_responses())
async def get_code_lists(actor: TasksReader) -> Response:
    """Codes used by the tasks service with Chinese and English labels."""
    return json_response(code_lists())
