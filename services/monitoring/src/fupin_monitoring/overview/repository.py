"""Reads and upserts of the overview read model."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_monitoring.overview.models import HouseholdView, ViewState
from fupin_shared.auth.principal import division_range


class OverviewRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def households_by_status(self, division: str) -> dict[str, tuple[int, int]]:
        low, high = division_range(division)
        rows = await self.session.execute(
            select(HouseholdView.status, func.count(), func.coalesce(func.sum(HouseholdView.persons), 0))
            .where(HouseholdView.village_code.between(low, high)).group_by(HouseholdView.status))
        return {status: (int(n), int(p)) for status, n, p in rows}

    async def state(self) -> ViewState | None:
        return await self.session.get(ViewState, "main")
