"""Every SELECT on households and members; division scoping is applied to every read."""
from __future__ import annotations

import uuid
from datetime import datetime
from types import SimpleNamespace
from typing import Any

import orjson
from sqlalchemy import JSON, bindparam, insert, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_registry.codelists import CAUSE_BITS
from fupin_registry.households.errors import HouseholdNotFound, MemberNotFound
from fupin_registry.households.models import Household, Member
from fupin_shared.auth.principal import division_range
from fupin_shared.outbox import InfrastructureTables

_H = Household.__table__
_M = Member.__table__
_MEMBER_COLUMNS = [c.label(f"m_{c.name}") for c in _M.c]


class HouseholdRepository:
    def __init__(self, session: AsyncSession, infra: InfrastructureTables) -> None:
        self.session = session
        self.infra = infra

    def add(self, household: Household) -> None:
        self.session.add(household)

    async def insert_new(self, household: dict[str, Any], members: list[dict[str, Any]],
                         events: list[dict[str, Any]]) -> None:
        """A new household, its members and their outbox rows (every column given). PostgreSQL: one
        statement (data-modifying WITH), so one round trip, all or nothing; SQLite has no data-modifying
        WITH: three statements in the same transaction."""
        outbox = self.infra.Outbox.__table__
        rows = [{**event, "sequence": None, "published_at": None} for event in events]
        connection = await self.session.connection()
        if connection.dialect.name == "postgresql":
            params = {f"h_{name}": value for name, value in household.items()}
            for prefix, values in (("m", members), ("o", rows)):
                for i, row in enumerate(values):
                    params.update({f"{prefix}{i}_{name}": value for name, value in row.items()})
            sql, names, json_names = _insert_new(outbox, len(members), len(rows), connection.dialect)
            await connection.exec_driver_sql(sql, tuple(
                orjson.dumps(params[name]).decode() if name in json_names else params[name] for name in names))
            return
        for table, values in ((_H, [household]), (_M, members), (outbox, rows)):
            await connection.execute(insert(table), values)

    async def get(self, household_id: uuid.UUID, *, within: str) -> Household:
        low, high = division_range(within)
        household = await self.session.scalar(select(Household).where(
            Household.id == household_id, Household.village_code.between(low, high)))
        if household is None:
            raise HouseholdNotFound(household_id)
        return household

    async def read(self, household_id: uuid.UUID, *, within: str) -> tuple[Any, list[Any]]:
        """The household and its members in one statement (plain rows, no ORM identity map)."""
        connection = await self.session.connection()
        if connection.dialect.name == "postgresql":
            return await read_household(await _driver(connection), household_id, within=within)
        low, high = division_range(within)
        rows = (await connection.execute(_READ, {"id": household_id, "low": low, "high": high})).all()
        if not rows:
            raise HouseholdNotFound(household_id)
        return rows[0], [_member_of(row) for row in rows if row.m_id is not None]

    async def page(self, *, within: str, status: str | None = None, cause: str | None = None,
                   labour_type: str | None = None, guarantee_type: str | None = None,
                   village_code: str | None = None, after: uuid.UUID | None = None, limit: int = 50) -> list[Any]:
        low, high = division_range(within)
        query = select(_H).where(_H.c.village_code.between(low, high))
        if status:
            query = query.where(_H.c.status == status)
        if cause:
            query = query.where(_H.c.cause_mask.op("&")(CAUSE_BITS[cause]) != 0)
        if labour_type:
            query = query.where(_H.c.labour_type == labour_type)
        if guarantee_type:
            query = query.where(_H.c.guarantee_type == guarantee_type)
        if village_code:
            query = query.where(_H.c.village_code == village_code)
        if after is not None:
            query = query.where(_H.c.id > after)
        return list((await self.session.execute(query.order_by(_H.c.id).limit(limit + 1))).all())

    async def members_of_many(self, household_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Any]]:
        out: dict[uuid.UUID, list[Any]] = {hid: [] for hid in household_ids}
        if not household_ids:
            return out
        rows = await self.session.execute(select(_M).where(_M.c.household_id.in_(household_ids)).order_by(_M.c.id))
        for row in rows:
            out[row.household_id].append(row)
        return out

    async def find_by_number(self, household_no: str) -> Household | None:
        return await self.session.scalar(select(Household).where(Household.household_no == household_no))

    async def history(self, household_id: uuid.UUID, *, until: datetime | None = None) -> list[Any]:
        Outbox = self.infra.Outbox
        query = select(Outbox).where(Outbox.subject == str(household_id))
        if until is not None:
            query = query.where(Outbox.occurred_at <= until)
        return list((await self.session.scalars(query.order_by(Outbox.id))).all())

    async def by_numbers(self, numbers: list[str]) -> dict[str, tuple[uuid.UUID, str | None, str]]:
        """household_no -> (id, import_hash, village_code) for the numbers already registered."""
        if not numbers:
            return {}
        rows = await self.session.execute(select(_H.c.household_no, _H.c.id, _H.c.import_hash, _H.c.village_code)
                                          .where(_H.c.household_no.in_(numbers)))
        return {no: (hid, digest, village) for no, hid, digest, village in rows}


