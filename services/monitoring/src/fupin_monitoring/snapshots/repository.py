"""SQL of year-end snapshots."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_monitoring.snapshots.tables import year_snapshot


class SnapshotRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, year: int) -> dict[str, Any] | None:
        row = (await self.session.execute(sa.select(year_snapshot).where(year_snapshot.c.year == year))).mappings().first()
        return dict(row) if row else None

    async def years(self) -> list[dict[str, Any]]:
        result = await self.session.execute(sa.select(
            year_snapshot.c.year, year_snapshot.c.snapshot_id, year_snapshot.c.frozen_at, year_snapshot.c.frozen_by,
            year_snapshot.c.as_of, year_snapshot.c.events_applied).order_by(year_snapshot.c.year))
        return [dict(r) for r in result.mappings()]

    async def add(self, row: dict[str, Any]) -> None:
        await self.session.execute(sa.insert(year_snapshot).values(**row))
