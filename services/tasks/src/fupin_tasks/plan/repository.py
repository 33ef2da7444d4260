"""Every SELECT on plans, units, tasks and the matrix."""
from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_tasks.plan.errors import PlanNotFound, TaskNotFound, UnitNotFound
from fupin_tasks.plan.models import Plan, Task, TaskUnit, Unit


class PlanRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: object) -> None:
        self.session.add(row)

    async def find_plan(self, plan_id: str) -> Plan | None:
        return await self.session.get(Plan, plan_id)

    async def plan(self, plan_id: str | None = None) -> Plan:
        """The named plan, or the current one (the latest plan period; the last loaded on a tie)."""
        if plan_id is not None:
            plan = await self.session.get(Plan, plan_id)
        else:
            plan = await self.session.scalar(
                select(Plan).order_by(Plan.period_start.desc(), Plan.loaded_at.desc()).limit(1))
        if plan is None:
            raise PlanNotFound(plan_id)
        return plan

    async def plans(self) -> list[Plan]:
        return list((await self.session.scalars(select(Plan).order_by(Plan.period_start, Plan.id))).all())

    async def units_by_name(self) -> dict[str, Unit]:
        return {u.name: u for u in (await self.session.scalars(select(Unit))).all()}

    async def unit(self, name: str) -> Unit:
        unit = await self.session.get(Unit, name)
        if unit is None:
            raise UnitNotFound(name)
        return unit

    async def units_page(self, *, kind: str | None, within: tuple[str, str] | None, after: str | None,
                         limit: int) -> list[Unit]:
        query = select(Unit)
        if kind:
            query = query.where(Unit.kind == kind)
        if within is not None:
            query = query.where(Unit.division_code.between(*within))
        if after is not None:
            query = query.where(Unit.name > after)
        return list((await self.session.scalars(query.order_by(Unit.name).limit(limit + 1))).all())

    async def tasks(self, plan_id: str) -> list[Task]:
        return list((await self.session.scalars(
            select(Task).where(Task.plan_id == plan_id).order_by(Task.number))).all())

    async def tasks_page(self, plan_id: str, *, section: str | None, numbers: set[int] | None,
                         after: int | None, limit: int) -> list[Task]:
        query = select(Task).where(Task.plan_id == plan_id)
        if section:
            query = query.where(Task.section == section)
        if numbers is not None:
            query = query.where(Task.number.in_(sorted(numbers) or [-1]))
        if after is not None:
            query = query.where(Task.number > after)
        return list((await self.session.scalars(query.order_by(Task.number).limit(limit + 1))).all())

    async def task(self, plan_id: str, number: int) -> Task:
        task = await self.session.get(Task, (plan_id, number))
        if task is None:
            raise TaskNotFound(plan_id, number)
        return task

    async def cells(self, plan_id: str, *, task_number: int | None = None, unit: str | None = None) -> list[TaskUnit]:
        query = select(TaskUnit).where(TaskUnit.plan_id == plan_id)
        if task_number is not None:
            query = query.where(TaskUnit.task_number == task_number)
        if unit is not None:
            query = query.where(TaskUnit.unit == unit)
        return list((await self.session.scalars(
            query.order_by(TaskUnit.task_number, TaskUnit.position))).all())

    async def role_of(self, plan_id: str, task_number: int, unit: str) -> str | None:
        cell = await self.session.get(TaskUnit, (plan_id, task_number, unit))
        return cell.role if cell is not None else None

    async def replace_cells(self, plan_id: str, cells: list[TaskUnit]) -> None:
        await self.session.execute(delete(TaskUnit).where(TaskUnit.plan_id == plan_id))
        await self.session.flush()
        self.session.add_all(cells)
