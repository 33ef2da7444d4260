"""Reads of the read model for the overview, indicators, drill-down and trends."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_monitoring.alerts.tables import alert_counter
from fupin_monitoring.view import repository as view_repo
from fupin_monitoring.view import domain as view_domain
from fupin_monitoring.view.tables import assessment_result, view_counter, view_freshness


def _alert_counts(division: str) -> sa.Select:
    return (sa.select(sa.literal(1).label("src"), sa.literal(0).label("year"), alert_counter.c.kind,
                      alert_counter.c.state, alert_counter.c.value)
            .where(alert_counter.c.division_code == division, alert_counter.c.value != 0))


async def division_snapshot(engine: Any, division: str, *, counters: bool = True) \
        -> tuple[list[tuple[int, str, str, int]], dict[str, Any] | None, dict[tuple[str, str], int]]:
    """The hot path of the overview: a division's counter rows (unless ``counters`` is False: only
    the view's version is wanted), alert counts and the view's freshness, in two statements on one
    pooled connection (no ORM session)."""
    query: sa.Select | sa.CompoundSelect = _alert_counts(division)
    if counters:
        query = sa.union_all(
            sa.select(sa.literal(0).label("src"), view_counter.c.year, view_counter.c.metric, view_counter.c.key,
                      view_counter.c.value).where(view_counter.c.division_code == division, view_counter.c.value != 0),
            query)
    async with engine.connect() as conn:
        result = (await conn.execute(query)).all()
        state = view_domain.freshness((await conn.execute(sa.select(view_freshness))).mappings())
    rows = [(year, metric, key, int(value)) for src, year, metric, key, value in result if src == 0]
    alert_counts = {(kind, st): int(value) for src, _, kind, st, value in result if src == 1}
    return rows, state, alert_counts


class OverviewRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def rows(self, division: str, *, metrics: Sequence[str] | None = None) -> list[tuple[int, str, str, int]]:
        return await view_repo.counter_rows(self.session, division, metrics=metrics)

    async def children_rows(self, parent: str, metrics: Sequence[str]) -> dict[str, list[tuple[int, str, str, int]]]:
        return await view_repo.children_counter_rows(self.session, parent, upto=None, metrics=metrics)

    async def child_codes(self, parent: str) -> list[str]:
        return await view_repo.child_codes(self.session, parent)

    async def state(self) -> dict[str, Any] | None:
        return await view_repo.load_state(self.session)

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
