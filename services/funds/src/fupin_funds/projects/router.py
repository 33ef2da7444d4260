"""HTTP of the project library."""
from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from fupin_funds.common import after_id
from fupin_funds.db import FundsUow
from fupin_funds.deps import FundsReader, FundsWriter, Uows
from fupin_funds.history import HistoryEntry
from fupin_funds.projects import service
from fupin_funds.projects.domain import summarise
from fupin_funds.projects.models import Project
from fupin_funds.projects.schemas import (BeneficiariesUpdate, PerformanceLine, PerformanceReport, ProjectCreate,
                                          ProjectPage, ProjectRead, ProjectUpdate, ResultRecord, TargetCreate,
                                          TransitionRequest)
from fupin_shared.auth.deps import check_division
from fupin_shared.http.deps import Cursor, IdempotencyDep, IfMatchVersion
from fupin_shared.http.etag import etag_for
from fupin_shared.http.pagination import page_of
from fupin_shared.http.problems import problem_responses
from fupin_shared.http.responses import json_response

router = APIRouter(prefix="/v1", tags=["projects"])


async def _reads(uow: FundsUow, projects: list[Project]) -> list[ProjectRead]:
    ids = [p.id for p in projects]
    beneficiaries = await uow.projects.beneficiaries(ids)
    targets = await uow.projects.targets(ids)
    villages = {p.village_code: await uow.beneficiaries.village(p.village_code) for p in projects}
    return [ProjectRead.of(p, beneficiaries=beneficiaries[p.id], targets=targets[p.id],
                           poor_village=villages[p.village_code].provincial_poor_village
                           if villages[p.village_code] is not None else None) for p in projects]


async def _one(uows: Uows, project_id: uuid.UUID, *, within: str, status_code: int = 200) -> Response:
    async with uows() as uow:
        project = await uow.projects.get(project_id, within=within)
        [read] = await _reads(uow, [project])
    headers = {"ETag": etag_for(project.version)}
    if status_code == 201:
        headers["Location"] = f"projects/{project.id}"
    return json_response(read, status_code=status_code, headers=headers)


@router.post("/projects", status_code=201, response_model=ProjectRead, responses=problem_responses(409))
async def register_project(body: ProjectCreate, uows: Uows, actor: FundsWriter,
                           idempotency: IdempotencyDep) -> Response:
    """Enter a project in the county project library (储备): village, category, content, budget, the plan task
    it serves, beneficiary households (checked against the registry's events) and performance targets."""

    async def action(uow) -> Response:  # noqa: ANN001
        project = await service.register_project(uow, body, actor=actor)
        return await _one(uows, project.id, within=actor.division, status_code=201)

    return await idempotency.run(uows, client_id=actor.client_id, body=body.model_dump(mode="json"), action=action)


@router.get("/projects", response_model=ProjectPage, responses=problem_responses(400))
async def list_projects(uows: Uows, actor: FundsReader,
                        division: Annotated[str | None, Query(description="12-digit division code")] = None,
                        year: Annotated[int | None, Query(ge=2014, le=2035)] = None,
                        status: Annotated[str | None, Query(max_length=20)] = None,
                        category: Annotated[str | None, Query(max_length=40)] = None,
                        plan_task: Annotated[int | None, Query(ge=1, le=32)] = None,
                        cursor: Cursor = None, limit: Annotated[int, Query(ge=1, le=500)] = 50) -> Response:
    """Projects of the library in a division's subtree, oldest first."""
    within = check_division(actor, division)
    filters = {"division": within, "year": year, "status": status, "category": category, "plan_task": plan_task}
    async with uows() as uow:
        rows = await uow.projects.page(within=within, year=year, status=status, category=category,
                                       plan_task=plan_task, after=after_id(cursor, filters), limit=limit)
        rows, next_cursor = page_of(rows, limit, lambda p: [str(p.id)], filters)
        items = await _reads(uow, rows)
    return json_response(ProjectPage(items=items, next_cursor=next_cursor))


@router.get("/projects/{project_id}", response_model=ProjectRead, responses=problem_responses(404))
async def get_project(project_id: uuid.UUID, uows: Uows, actor: FundsReader) -> Response:
    return await _one(uows, project_id, within=actor.division)


