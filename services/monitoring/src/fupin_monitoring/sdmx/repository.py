"""SQL of the SDMX feed: counter rows of a division's subtree (the read model's ``view_counter``)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from fupin_monitoring.view.tables import view_counter, view_freshness
from fupin_shared.auth.principal import division_range


async def counter_rows(engine: AsyncEngine, within: str, metrics: list[str],
                       areas: set[str] | None = None) -> list[tuple[str, int, str, str, int]]:
    lo, hi = division_range(within)
    q = (sa.select(view_counter.c.division_code, view_counter.c.year, view_counter.c.metric, view_counter.c.key,
                   view_counter.c.value)
         .where(view_counter.c.division_code.between(lo, hi), view_counter.c.metric.in_(metrics)))
    if areas:
        q = q.where(view_counter.c.division_code.in_(sorted(areas)))
    async with engine.connect() as conn:
        return [tuple(r) for r in (await conn.execute(q)).all()]


async def area_codes(engine: AsyncEngine, within: str, metrics: list[str]) -> list[str]:
    lo, hi = division_range(within)
    q = (sa.select(view_counter.c.division_code).distinct()
         .where(view_counter.c.division_code.between(lo, hi), view_counter.c.metric.in_(metrics))
         .order_by(view_counter.c.division_code))
    async with engine.connect() as conn:
        codes = list((await conn.execute(q)).scalars())
    return codes if within in codes else [within, *codes]


async def dimension_keys(engine: AsyncEngine, within: str, metrics: list[str]) -> list[tuple[str, str]]:
    lo, hi = division_range(within)
    q = (sa.select(view_counter.c.metric, view_counter.c.key).distinct()
         .where(view_counter.c.division_code.between(lo, hi), view_counter.c.metric.in_(metrics)))
    async with engine.connect() as conn:
        return [tuple(r) for r in (await conn.execute(q)).all()]


async def last_update(engine: AsyncEngine) -> datetime | None:
    async with engine.connect() as conn:
        return (await conn.execute(sa.select(sa.func.max(view_freshness.c.last_event_time)))).scalar()
