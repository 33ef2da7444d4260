"""SELECTs on yearly household records."""
from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_registry.records.models import HouseholdGuarantee, HouseholdIncome, Measure


class RecordRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, record: object) -> None:
        self.session.add(record)

    def put(self, record: Any, model: type, household_id: uuid.UUID, year: int, values: dict[str, Any]) -> Any:
        """The year's ``record`` changed in place, or (``record`` None) a new one added."""
        if record is None:
            record = model(household_id=household_id, year=year, version=1, **values)
            self.session.add(record)
        else:
            for name, value in values.items():
                setattr(record, name, value)
        return record

    async def income(self, household_id: uuid.UUID, year: int) -> HouseholdIncome | None:
        return await self.session.get(HouseholdIncome, (household_id, year))

    async def incomes(self, household_id: uuid.UUID) -> list[HouseholdIncome]:
        return list((await self.session.scalars(select(HouseholdIncome).where(
            HouseholdIncome.household_id == household_id).order_by(HouseholdIncome.year))).all())

    async def guarantee(self, household_id: uuid.UUID, year: int) -> HouseholdGuarantee | None:
        return await self.session.get(HouseholdGuarantee, (household_id, year))

    async def guarantees(self, household_id: uuid.UUID) -> list[HouseholdGuarantee]:
        return list((await self.session.scalars(select(HouseholdGuarantee).where(
            HouseholdGuarantee.household_id == household_id).order_by(HouseholdGuarantee.year))).all())

    async def measures(self, household_id: uuid.UUID, *, after: uuid.UUID | None, limit: int) -> list[Measure]:
        query = select(Measure).where(Measure.household_id == household_id)
        if after is not None:
            query = query.where(Measure.id > after)
        return list((await self.session.scalars(query.order_by(Measure.id).limit(limit + 1))).all())
