"""SQL of the feeds. PostgreSQL: one REPEATABLE READ read-only transaction on the asyncpg read pool
per export — the high-water sequence and the rows come from the same snapshot — with the
de-identified columns computed by PostgreSQL (pgcrypto HMAC, age bands), streamed by a server-side
cursor (NDJSON, Parquet) or ``COPY … TO STDOUT`` (CSV). SQLite (embedded mode): SQLAlchemy
streaming in batches, de-identified in Python.

Resumption: the cursor is the outbox ``sequence``, which the single relay assigns after commit, in
order; a change not yet sequenced when a pull reads its snapshot gets a sequence above that pull's
high-water mark, so the next pull sees it (at least once, never skipped).
"""
from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from fupin_registry.db import INFRA
from fupin_registry.feeds import domain
from fupin_registry.households.models import Household, Member

log = logging.getLogger(__name__)

FETCH = 5000
CHANGE_TYPES = ("fupin.registry.household.%", "fupin.registry.member.%")
_OUT = ", ".join(f"'{s}'" for s in domain.OUT_STATUSES)

_PID = "substr(encode(hmac(convert_to({col}::text, 'UTF8'), $1::bytea, 'sha256'::text), 'hex'), 1, 32)"
_CHANGED = ("(SELECT subject, max(sequence) AS seq FROM outbox WHERE sequence > $4 AND sequence <= $5 "
            "AND (type LIKE 'fupin.registry.household.%' OR type LIKE 'fupin.registry.member.%') GROUP BY subject)")

_HH_COLS = f"""{{op}} AS op, {{seq}} AS seq, {_PID.format(col='h.id')} AS household_id, h.village_code, h.status,
 h.persons, h.labour_type, h.guarantee_type,
 (SELECT string_agg(x, '|') FROM jsonb_array_elements_text(h.poverty_causes::jsonb) x) AS poverty_causes,
 h.registered_year, h.identified_year, h.exit_year, h.exit_path, h.return_year, h.return_cause, h.removal_year,
 h.removal_reason, h.updated_at"""
_P_COLS = f"""{{op}} AS op, {{seq}} AS seq, {_PID.format(col='m.id')} AS person_id,
 {_PID.format(col='m.household_id')} AS household_id, h.village_code, m.sex,
 {domain.age_band_sql("date_part('year', age($6::date, m.birth_date))::int")} AS age_band, m.relation, m.in_school,
 m.education, m.health, m.disability_grade, m.medical_insurance, m.pension_insurance, m.labour_skill, m.employment,
 {{left}} AS left_reason, m.updated_at"""


def pg_query(feed: str, since: int) -> str:
    """The feed's SELECT; parameters $1 consumer key, $2/$3 division range, $4 since, $5 high water,
    $6 (persons) the date the age bands are taken at."""
    if feed == "households":
        if since == 0:
            cols = _HH_COLS.format(op="'upsert'", seq="$5::bigint")
            return (f"SELECT {cols} FROM household h WHERE h.village_code BETWEEN $2 AND $3 AND h.status NOT IN ({_OUT})"
                    " AND $4::bigint = 0 ORDER BY h.id")
        cols = _HH_COLS.format(op=f"CASE WHEN h.status IN ({_OUT}) THEN 'delete' ELSE 'upsert' END", seq="c.seq")
        return (f"SELECT {cols} FROM {_CHANGED} c JOIN household h ON h.id = c.subject::uuid "
                "WHERE h.village_code BETWEEN $2 AND $3 ORDER BY c.seq, h.id")
    if since == 0:
        cols = _P_COLS.format(op="'upsert'", seq="$5::bigint", left="m.left_reason")
        return (f"SELECT {cols} FROM member m JOIN household h ON h.id = m.household_id "
                f"WHERE h.village_code BETWEEN $2 AND $3 AND m.active AND h.status NOT IN ({_OUT}) AND $4::bigint = 0 "
                "ORDER BY m.id")
    cols = _P_COLS.format(
        op=f"CASE WHEN NOT m.active OR h.status IN ({_OUT}) THEN 'delete' ELSE 'upsert' END", seq="c.seq",
        left=f"coalesce(m.left_reason, CASE WHEN h.status IN ({_OUT}) THEN 'household_' || h.status END)")
    return (f"SELECT {cols} FROM {_CHANGED} c JOIN household h ON h.id = c.subject::uuid "
            "JOIN member m ON m.household_id = h.id WHERE h.village_code BETWEEN $2 AND $3 ORDER BY c.seq, m.id")


