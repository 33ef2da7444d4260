"""Every SELECT on households lives here; division scoping is applied to every read."""
from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_registry.households.errors import HouseholdNotFound
from fupin_registry.households.models import Household
from fupin_shared.auth.principal import division_range
from fupin_shared.outbox import InfrastructureTables


class HouseholdRepository:
    def __init__(self, session: AsyncSession, infra: InfrastructureTables) -> None:
        self.session = session
        self.infra = infra

    def add(self, household: Household) -> None:
        self.session.add(household)

    async def get(self, household_id: uuid.UUID, *, within: str) -> Household:
        low, high = division_range(within)
        household = await self.session.scalar(select(Household).where(
            Household.id == household_id, Household.village_code.between(low, high)))
        if household is None:
            raise HouseholdNotFound(household_id)
        return household

    async def page(self, *, within: str, status: str | None, cause: str | None,
                   after: uuid.UUID | None, limit: int) -> list[Household]:
        low, high = division_range(within)
        query = select(Household).where(Household.village_code.between(low, high))
        if status:
            query = query.where(Household.status == status)
        if after is not None:
            query = query.where(Household.id > after)
        rows = list((await self.session.scalars(query.order_by(Household.id).limit(limit + 1))).all())
        if cause:
            rows = [h for h in rows if cause in (h.poverty_causes or [])]
        return rows

    async def history(self, household_id: uuid.UUID) -> list[Any]:
        Outbox = self.infra.Outbox
        return list((await self.session.scalars(
            select(Outbox).where(Outbox.subject == str(household_id)).order_by(Outbox.id))).all())


__all__ = ["HouseholdRepository", "tuple_"]
