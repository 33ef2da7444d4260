"""SELECTs on village records."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_registry.villages.models import VillageRecord


class VillageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, record: VillageRecord) -> None:
        self.session.add(record)

    async def record(self, village_code: str, year: int) -> VillageRecord | None:
        return await self.session.get(VillageRecord, (village_code, year))

    async def all_records(self) -> list[VillageRecord]:
        return list((await self.session.scalars(select(VillageRecord))).all())

    async def records(self, village_code: str) -> list[VillageRecord]:
        return list((await self.session.scalars(select(VillageRecord).where(
            VillageRecord.village_code == village_code).order_by(VillageRecord.year))).all())
