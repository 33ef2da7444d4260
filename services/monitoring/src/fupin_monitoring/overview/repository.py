"""Reads of the read model for the overview, indicators, drill-down and trends."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_monitoring.alerts.tables import alert_counter
from fupin_monitoring.view import repository as view_repo
from fupin_monitoring.view.tables import assessment_result


class OverviewRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def rows(self, division: str, *, metrics: Sequence[str] | None = None) -> list[tuple[int, str, str, int]]:
        return await view_repo.counter_rows(self.session, division, metrics=metrics)

    async def children_rows(self, parent: str, metrics: Sequence[str]) -> dict[str, list[tuple[int, str, str, int]]]:
        return await view_repo.children_counter_rows(self.session, parent, upto=None, metrics=metrics)

    async def child_codes(self, parent: str) -> list[str]:
        return await view_repo.child_codes(self.session, parent)

    async def state(self, name: str = "main") -> dict[str, Any] | None:
        return await view_repo.load_state(self.session, name)

    async def alert_counts(self, division: str) -> dict[tuple[str, str], int]:
        result = await self.session.execute(sa.select(alert_counter.c.kind, alert_counter.c.state, alert_counter.c.value)
                                            .where(alert_counter.c.division_code == division))
        return {(k, s): int(v) for k, s, v in result.all() if v}

    async def alert_counts_of(self, codes: Sequence[str]) -> dict[str, int]:
        """Active alerts per division code."""
        if not codes:
            return {}
        result = await self.session.execute(
            sa.select(alert_counter.c.division_code, sa.func.sum(alert_counter.c.value))
            .where(alert_counter.c.division_code.in_(list(codes)), alert_counter.c.state != "resolved")
            .group_by(alert_counter.c.division_code))
        return {code: int(n or 0) for code, n in result.all()}

    async def assessment(self, year: int, subject: str) -> dict[str, Any] | None:
        row = (await self.session.execute(sa.select(assessment_result).where(
            assessment_result.c.year == year, assessment_result.c.subject == subject))).mappings().first()
        return dict(row) if row else None
