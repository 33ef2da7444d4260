"""Every SELECT and guarded counter UPDATE of the project library; division scoping on every read."""
from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_funds.ledger.models import Disbursement, FundAllocation
from fupin_funds.projects.errors import ProjectNotFound, TargetNotFound
from fupin_funds.projects.models import PerformanceTarget, Project, ProjectBeneficiary
from fupin_shared.auth.principal import division_range


def _in(column: Any, division: str) -> Any:
    low, high = division_range(division)
    return column.between(low, high)


class ProjectRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: Any) -> None:
        self.session.add(row)

    async def get(self, project_id: uuid.UUID, *, within: str | None) -> Project:
        query = select(Project).where(Project.id == project_id)
        if within is not None:
            query = query.where(_in(Project.village_code, within))
        row = await self.session.scalar(query.execution_options(populate_existing=True))
        if row is None:
            raise ProjectNotFound(project_id)
        return row

    async def many(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, Project]:
        if not ids:
            return {}
        rows = (await self.session.scalars(select(Project).where(Project.id.in_(ids)))).all()
        return {row.id: row for row in rows}

    async def page(self, *, within: str, year: int | None, status: str | None, category: str | None,
                   plan_task: int | None, after: uuid.UUID | None, limit: int) -> list[Project]:
        query = select(Project).where(_in(Project.village_code, within))
        if year is not None:
            query = query.where(Project.year == year)
        if status:
            query = query.where(Project.status == status)
        if category:
            query = query.where(Project.category == category)
        if plan_task is not None:
            query = query.where(Project.plan_task == plan_task)
        if after is not None:
            query = query.where(Project.id > after)
        return list((await self.session.scalars(query.order_by(Project.id).limit(limit + 1))).all())

    async def in_division(self, division: str, *, year: int, statuses: set[str] | None = None) -> list[Project]:
        query = select(Project).where(_in(Project.village_code, division), Project.year == year)
        if statuses:
            query = query.where(Project.status.in_(sorted(statuses)))
        return list((await self.session.scalars(query.order_by(Project.village_code, Project.id))).all())

    # --- beneficiaries and targets ------------------------------------------------------------

    async def beneficiaries(self, project_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
        out: dict[uuid.UUID, list[uuid.UUID]] = {pid: [] for pid in project_ids}
        if not project_ids:
            return out
        rows = await self.session.execute(select(ProjectBeneficiary.project_id, ProjectBeneficiary.household_id).where(
            ProjectBeneficiary.project_id.in_(project_ids)).order_by(ProjectBeneficiary.household_id))
        for pid, hid in rows:
            out[pid].append(hid)
        return out

    def add_beneficiaries(self, project_id: uuid.UUID, household_ids: list[uuid.UUID]) -> None:
        self.session.add_all([ProjectBeneficiary(project_id=project_id, household_id=h) for h in household_ids])

    async def replace_beneficiaries(self, project_id: uuid.UUID, household_ids: list[uuid.UUID]) -> None:
        await self.session.execute(delete(ProjectBeneficiary).where(ProjectBeneficiary.project_id == project_id))
        self.add_beneficiaries(project_id, household_ids)

    async def beneficiary_count(self, project_id: uuid.UUID) -> int:
        return int((await self.session.execute(select(func.count()).select_from(ProjectBeneficiary).where(
            ProjectBeneficiary.project_id == project_id))).scalar_one())

    async def targets(self, project_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[PerformanceTarget]]:
        out: dict[uuid.UUID, list[PerformanceTarget]] = {pid: [] for pid in project_ids}
        if not project_ids:
            return out
        rows = (await self.session.scalars(select(PerformanceTarget).where(
            PerformanceTarget.project_id.in_(project_ids)).order_by(PerformanceTarget.id))).all()
        for row in rows:
            out[row.project_id].append(row)
        return out

    async def target(self, project_id: uuid.UUID, target_id: uuid.UUID) -> PerformanceTarget:
        row = await self.session.scalar(select(PerformanceTarget).where(
            PerformanceTarget.id == target_id, PerformanceTarget.project_id == project_id))
        if row is None:
            raise TargetNotFound(target_id)
        return row

    # --- guarded counters (see ledger.repository for why) -------------------------------------

    async def fund(self, project_id: uuid.UUID, amount_fen: int) -> bool:
        result = await self.session.execute(
            update(Project).where(Project.id == project_id, Project.funded_fen + amount_fen <= Project.budget_fen)
            .values(funded_fen=Project.funded_fen + amount_fen).execution_options(synchronize_session=False))
        return result.rowcount == 1

    async def unfund(self, project_id: uuid.UUID, amount_fen: int) -> None:
        await self.session.execute(update(Project).where(Project.id == project_id).values(
            funded_fen=Project.funded_fen - amount_fen).execution_options(synchronize_session=False))

    async def pay(self, project_id: uuid.UUID, amount_fen: int, *, cap_fen: int, progress_pct: int | None) -> bool:
        values: dict[str, Any] = {"disbursed_fen": Project.disbursed_fen + amount_fen}
        if progress_pct is not None:
            larger = func.max if self.session.get_bind().dialect.name == "sqlite" else func.greatest
            values["progress_pct"] = larger(Project.progress_pct, progress_pct)
        result = await self.session.execute(
            update(Project).where(Project.id == project_id, Project.disbursed_fen + amount_fen <= cap_fen)
            .values(values).execution_options(synchronize_session=False))
        return result.rowcount == 1

    async def unpay(self, project_id: uuid.UUID, amount_fen: int) -> None:
        await self.session.execute(update(Project).where(Project.id == project_id).values(
            disbursed_fen=Project.disbursed_fen - amount_fen).execution_options(synchronize_session=False))

    async def recomputed(self, within: str) -> list[tuple[Project, int, int]]:
        """Each project with the sums of its allocation entries and its disbursement entries."""
        alloc = select(FundAllocation.project_id.label("pid"), func.sum(FundAllocation.amount_fen).label("total")
                       ).where(FundAllocation.project_id.is_not(None)).group_by(FundAllocation.project_id).subquery()
        paid = select(Disbursement.project_id.label("pid"), func.sum(Disbursement.amount_fen).label("total")
                      ).where(Disbursement.project_id.is_not(None)).group_by(Disbursement.project_id).subquery()
        rows = await self.session.execute(
            select(Project, func.coalesce(alloc.c.total, 0), func.coalesce(paid.c.total, 0))
            .outerjoin(alloc, alloc.c.pid == Project.id).outerjoin(paid, paid.c.pid == Project.id)
            .where(_in(Project.village_code, within)))
        return [(p, int(a), int(d)) for p, a, d in rows]

    async def performance_by_project(self, *, within: str, year: int | None
                                     ) -> list[tuple[Project, list[PerformanceTarget]]]:
        query = select(Project).where(_in(Project.village_code, within))
        if year is not None:
            query = query.where(Project.year == year)
        projects = list((await self.session.scalars(query.order_by(Project.id))).all())
        targets = await self.targets([p.id for p in projects])
        return [(p, targets[p.id]) for p in projects]
