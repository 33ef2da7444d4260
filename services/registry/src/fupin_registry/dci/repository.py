"""SQL of the DCI search: households by ID number or attributes, page-numbered, with a total; the
asynchronous transactions (find, due, lease, settle)."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update

from fupin_registry.codelists import CAUSE_BITS
from fupin_registry.dci.models import DciTransaction
from fupin_registry.households.models import Household, Member
from fupin_shared.auth.principal import division_range


async def by_id_number(session: Any, id_number: str, *, within: str) -> list[Household]:
    low, high = division_range(within)
    ids = select(Member.household_id).where(Member.id_number == id_number)
    return list((await session.scalars(select(Household).where(
        Household.id.in_(ids), Household.village_code.between(low, high)).order_by(Household.id))).all())


async def by_household(session: Any, *, within: str, household_id: uuid.UUID | None = None,
                       household_no: str | None = None) -> list[Household]:
    low, high = division_range(within)
    query = select(Household).where(Household.village_code.between(low, high))
    query = query.where(Household.id == household_id) if household_id else query.where(
        Household.household_no == household_no)
    return list((await session.scalars(query)).all())


async def by_attributes(session: Any, *, within: str, filters: dict[str, list[Any]], offset: int,
                        limit: int) -> tuple[list[Household], int]:
    low, high = division_range(within)
    where = [Household.village_code.between(low, high)]
    for name, values in filters.items():
        if name == "poverty_cause":
            mask = 0
            for v in values:
                mask |= CAUSE_BITS[v]
            where.append(Household.cause_mask.op("&")(mask) != 0)
        else:
            where.append(getattr(Household, name).in_(values))
    total = int(await session.scalar(select(func.count()).select_from(Household).where(*where)) or 0)
    rows = list((await session.scalars(select(Household).where(*where).order_by(Household.id)
                                       .offset(offset).limit(limit))).all())
    return rows, total


async def members_of(session: Any, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Member]]:
    out: dict[uuid.UUID, list[Member]] = {i: [] for i in ids}
    if ids:
        for m in (await session.scalars(select(Member).where(Member.household_id.in_(ids))
                                        .order_by(Member.id))).all():
            out[m.household_id].append(m)
    return out


async def transaction(session: Any, *, client_id: str, transaction_id: str) -> DciTransaction | None:
    return await session.scalar(select(DciTransaction).where(DciTransaction.client_id == client_id,
                                                             DciTransaction.transaction_id == transaction_id))


async def due_transactions(session: Any, now: datetime, limit: int) -> list[DciTransaction]:
    return list((await session.scalars(select(DciTransaction).where(DciTransaction.next_attempt_at <= now)
                                       .order_by(DciTransaction.next_attempt_at).limit(limit))).all())


async def claim_transaction(session: Any, txn_id: uuid.UUID, seen: datetime, lease_until: datetime) -> bool:
    """Lease a due transaction (compare-and-set on its next attempt time)."""
    result = await session.execute(update(DciTransaction).where(
        DciTransaction.id == txn_id, DciTransaction.next_attempt_at == seen).values(next_attempt_at=lease_until))
    return result.rowcount == 1


async def settle_transaction(session: Any, txn_id: uuid.UUID, **values: Any) -> None:
    await session.execute(update(DciTransaction).where(DciTransaction.id == txn_id).values(**values))
