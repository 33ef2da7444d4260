"""SELECTs on poverty lines."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_registry.lines.errors import PovertyLineNotFound
from fupin_registry.lines.models import PovertyLine


class PovertyLineRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def find(self, year: int) -> PovertyLine | None:
        return await self.session.get(PovertyLine, year)

    async def get(self, year: int) -> PovertyLine:
        line = await self.find(year)
        if line is None:
            raise PovertyLineNotFound(year)
        return line

    async def all(self) -> list[PovertyLine]:
        return list((await self.session.scalars(select(PovertyLine).order_by(PovertyLine.year))).all())

    def add(self, line: PovertyLine) -> None:
        self.session.add(line)
