"""The bulk write path: prepared households go to PostgreSQL with ``COPY`` (binary, through asyncpg) and
to SQLite with multi-row ``executemany`` — in the caller's transaction, outbox rows included, so a
batch and its events commit together. The lookups a batch needs (household numbers already
registered, ID numbers already active) are one query each."""
from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_registry.imports import prepare as p

_SQLITE_CHUNK = 400


def _lightweight(name: str, columns: tuple[str, ...]) -> sa.TableClause:
    # untyped columns: values are already in their stored form (JSON as text, UUIDs as objects)
    return sa.table(name, *(sa.column(c) for c in columns))


class BulkWriter:
    """Writes batches of prepared households in the session's current transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.postgres = session.bind.dialect.name == "postgresql"

    async def _asyncpg(self) -> Any:
        connection = await self.session.connection()
        raw = await connection.get_raw_connection()
        return raw.driver_connection

    async def registered(self, numbers: list[str]) -> dict[str, tuple[uuid.UUID, str | None]]:
        """household_no -> (id, import digest) of the numbers already in the registry."""
        if not numbers:
            return {}
        if self.postgres:
            conn = await self._asyncpg()
            rows = await conn.fetch("SELECT household_no, id, import_hash FROM household "
                                    "WHERE household_no = ANY($1::text[])", numbers)
            return {r[0]: (r[1], r[2]) for r in rows}
        out: dict[str, tuple[uuid.UUID, str | None]] = {}
        for start in range(0, len(numbers), _SQLITE_CHUNK):
            chunk = numbers[start:start + _SQLITE_CHUNK]
            rows = await self.session.execute(sa.text(
                "SELECT household_no, id, import_hash FROM household WHERE household_no IN "
                f"({','.join(f':n{i}' for i in range(len(chunk)))})"), {f"n{i}": n for i, n in enumerate(chunk)})
            for number, hid, digest in rows:
                out[number] = (uuid.UUID(str(hid)) if not isinstance(hid, uuid.UUID) else hid, digest)
        return out

    async def active(self, id_numbers: list[str]) -> dict[str, tuple[str, str | None]]:
        """id_number -> (household id, household_no) for people already active in a household."""
        if not id_numbers:
            return {}
        if self.postgres:
            conn = await self._asyncpg()
            rows = await conn.fetch(
                "SELECT m.id_number, m.household_id, h.household_no FROM member m JOIN household h "
                "ON h.id = m.household_id WHERE m.active AND m.id_number = ANY($1::text[])", id_numbers)
            return {r[0]: (str(r[1]), r[2]) for r in rows}
        out: dict[str, tuple[str, str | None]] = {}
        for start in range(0, len(id_numbers), _SQLITE_CHUNK):
            chunk = id_numbers[start:start + _SQLITE_CHUNK]
            rows = await self.session.execute(sa.text(
                "SELECT m.id_number, m.household_id, h.household_no FROM member m JOIN household h "
                "ON h.id = m.household_id WHERE m.active = 1 AND m.id_number IN "
                f"({','.join(f':n{i}' for i in range(len(chunk)))})"), {f"n{i}": n for i, n in enumerate(chunk)})
            for number, hid, household_no in rows:
                out[number] = (str(uuid.UUID(str(hid))), household_no)
        return out

    async def write(self, batch: list[p.Prepared]) -> int:
        """Write households, members, yearly records and outbox rows; returns the events written."""
        tables = {
            "household": (p.HOUSEHOLD_COLUMNS, [b.household for b in batch]),
            "member": (p.MEMBER_COLUMNS, [m for b in batch for m in b.members]),
            "household_income": (p.INCOME_COLUMNS, [b.income for b in batch if b.income is not None]),
            "household_guarantee": (p.GUARANTEE_COLUMNS, [b.guarantee for b in batch if b.guarantee is not None]),
            "outbox": (p.OUTBOX_COLUMNS, [e for b in batch for e in b.events]),
        }
        if self.postgres:
            conn = await self._asyncpg()
            for table, (columns, rows) in tables.items():
                if rows:
                    await conn.copy_records_to_table(table, records=rows, columns=list(columns))
        else:
            for table, (columns, rows) in tables.items():
                if rows:
                    target = _lightweight(table, columns)
                    await self.session.execute(target.insert(), [dict(zip(columns, _sqlite(r), strict=True))
                                                                 for r in rows])
        return len(tables["outbox"][1])


def _sqlite(row: tuple) -> tuple:
    # SQLite stores UUIDs as 32 hex characters (SQLAlchemy's Uuid type) and datetimes as text
    out = []
    for value in row:
        if isinstance(value, uuid.UUID):
            out.append(value.hex)
        elif hasattr(value, "tzinfo") and hasattr(value, "hour"):
            out.append(value.strftime("%Y-%m-%d %H:%M:%S.%f"))
        elif hasattr(value, "isoformat") and not isinstance(value, str):
            out.append(value.isoformat())
        else:
            out.append(value)
    return tuple(out)
