"""Work-plan use cases: a unit files and revises its yearly milestones for a task."""
from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from fupin_shared.auth.principal import Principal
from fupin_shared.contracts.tasks import WorkPlanChanged
from fupin_shared.db import utc_now, uuid7
from fupin_shared.http.etag import require_version

from fupin_tasks.access import AccessPolicy
from fupin_tasks.config import TasksConfig
from fupin_tasks.db import TasksUow
from fupin_tasks.workplans.domain import Milestone, check_milestones, done_count
from fupin_tasks.workplans.errors import WorkPlanExists
from fupin_tasks.workplans.models import WorkPlan
from fupin_tasks.workplans.schemas import WorkPlanCreate, WorkPlanRevise


def _stored(milestones: Sequence[Milestone]) -> list[dict]:
    return [{"title": m.title, "due_on": m.due_on.isoformat(), "owner_name": m.owner_name, "owner_post": m.owner_post,
             "status": m.status.value, "done_on": m.done_on.isoformat() if m.done_on else None} for m in milestones]


async def _record(uow: TasksUow, row: WorkPlan, milestones: Sequence[Milestone], actor: str, *,
                  flush: bool = True) -> None:
    if flush:
        await uow.session.flush()  # the version column is current after the flush
    uow.record(WorkPlanChanged(work_plan_id=row.id, plan_id=row.plan_id, task_number=row.task_number, unit=row.unit,
                               role=row.role, year=row.year, milestones=len(milestones),
                               milestones_done=done_count(milestones), version=row.version,
                               division_code=row.division_code),
               subject=str(row.task_number), division=row.division_code, actor=actor)


async def file_work_plan(uow: TasksUow, task_number: int, request: WorkPlanCreate, *, actor: Principal,
                         config: TasksConfig, plan_id: str | None = None) -> WorkPlan:
    """A unit with a role on the task breaks its part into the year's milestones with owners. The
    lead unit plans the task as a whole; participants plan their share (most tasks are led by
    "各级党委和政府", so the city departments' own plans are where the work is made concrete)."""
    unit_name = config.policy.acting_unit(actor, request.unit)
    milestones = [m.to_domain() for m in request.milestones]
    async with uow:
        plan = await uow.plans.plan(plan_id)
        await uow.plans.task(plan.id, task_number)
        role = config.policy.require_role(unit_name, task_number, await uow.plans.role_of(plan.id, task_number, unit_name))
        unit = await uow.plans.unit(unit_name)
        config.policy.require_within_division(actor, unit.name, unit.division_code)
        check_milestones(milestones, year=request.year, plan_start=plan.period_start, plan_end=plan.period_end)
        if (existing := await uow.work_plans.find(plan.id, task_number, unit_name, request.year)) is not None:
            raise WorkPlanExists(unit_name, task_number, request.year, existing.id)
        now = utc_now()
        row = WorkPlan(id=uuid7(), plan_id=plan.id, task_number=task_number, unit=unit_name, role=role,
                       division_code=unit.division_code, year=request.year, summary=request.summary,
                       milestones=_stored(milestones), created_by=actor.sub, created_at=now, updated_at=now)
        uow.work_plans.add(row)
        await _record(uow, row, milestones, actor.sub)
        await uow.commit()
    return row


async def revise_work_plan(uow: TasksUow, task_number: int, work_plan_id: uuid.UUID, request: WorkPlanRevise, *,
                           actor: Principal, config: TasksConfig, expected_version: int) -> WorkPlan:
    """The unit replaces its milestones (progress, re-planning); If-Match guards lost updates."""
    milestones = [m.to_domain() for m in request.milestones]
    async with uow:
        row = await uow.work_plans.get(work_plan_id, task_number=task_number, within=actor.division)
        config.policy.acting_unit(actor, row.unit)
        require_version(row.version, expected_version)
        plan = await uow.plans.plan(row.plan_id)
        check_milestones(milestones, year=row.year, plan_start=plan.period_start, plan_end=plan.period_end)
        row.summary, row.milestones = request.summary, _stored(milestones)
        await _record(uow, row, milestones, actor.sub)
        await uow.commit()
    return row


@dataclass
class PlannedWork:
    task_number: int
    unit: str
    year: int
    summary: str
    milestones: list[Milestone]


async def backfill_work_plans(uow: TasksUow, items: Iterable[PlannedWork], *, actor: str,
                              plan_id: str | None = None) -> int:
    """Bulk path: file many work plans in one transaction under the same rules; existing ones kept."""
    count = 0
    async with uow:
        plan = await uow.plans.plan(plan_id)
        cells = {(c.task_number, c.unit): c.role for c in await uow.plans.cells(plan.id)}
        units = await uow.plans.units_by_name()
        existing = await uow.work_plans.existing_keys(plan.id)
        now = utc_now()
        for item in items:
            if (item.task_number, item.unit, item.year) in existing:
                continue
            role = AccessPolicy.require_role(item.unit, item.task_number, cells.get((item.task_number, item.unit)))
            check_milestones(item.milestones, year=item.year, plan_start=plan.period_start, plan_end=plan.period_end)
            row = WorkPlan(id=uuid7(), plan_id=plan.id, task_number=item.task_number, unit=item.unit, role=role,
                           division_code=units[item.unit].division_code, year=item.year, summary=item.summary,
                           milestones=_stored(item.milestones), created_by=actor, version=1, created_at=now,
                           updated_at=now)
            uow.work_plans.add(row)
            await _record(uow, row, item.milestones, actor, flush=False)
            count += 1
        await uow.commit()
    return count