@router.patch("/projects/{project_id}", response_model=ProjectRead, responses=problem_responses(404, 409, 412, 428))
async def amend_project(project_id: uuid.UUID, body: ProjectUpdate, uows: Uows, actor: FundsWriter,
                        version: IfMatchVersion) -> Response:
    """Change the plan of a project in reserve or approved (If-Match required; 412 when stale)."""
    await service.amend_project(uows(), project_id, body, actor=actor, expected_version=version)
    return await _one(uows, project_id, within=actor.division)


@router.post("/projects/{project_id}/transitions", response_model=ProjectRead,
             responses=problem_responses(404, 409, 412, 428))
async def transition_project(project_id: uuid.UUID, body: TransitionRequest, uows: Uows, actor: FundsWriter,
                             version: IfMatchVersion) -> Response:
    """Move the project one step of 储备 → 审批 → 实施 → 完工 → 验收 (If-Match required). Illegal moves, approval
    without performance targets, implementation without money and acceptance without output results → 409."""
    await service.transition_project(uows(), project_id, body, actor=actor, expected_version=version)
    return await _one(uows, project_id, within=actor.division)


@router.put("/projects/{project_id}/beneficiaries", response_model=ProjectRead,
            responses=problem_responses(404, 409, 412, 428))
async def set_beneficiaries(project_id: uuid.UUID, body: BeneficiariesUpdate, uows: Uows, actor: FundsWriter,
                            version: IfMatchVersion) -> Response:
    """Replace the beneficiary households (registry ids; unknown, removed or out-of-area households → 409)."""
    await service.set_beneficiaries(uows(), project_id, body, actor=actor, expected_version=version)
    return await _one(uows, project_id, within=actor.division)


@router.post("/projects/{project_id}/targets", status_code=201, response_model=ProjectRead,
             responses=problem_responses(404, 409))
async def add_target(project_id: uuid.UUID, body: TargetCreate, uows: Uows, actor: FundsWriter,
                     idempotency: IdempotencyDep) -> Response:
    """Add a performance target (绩效目标): output, benefit, satisfaction, cost or timeliness indicator."""

    async def action(uow) -> Response:  # noqa: ANN001
        await service.add_target(uow, project_id, body, actor=actor)
        return await _one(uows, project_id, within=actor.division, status_code=201)

    return await idempotency.run(uows, client_id=actor.client_id, body=body.model_dump(mode="json") | {
        "project_id": str(project_id)}, action=action)


@router.put("/projects/{project_id}/targets/{target_id}/result", response_model=ProjectRead,
            responses=problem_responses(404, 409, 412, 428))
async def record_result(project_id: uuid.UUID, target_id: uuid.UUID, body: ResultRecord, uows: Uows,
                        actor: FundsWriter, version: IfMatchVersion) -> Response:
    """Record the measured value of a performance target (If-Match with the project's ETag)."""
    await service.record_result(uows(), project_id, target_id, body, actor=actor, expected_version=version)
    return await _one(uows, project_id, within=actor.division)


@router.get("/projects/{project_id}/history", response_model=list[HistoryEntry], responses=problem_responses(404))
async def project_history(project_id: uuid.UUID, uows: Uows, actor: FundsReader) -> Response:
    """Every event of the project (entry, amendments, transitions, beneficiaries, targets), oldest first."""
    async with uows() as uow:
        await uow.projects.get(project_id, within=actor.division)
        return json_response(await uow.history.of(project_id))


@router.get("/performance", response_model=PerformanceReport, responses=problem_responses(400))
async def performance(uows: Uows, actor: FundsReader,
                      division: Annotated[str | None, Query(description="12-digit division code")] = None,
                      year: Annotated[int | None, Query(ge=2014, le=2035)] = None) -> Response:
    """Performance targets and results per project of a division: measured, met, and the share met."""
    within = check_division(actor, division)
    async with uows() as uow:
        pairs = await uow.projects.performance_by_project(within=within, year=year)
    lines = []
    for project, targets in pairs:
        s = summarise([(t.direction, t.target_value, t.actual_value) for t in targets])
        lines.append(PerformanceLine(project_id=project.id, name=project.name, village_code=project.village_code,
                                     status=project.status, targets=s.targets, measured=s.measured, met=s.met,
                                     rate=s.rate))
    measured, met = sum(line.measured for line in lines), sum(line.met for line in lines)
    return json_response(PerformanceReport(
        division=within, year=year, projects=len(lines), targets=sum(line.targets for line in lines),
        measured=measured, met=met, rate=round(met / measured, 4) if measured else None, lines=lines))
