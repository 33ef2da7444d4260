"""The bulk write path: prepared households go to PostgreSQL with ``COPY`` (binary, through asyncpg) and
to SQLite with multi-row ``executemany`` — in the caller's transaction, outbox rows included, so a
batch and its events commit together. The lookups a batch needs (household numbers already
registered, ID numbers already active) are one query each."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_registry.imports import prepare as p

_SQLITE_CHUNK = 400


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
            connection = await self.session.connection()
            for table, (columns, rows) in tables.items():
                if rows:
                    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
                    await connection.exec_driver_sql(sql, _sqlite_rows(rows, columns))
        return len(tables["outbox"][1])


def _sqlite_value(value: Any) -> Any:
    # SQLite storage as SQLAlchemy writes it: UUIDs as 32 hex characters, datetimes and dates as text
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _sqlite_rows(rows: list[tuple], columns: tuple[str, ...]) -> list[tuple]:
    """Convert only the columns that need it (decided from the first row: columns have one type each)."""
    first = rows[0]
    plain = (str, int, float, bool, type(None))
    uuids = [i for i, c in enumerate(columns) if c in p.UUID_COLUMNS]
    convert = [i for i, v in enumerate(first) if not isinstance(v, plain) or v is None]
    memo: dict[Any, Any] = {}  # timestamps and dates repeat within a batch
    out = []
    for row in rows:
        values = list(row)
        for i in uuids:
            values[i] = values[i].replace("-", "")
        for i in convert:
            value = values[i]
            if value is not None and not isinstance(value, plain):
                converted = memo.get(value)
                if converted is None:
                    converted = memo[value] = _sqlite_value(value)
                values[i] = converted
        out.append(tuple(values))
    return out