def pg_args(feed: str, key: bytes, lo: str, hi: str, since: int, hw: int, on: date) -> list[Any]:
    return [key, lo, hi, since, hw] + ([on] if feed == "persons" else [])


class PgExport:
    """An export on one pooled connection (asyncpg, under the engine's pool) inside one snapshot:
    ``open`` reads the high water, then ``records`` or ``copy_csv`` streams the rows; ``close`` ends
    the transaction and returns the connection."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.pooled: Any = None
        self.conn: Any = None
        self.tx: Any = None

    async def open(self) -> int:
        self.pooled = await self.engine.connect()
        self.conn = (await self.pooled.get_raw_connection()).driver_connection
        self.tx = self.conn.transaction(isolation="repeatable_read", readonly=True)
        await self.tx.start()
        await self.conn.execute("SET LOCAL TimeZone = 'UTC'")
        return int(await self.conn.fetchval("SELECT coalesce(max(sequence), 0) FROM outbox") or 0)

    async def close(self) -> None:
        """End the snapshot and give the connection back; after an export the client abandoned (its COPY
        cancelled, which leaves asyncpg's connection closed or mid-protocol) the connection is dropped from
        the pool instead, so the next request never draws a broken one."""
        if self.conn is None:
            return
        try:
            if self.conn.is_closed():
                await self.pooled.invalidate()
            else:
                await self.tx.rollback()
        except Exception as exc:  # the abandoned COPY left the protocol mid-operation: the connection is unusable
            log.info("feed export abandoned mid-stream; its connection is dropped from the pool (%s)", exc)
            await self.pooled.invalidate()
        except BaseException:
            await self.pooled.invalidate()
            raise
        finally:
            await self.pooled.close()
            self.conn = self.pooled = None

    async def records(self, query: str, args: list[Any]) -> AsyncIterator[list[Any]]:
        """Batches of asyncpg records from a server-side cursor."""
        cursor = await self.conn.cursor(query, *args)
        while True:
            batch = await cursor.fetch(FETCH)
            if not batch:
                return
            yield batch

    def copy_ndjson(self, query: str, args: list[Any]) -> AsyncIterator[bytes]:
        """One JSON document per row made by PostgreSQL (``row_to_json``), copied out as CSV whose
        quote and delimiter are control characters JSON text never holds raw (it escapes them as
        ``\\u0001``), so every line is the document unchanged."""
        return self.copy_csv(f"SELECT row_to_json(t)::text FROM ({query}) t", args, header=False,
                             delimiter="\x02", quote="\x01")

    async def copy_csv(self, query: str, args: list[Any], *, header: bool, **options: str) -> AsyncIterator[bytes]:
        """``COPY (query) TO STDOUT (FORMAT csv)``: PostgreSQL's bytes, passed through a small queue."""
        queue: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=16)

        async def sink(chunk: bytes) -> None:
            await queue.put(bytes(chunk))

        async def produce() -> None:
            try:
                await self.conn.copy_from_query(query, *args, output=sink, format="csv", header=header, **options)
            finally:
                await queue.put(None)

        task = asyncio.create_task(produce())
        try:
            while (chunk := await queue.get()) is not None:
                yield chunk
            await task
        finally:
            if not task.done():
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)


# ---- generic path (SQLite, the embedded default) ----

