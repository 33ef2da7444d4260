"""Every SELECT on samples lives here."""
from __future__ import annotations

import uuid

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_assessment.sampling.errors import SampleNotFound
from fupin_assessment.sampling.models import SampleHouseholdRow, SampleRow
from fupin_shared.auth.principal import division_range


class SampleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: SampleRow) -> None:
        self.session.add(row)

    async def add_households(self, rows: list[dict]) -> None:
        if rows:
            await self.session.execute(insert(SampleHouseholdRow), rows)

    async def get(self, sample_id: uuid.UUID) -> SampleRow:
        row = await self.session.get(SampleRow, sample_id)
        if row is None:
            raise SampleNotFound(sample_id)
        return row

    async def page(self, *, year: int | None, after: uuid.UUID | None, limit: int) -> list[SampleRow]:
        query = select(SampleRow)
        if year is not None:
            query = query.where(SampleRow.year == year)
        if after is not None:
            query = query.where(SampleRow.id > after)
        return list((await self.session.scalars(query.order_by(SampleRow.id).limit(limit + 1))).all())

    async def households(self, sample_id: uuid.UUID, *, within: str, after: int | None = None,
                         limit: int | None = None) -> list[SampleHouseholdRow]:
        low, high = division_range(within)
        query = select(SampleHouseholdRow).where(SampleHouseholdRow.sample_id == sample_id,
                                                 SampleHouseholdRow.village_code.between(low, high))
        if after is not None:
            query = query.where(SampleHouseholdRow.seq > after)
        query = query.order_by(SampleHouseholdRow.seq)
        if limit is not None:
            query = query.limit(limit + 1)
        return list((await self.session.scalars(query)).all())
