"""SQL of the projection: bulk loads by key and bulk upserts (PostgreSQL and SQLite)."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_monitoring.view import domain as d
from fupin_monitoring.view.tables import view_counter, view_division, view_freshness

CHUNK = 1000
COPY_THRESHOLD = 300
"""On PostgreSQL, at least this many rows are upserted through COPY into a temporary table and one
INSERT … SELECT … ON CONFLICT (far cheaper per row than a multi-row VALUES statement)."""


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


async def _copy_upsert(session: AsyncSession, table: sa.Table, rows: list[dict[str, Any]], *,
                       increment: str | None = None) -> None:
    """PostgreSQL bulk path: COPY the rows into a temporary twin of ``table`` (emptied at commit),
    then one INSERT … SELECT … ON CONFLICT in primary-key order (concurrent writers lock alike)."""
    connection = await session.connection()
    schema = (connection.sync_connection.get_execution_options().get("schema_translate_map") or {}).get(None)
    target = f'"{schema}"."{table.name}"' if schema else f'"{table.name}"'
    temp = f"copy_{table.name}"
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    made: set[str] = raw.info.setdefault("fupin_copy_tables", set())
    if temp not in made:  # once per pooled connection; its rows go at every commit or rollback
        await driver.execute(f'CREATE TEMP TABLE IF NOT EXISTS "{temp}" (LIKE {target}) ON COMMIT DELETE ROWS')
        made.add(temp)
    names = [c.name for c in table.columns]
    json_positions = [i for i, c in enumerate(table.columns) if isinstance(c.type, sa.JSON)]
    if json_positions:
        records = []
        for r in rows:
            record = [r.get(n) for n in names]
            for i in json_positions:
                if record[i] is not None:
                    record[i] = orjson.dumps(record[i]).decode()
            records.append(record)
    else:
        records = [[r.get(n) for n in names] for r in rows]
    await driver.copy_records_to_table(temp, records=records, columns=names)
    pk = [c.name for c in table.primary_key.columns]
    columns = ", ".join(f'"{n}"' for n in names)
    if increment:
        updates = f'"{increment}" = {target}."{increment}" + EXCLUDED."{increment}"'
    else:
        updates = ", ".join(f'"{n}" = EXCLUDED."{n}"' for n in names if n not in pk)
    await driver.execute(f'INSERT INTO {target} ({columns}) SELECT {columns} FROM "{temp}" '
                         f'ORDER BY {", ".join(pk)} ON CONFLICT ({", ".join(pk)}) DO UPDATE SET {updates}')


async def upsert(session: AsyncSession, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Insert or replace whole rows by primary key (sorted, so concurrent writers lock in one order)."""
    if not rows:
        return
    pk = [c.name for c in table.primary_key.columns]
    names = [c.name for c in table.columns]
    if len(rows) >= COPY_THRESHOLD and session.bind.dialect.name == "postgresql":
        await _copy_upsert(session, table, rows)
        return
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
    if len(rows) >= COPY_THRESHOLD and session.bind.dialect.name == "postgresql":
        await _copy_upsert(session, view_counter, rows, increment="value")
        return
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


async def add_freshness(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """One statement for the batch's partitions: newest event time and year kept, events added."""
    if not rows:
        return
    t = view_freshness
    stmt = _insert(session, t)
    x = stmt.excluded
    stmt = stmt.on_conflict_do_update(index_elements=["topic", "partition"], set_={
        "last_event_time": sa.case((x.last_event_time > t.c.last_event_time, x.last_event_time),
                                   else_=t.c.last_event_time),
        "applied_at": x.applied_at, "lag_ms": x.lag_ms, "events_applied": t.c.events_applied + x.events_applied,
        "max_year": sa.case((sa.or_(t.c.max_year.is_(None), x.max_year > t.c.max_year), x.max_year),
                            else_=t.c.max_year)})
    await session.execute(stmt, sorted(rows, key=lambda r: (r["topic"], r["partition"])))


async def load_state(session: AsyncSession) -> dict[str, Any] | None:
    """The view's freshness (``view.domain.freshness`` of its rows per topic and partition)."""
    return d.freshness((await session.execute(sa.select(view_freshness))).mappings())


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
