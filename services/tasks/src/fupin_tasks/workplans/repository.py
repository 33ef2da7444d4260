"""Every SELECT on work plans; division scoping applied to every read."""
from __future__ import annotations

import uuid
from typing import Any

from fupin_shared.auth.principal import division_range
from fupin_shared.outbox import InfrastructureTables
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_tasks.workplans.errors import WorkPlanNotFound
from fupin_tasks.workplans.models import WorkPlan


class WorkPlanRepository:
    def __init__(self, session: AsyncSession, infra: InfrastructureTables) -> None:
        self.session = session
        self.infra = infra

    def add(self, row: WorkPlan) -> None:
        self.session.add(row)

    async def get(self, work_plan_id: uuid.UUID, *, task_number: int, within: str) -> WorkPlan:
        low, high = division_range(within)
        row = await self.session.scalar(select(WorkPlan).where(
            WorkPlan.id == work_plan_id, WorkPlan.task_number == task_number,
            WorkPlan.division_code.between(low, high)))
        if row is None:
            raise WorkPlanNotFound(work_plan_id)
        return row

    async def find(self, plan_id: str, task_number: int, unit: str, year: int) -> WorkPlan | None:
        return await self.session.scalar(select(WorkPlan).where(
            WorkPlan.plan_id == plan_id, WorkPlan.task_number == task_number, WorkPlan.unit == unit,
            WorkPlan.year == year))

    async def existing_keys(self, plan_id: str) -> set[tuple[int, str, int]]:
        rows = await self.session.execute(select(WorkPlan.task_number, WorkPlan.unit, WorkPlan.year)
                                          .where(WorkPlan.plan_id == plan_id))
        return {(t, u, y) for t, u, y in rows}

    async def page(self, plan_id: str, task_number: int, *, within: str, unit: str | None, year: int | None,
                   after: uuid.UUID | None, limit: int) -> list[WorkPlan]:
        low, high = division_range(within)
        query = select(WorkPlan).where(WorkPlan.plan_id == plan_id, WorkPlan.task_number == task_number,
                                       WorkPlan.division_code.between(low, high))
        if unit is not None:
            query = query.where(WorkPlan.unit == unit)
        if year is not None:
            query = query.where(WorkPlan.year == year)
        if after is not None:
            query = query.where(WorkPlan.id > after)
        return list((await self.session.scalars(query.order_by(WorkPlan.id).limit(limit + 1))).all())

    async def history(self, row: WorkPlan) -> list[Any]:
        Outbox = self.infra.Outbox
        rows = (await self.session.scalars(select(Outbox).where(
            Outbox.subject == str(row.task_number), Outbox.type.startswith("fupin.tasks.work_plan."))
            .order_by(Outbox.id))).all()
        return [r for r in rows if r.data.get("work_plan_id") == str(row.id)]