_READ = (select(_H, *_MEMBER_COLUMNS).select_from(_H.outerjoin(_M, _M.c.household_id == _H.c.id))
         .where(_H.c.id == bindparam("id"), _H.c.village_code.between(bindparam("low"), bindparam("high")))
         .order_by(_M.c.id))
_READ_SQL = str(_READ.compile(dialect=postgresql.asyncpg.dialect()))
_H_NAMES = tuple(c.name for c in _H.c)
_M_LABELS = tuple((c.name, f"m_{c.name}") for c in _M.c)


_INSERT_NEW: dict[tuple[int, int], tuple[str, tuple[str, ...], frozenset[str]]] = {}


def _insert_new(outbox: Any, members: int, events: int,
                dialect: Any) -> tuple[str, tuple[str, ...], frozenset[str]]:
    """The one-statement insert of :meth:`HouseholdRepository.insert_new` for ``members`` members and
    ``events`` events, compiled once per shape: its SQL, the parameter names in position order and the
    JSON ones (the driver takes JSON as text). A multi-row INSERT is not in SQLAlchemy's compiled cache,
    and compiling this one costs more than the rest of the request."""
    found = _INSERT_NEW.get((members, events))
    if found is None:
        def row(table: Any, prefix: str) -> dict[str, Any]:
            return {c.name: bindparam(f"{prefix}_{c.name}", type_=c.type) for c in table.c if c.name != "id"
                    or table is not outbox}

        statement = insert(outbox).values([row(outbox, f"o{i}") for i in range(events)]).add_cte(
            insert(_H).values(row(_H, "h")).cte("h"),
            insert(_M).values([row(_M, f"m{i}") for i in range(members)]).cte("m"))
        compiled = statement.compile(dialect=dialect)
        json_names = frozenset(f"{prefix}_{c.name}" for table, prefixes in (
            (_H, ["h"]), (_M, [f"m{i}" for i in range(members)]), (outbox, [f"o{i}" for i in range(events)]))
            for prefix in prefixes for c in table.c if isinstance(c.type, JSON))
        found = _INSERT_NEW[(members, events)] = (compiled.string, tuple(compiled.positiontup), json_names)
    return found


async def _driver(connection: Any) -> Any:
    return (await connection.get_raw_connection()).driver_connection


async def read_household(conn: Any, household_id: uuid.UUID, *, within: str) -> tuple[Any, list[Any]]:
    """:meth:`HouseholdRepository.read` on an asyncpg connection: one round trip, and no BEGIN (asyncpg
    opens no transaction for a statement sent to it directly) — the hot ``GET /v1/households/{id}``
    runs it on a pooled connection of the engine (``fupin_shared.db.driver_connection``)."""
    low, high = division_range(within)
    rows = await conn.fetch(_READ_SQL, household_id, low, high)
    if not rows:
        raise HouseholdNotFound(household_id)
    household = SimpleNamespace(**{name: rows[0][name] for name in _H_NAMES})
    if isinstance(household.poverty_causes, str):
        household.poverty_causes = orjson.loads(household.poverty_causes)
    return household, [SimpleNamespace(**{name: row[label] for name, label in _M_LABELS}) for row in rows
                       if row["m_id"] is not None]


class MemberRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, member: Member) -> None:
        self.session.add(member)

    async def of_household(self, household_id: uuid.UUID) -> list[Member]:
        return list((await self.session.scalars(select(Member).where(
            Member.household_id == household_id).order_by(Member.id))).all())

    async def get(self, household_id: uuid.UUID, member_id: uuid.UUID) -> Member:
        member = await self.session.scalar(select(Member).where(
            Member.id == member_id, Member.household_id == household_id))
        if member is None:
            raise MemberNotFound(member_id)
        return member

    async def page(self, household_id: uuid.UUID, *, after: uuid.UUID | None, limit: int) -> list[Member]:
        query = select(Member).where(Member.household_id == household_id)
        if after is not None:
            query = query.where(Member.id > after)
        return list((await self.session.scalars(query.order_by(Member.id).limit(limit + 1))).all())

    async def active_elsewhere(self, id_numbers: list[str], *,
                               excluding: uuid.UUID | None = None) -> list[dict[str, Any]]:
        """Active memberships of these ID numbers in other households (the one-household rule)."""
        if not id_numbers:
            return []
        query = (select(_M.c.id_number, _M.c.household_id, _H.c.household_no, _H.c.village_code)
                 .select_from(_M.join(_H, _H.c.id == _M.c.household_id))
                 .where(_M.c.active.is_(True), _M.c.id_number.in_(id_numbers)))
        if excluding is not None:
            query = query.where(_M.c.household_id != excluding)
        rows = await self.session.execute(query)
        return [{"id_number": n, "household_id": str(h), "household_no": no, "village_code": v}
                for n, h, no, v in rows]


def _member_of(row: Any) -> SimpleNamespace:
    return SimpleNamespace(**{c.name: getattr(row, f"m_{c.name}") for c in _M.c})
