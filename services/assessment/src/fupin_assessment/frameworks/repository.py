"""Every SELECT on frameworks lives here."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_assessment.frameworks.errors import FrameworkNotFound
from fupin_assessment.frameworks.models import FrameworkRow
from fupin_shared.outbox import InfrastructureTables


def framework_subject(year: int) -> str:
    """The outbox subject (event key) of a year's framework."""
    return f"framework:{year}"


class FrameworkRepository:
    def __init__(self, session: AsyncSession, infra: InfrastructureTables) -> None:
        self.session = session
        self.infra = infra

    def add(self, row: FrameworkRow) -> None:
        self.session.add(row)

    async def find(self, year: int) -> FrameworkRow | None:
        return await self.session.get(FrameworkRow, year)

    async def get(self, year: int) -> FrameworkRow:
        row = await self.find(year)
        if row is None:
            raise FrameworkNotFound(year)
        return row

    async def page(self, *, after: int | None, limit: int) -> list[FrameworkRow]:
        query = select(FrameworkRow)
        if after is not None:
            query = query.where(FrameworkRow.year > after)
        return list((await self.session.scalars(query.order_by(FrameworkRow.year).limit(limit + 1))).all())

    async def history(self, year: int) -> list[Any]:
        Outbox = self.infra.Outbox
        return list((await self.session.scalars(
            select(Outbox).where(Outbox.subject == framework_subject(year)).order_by(Outbox.id))).all())
