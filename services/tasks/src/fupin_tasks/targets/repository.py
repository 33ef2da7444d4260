"""Targets, and the read copies (fed_*) of registry and funds events that feed them."""
from __future__ import annotations

from fupin_shared.auth.principal import division_range
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_tasks.targets.domain import Counts
from fupin_tasks.targets.errors import TargetNotFound
from fupin_tasks.targets.models import FedAllocation, FedHousehold, FedVillage, Target


class TargetRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, target: Target) -> None:
        self.session.add(target)

    async def all(self, plan_id: str) -> list[Target]:
        return list((await self.session.scalars(
            select(Target).where(Target.plan_id == plan_id).order_by(Target.id))).all())

    async def get(self, plan_id: str, target_id: str) -> Target:
        target = await self.session.get(Target, (plan_id, target_id))
        if target is None:
            raise TargetNotFound(plan_id, target_id)
        return target

    async def page(self, plan_id: str, *, fed: bool | None, after: str | None, limit: int) -> list[Target]:
        query = select(Target).where(Target.plan_id == plan_id)
        if fed is True:
            query = query.where(Target.feed.is_not(None))
        elif fed is False:
            query = query.where(Target.feed.is_(None))
        if after is not None:
            query = query.where(Target.id > after)
        return list((await self.session.scalars(query.order_by(Target.id).limit(limit + 1))).all())

    async def fed(self, plan_id: str | None = None) -> list[Target]:
        query = select(Target).where(Target.feed.is_not(None))
        if plan_id is not None:
            query = query.where(Target.plan_id == plan_id)
        return list((await self.session.scalars(query.order_by(Target.plan_id, Target.id))).all())

    async def with_deadline_before(self, today) -> list[Target]:  # noqa: ANN001 - date
        return list((await self.session.scalars(select(Target).where(
            Target.deadline.is_not(None), Target.deadline < today, Target.missed_on.is_(None))
            .order_by(Target.plan_id, Target.id))).all())

    async def counts(self, within: str) -> Counts:
        """Raw counts for the targets' figures, over a division's subtree (the city for targets)."""
        low, high = division_range(within)
        counted = and_(FedHousehold.identified.is_(True), FedHousehold.removed.is_(False),
                       FedHousehold.village_code.between(low, high))
        assessed = and_(counted, FedHousehold.guarantee_year.is_not(None))

        def n(condition):  # noqa: ANN001, ANN202
            return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

        row = (await self.session.execute(select(
            n(counted), n(and_(counted, FedHousehold.exited.is_(True))),
            func.coalesce(func.sum(case((counted, FedHousehold.persons), else_=0)), 0),
            n(assessed), n(and_(assessed, FedHousehold.housing_safe.is_(True), FedHousehold.water_safe.is_(True))),
            n(and_(assessed, FedHousehold.water_safe.is_(True))),
            n(and_(assessed, FedHousehold.medical_insured.is_(True))),
            n(and_(assessed, FedHousehold.schooling_ok.is_(False)))))).one()
        villages = (await self.session.execute(select(
            n(FedVillage.provincial_poor_village.is_(True)),
            n(and_(FedVillage.provincial_poor_village.is_(True), FedVillage.exited_year.is_not(None))))
            .where(FedVillage.village_code.between(low, high)))).one()
        in_division = and_(FedAllocation.known.is_(True), FedAllocation.division_code.between(low, high))
        public = and_(in_division, FedAllocation.reversal.is_(False),
                      func.substr(FedAllocation.division_code, 7, 6) == "000000")
        # allocations move money down the tree: a division received what came from outside it
        received = and_(in_division, or_(FedAllocation.parent_division_code.is_(None),
                                         ~FedAllocation.parent_division_code.between(low, high)))
        funds = (await self.session.execute(select(
            n(public), n(and_(public, FedAllocation.disclosed.is_(True))),
            func.coalesce(func.sum(case((received, FedAllocation.amount_fen), else_=0)), 0),
            func.coalesce(func.sum(case((in_division, FedAllocation.disbursed_fen), else_=0)), 0)))).one()
        return Counts(households_identified=int(row[0]), households_exited=int(row[1]), persons_identified=int(row[2]),
                      households_assessed=int(row[3]), housing_and_water_safe=int(row[4]),
                      drinking_water_safe=int(row[5]), basic_medical_insured=int(row[6]),
                      child_out_of_school=int(row[7]), provincial_villages=int(villages[0]),
                      provincial_villages_exited=int(villages[1]), allocations_city_county=int(funds[0]),
                      allocations_disclosed=int(funds[1]), funds_allocated_fen=int(funds[2]),
                      funds_disbursed_fen=int(funds[3]))
