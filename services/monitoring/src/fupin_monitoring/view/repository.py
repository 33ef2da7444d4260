"""SQL of the projection: bulk loads by key and bulk upserts (PostgreSQL and SQLite)."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_monitoring.view.tables import view_counter, view_division, view_state

CHUNK = 1000


def _insert(session: AsyncSession, table: sa.Table):  # noqa: ANN202
    return postgresql.insert(table) if session.bind.dialect.name == "postgresql" else sqlite.insert(table)


def _chunks(values: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


async def load_by(session: AsyncSession, table: sa.Table, column: str, keys: Iterable[Any]) -> list[dict[str, Any]]:
    """Rows whose ``column`` is one of ``keys``."""
    wanted = sorted(set(keys), key=str)
    out: list[dict[str, Any]] = []
    for chunk in _chunks(wanted):
        result = await session.execute(sa.select(table).where(table.c[column].in_(chunk)))
        out.extend(dict(row) for row in result.mappings())
    return out


async def upsert(session: AsyncSession, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Insert or replace whole rows by primary key (sorted, so concurrent writers lock in one order)."""
    if not rows:
        return
    pk = [c.name for c in table.primary_key.columns]
    names = [c.name for c in table.columns]
    rows = sorted(({n: r.get(n) for n in names} for r in rows), key=lambda r: tuple(str(r[k]) for k in pk))
    stmt = _insert(session, table)
    stmt = stmt.on_conflict_do_update(
        index_elements=pk, set_={c.name: stmt.excluded[c.name] for c in table.columns if c.name not in pk})
    for chunk in _chunks(rows):
        await session.execute(stmt, list(chunk))


async def add_counters(session: AsyncSession, deltas: dict[tuple[str, int, str, str], int]) -> None:
    """``value += delta`` for each (division, year, metric, key), creating missing rows."""
    if not deltas:
        return
    rows = [{"division_code": d, "year": y, "metric": m, "key": k, "value": v}
            for (d, y, m, k), v in sorted(deltas.items())]
    stmt = _insert(session, view_counter)
    stmt = stmt.on_conflict_do_update(index_elements=["division_code", "year", "metric", "key"],
                                      set_={"value": view_counter.c.value + stmt.excluded.value})
    for chunk in _chunks(rows):
        await session.execute(stmt, list(chunk))


async def add_divisions(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    stmt = _insert(session, view_division).on_conflict_do_nothing(index_elements=["code"])
    for chunk in _chunks(sorted(rows, key=lambda r: r["code"])):
        await session.execute(stmt, list(chunk))


async def load_state(session: AsyncSession, name: str) -> dict[str, Any] | None:
    row = (await session.execute(sa.select(view_state).where(view_state.c.name == name))).mappings().first()
    return dict(row) if row else None


async def counter_rows(session: AsyncSession, division: str, *, upto: int | None = None,
                       metrics: Sequence[str] | None = None) -> list[tuple[int, str, str, int]]:
    """Counter rows of one division (years <= ``upto`` when given; zero rows left out)."""
    query = sa.select(view_counter.c.year, view_counter.c.metric, view_counter.c.key, view_counter.c.value).where(
        view_counter.c.division_code == division, view_counter.c.value != 0)
    if upto is not None:
        query = query.where(view_counter.c.year <= upto)
    if metrics is not None:
        query = query.where(view_counter.c.metric.in_(list(metrics)))
    return [tuple(r) for r in (await session.execute(query)).all()]  # type: ignore[misc]


async def children_counter_rows(session: AsyncSession, parent: str, *, upto: int | None,
                                metrics: Sequence[str]) -> dict[str, list[tuple[int, str, str, int]]]:
    """Counter rows of every child division of ``parent`` (for drill-down tables), one query."""
    query = (sa.select(view_counter.c.division_code, view_counter.c.year, view_counter.c.metric,
                       view_counter.c.key, view_counter.c.value)
             .join(view_division, view_division.c.code == view_counter.c.division_code)
             .where(view_division.c.parent_code == parent, view_counter.c.metric.in_(list(metrics)),
                    view_counter.c.value != 0))
    if upto is not None:
        query = query.where(view_counter.c.year <= upto)
    out: dict[str, list[tuple[int, str, str, int]]] = {}
    for code, year, metric, key, value in (await session.execute(query)).all():
        out.setdefault(code, []).append((year, metric, key, value))
    return out


async def child_codes(session: AsyncSession, parent: str) -> list[str]:
    return list((await session.scalars(
        sa.select(view_division.c.code).where(view_division.c.parent_code == parent).order_by(view_division.c.code))).all())


async def all_rows(session: AsyncSession, table: sa.Table) -> list[dict[str, Any]]:
    return [dict(r) for r in (await session.execute(sa.select(table))).mappings()]