_H = Household.__table__
_M = Member.__table__
_O = INFRA.Outbox.__table__
HOUSEHOLD_FIELDS = [_H.c.id, _H.c.village_code, _H.c.status, _H.c.persons, _H.c.labour_type, _H.c.guarantee_type,
                    _H.c.poverty_causes, _H.c.registered_year, _H.c.identified_year, _H.c.exit_year, _H.c.exit_path,
                    _H.c.return_year, _H.c.return_cause, _H.c.removal_year, _H.c.removal_reason, _H.c.updated_at]
MEMBER_FIELDS = [_M.c.id, _M.c.household_id, _H.c.village_code, _H.c.status.label("household_status"), _M.c.sex,
                 _M.c.birth_date, _M.c.relation, _M.c.in_school, _M.c.education, _M.c.health, _M.c.disability_grade,
                 _M.c.medical_insurance, _M.c.pension_insurance, _M.c.labour_skill, _M.c.employment, _M.c.active,
                 _M.c.left_reason, _M.c.updated_at]


async def high_water(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(sa.select(sa.func.coalesce(sa.func.max(_O.c.sequence), 0)))).scalar() or 0)


async def generic_rows(engine: AsyncEngine, feed: str, lo: str, hi: str, since: int,
                       hw: int) -> AsyncIterator[list[tuple[dict, int]]]:
    """Batches of (raw row, seq) on any dialect (changes up to the high water ``hw``)."""
    async with engine.connect() as conn:
        scope = _H.c.village_code.between(lo, hi)
        if since == 0:
            if feed == "households":
                q = sa.select(*HOUSEHOLD_FIELDS).where(scope, _H.c.status.not_in(domain.OUT_STATUSES)).order_by(_H.c.id)
            else:
                q = (sa.select(*MEMBER_FIELDS).join_from(_M, _H, _M.c.household_id == _H.c.id)
                     .where(scope, _M.c.active.is_(True), _H.c.status.not_in(domain.OUT_STATUSES)).order_by(_M.c.id))
            result = await conn.stream(q.execution_options(yield_per=FETCH))
            async for part in result.mappings().partitions(FETCH):
                yield [(dict(r), hw) for r in part]
            return
        changed = (sa.select(_O.c.subject, sa.func.max(_O.c.sequence).label("seq"))
                   .where(_O.c.sequence > since, _O.c.sequence <= hw,
                          sa.or_(*(_O.c.type.like(t) for t in CHANGE_TYPES)))
                   .group_by(_O.c.subject).order_by(sa.func.max(_O.c.sequence)))
        subjects = await conn.stream(changed.execution_options(yield_per=500))
        async for part in subjects.partitions(500):
            seqs = {uuid.UUID(s): int(q) for s, q in part}
            if feed == "households":
                q = sa.select(*HOUSEHOLD_FIELDS).where(_H.c.id.in_(list(seqs)), scope)
                rows = [(dict(r), seqs[r["id"]]) for r in (await conn.execute(q)).mappings()]
                rows.sort(key=lambda x: (x[1], x[0]["id"]))
            else:
                q = (sa.select(*MEMBER_FIELDS).join_from(_M, _H, _M.c.household_id == _H.c.id)
                     .where(_H.c.id.in_(list(seqs)), scope))
                rows = [(dict(r), seqs[r["household_id"]]) for r in (await conn.execute(q)).mappings()]
                rows.sort(key=lambda x: (x[1], x[0]["id"]))
            if rows:
                yield rows


async def village_aggregates(engine: AsyncEngine, lo: str, hi: str) -> list[dict]:
    """Households and persons of each village by status (live households only)."""
    q = (sa.select(_H.c.village_code, _H.c.status, sa.func.count().label("households"),
                   sa.func.sum(_H.c.persons).label("persons"))
         .where(_H.c.village_code.between(lo, hi), _H.c.status.not_in(domain.OUT_STATUSES))
         .group_by(_H.c.village_code, _H.c.status).order_by(_H.c.village_code, _H.c.status))
    async with engine.connect() as conn:
        return [dict(r) for r in (await conn.execute(q)).mappings()]
