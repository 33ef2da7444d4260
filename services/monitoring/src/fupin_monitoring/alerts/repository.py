"""SQL of alerts: lookups by subject, scoped lists, writes and per-division counters."""
from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_monitoring.alerts.tables import alert, alert_counter
from fupin_monitoring.view.repository import _insert, upsert
from fupin_shared.auth.principal import division_range


async def active_by_subject(session: AsyncSession, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
    wanted = sorted(set(keys))
    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(wanted), 1000):
        result = await session.execute(sa.select(alert).where(
            alert.c.subject_key.in_(wanted[start:start + 1000]), alert.c.state != "resolved"))
        out.update({row["subject_key"]: dict(row) for row in result.mappings()})
    return out


async def save(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    await upsert(session, alert, rows)


async def add_counts(session: AsyncSession, deltas: dict[tuple[str, str, str], int]) -> None:
    rows = [{"division_code": d, "kind": k, "state": s, "value": v} for (d, k, s), v in sorted(deltas.items()) if v]
    if not rows:
        return
    stmt = _insert(session, alert_counter)
    stmt = stmt.on_conflict_do_update(index_elements=["division_code", "kind", "state"],
                                      set_={"value": alert_counter.c.value + stmt.excluded.value})
    await session.execute(stmt, rows)


class AlertRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, alert_id: uuid.UUID, *, within: str) -> dict[str, Any] | None:
        low, high = division_range(within)
        row = (await self.session.execute(sa.select(alert).where(
            alert.c.id == alert_id, alert.c.division_code.between(low, high)))).mappings().first()
        return dict(row) if row else None

    async def page(self, *, within: str, kind: str | None, state: str | None, household_id: uuid.UUID | None,
                   unit: str | None, before: uuid.UUID | None, limit: int) -> list[dict[str, Any]]:
        """Newest first (ids are time-ordered UUIDs)."""
        low, high = division_range(within)
        query = sa.select(alert).where(alert.c.division_code.between(low, high))
        if kind:
            query = query.where(alert.c.kind == kind)
        if state == "active":
            query = query.where(alert.c.state != "resolved")
        elif state:
            query = query.where(alert.c.state == state)
        if household_id is not None:
            query = query.where(alert.c.household_id == household_id)
        if unit:
            query = query.where(alert.c.unit == unit)
        if before is not None:
            query = query.where(alert.c.id < before)
        result = await self.session.execute(query.order_by(alert.c.id.desc()).limit(limit + 1))
        return [dict(r) for r in result.mappings()]

    async def counts(self, division: str) -> dict[tuple[str, str], int]:
        result = await self.session.execute(sa.select(alert_counter.c.kind, alert_counter.c.state, alert_counter.c.value)
                                            .where(alert_counter.c.division_code == division))
        return {(k, s): int(v) for k, s, v in result.all() if v}

    async def active_by_unit(self) -> dict[str, int]:
        result = await self.session.execute(
            sa.select(alert.c.unit, sa.func.count()).where(alert.c.unit.is_not(None), alert.c.state != "resolved")
            .group_by(alert.c.unit))
        return {u: int(n) for u, n in result.all()}

    async def history(self, outbox: Any, alert_id: uuid.UUID) -> Sequence[Any]:
        return list((await self.session.scalars(
            sa.select(outbox).where(outbox.subject == str(alert_id)).order_by(outbox.id))).all())
