"""SQL of signals: store, page by division and matched flag, find the active member by ID number, counts."""
from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_registry.households.models import Household, Member
from fupin_registry.signals.models import Signal
from fupin_shared.auth.principal import division_range


class SignalRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, signal: Signal) -> None:
        self.session.add(signal)

    async def member_id(self, household_id: uuid.UUID, id_number: str) -> uuid.UUID | None:
        return await self.session.scalar(select(Member.id).where(
            Member.household_id == household_id, Member.id_number == id_number, Member.active.is_(True)))

    async def page(self, *, within: str, matched: bool | None, kind: str | None, after: uuid.UUID | None,
                   limit: int) -> list[Any]:
        low, high = division_range(within)
        query = select(Signal).where(Signal.division_code.between(low, high))
        if matched is not None:
            query = query.where(Signal.matched.is_(matched))
        if kind:
            query = query.where(Signal.kind == kind)
        if after is not None:
            query = query.where(Signal.id > after)
        return list((await self.session.scalars(query.order_by(Signal.id).limit(limit + 1))).all())

    async def rematch_candidates(self, *, after: uuid.UUID | None, limit: int) -> list[Any]:
        """(signal, member id, household id, village) of unmatched signals whose ID number is now an active
        member's (the poster's division is checked by the caller)."""
        return list((await self.session.execute(
            select(Signal, Member.id, Member.household_id, Household.village_code)
            .join(Member, Member.id_number == Signal.id_number)
            .join(Household, Household.id == Member.household_id)
            .where(Signal.matched.is_(False), Member.active.is_(True), Signal.id > after if after else sa.true())
            .order_by(Signal.id).limit(limit))).all())

    async def claim_match(self, signal_id: uuid.UUID, *, member_id: uuid.UUID, household_id: uuid.UUID,
                          village_code: str, at: Any) -> bool:
        """Mark a still-unmatched signal matched (compare-and-set: of the consumer and the sweep matching the
        same signal at once, one wins and records the event); the signal in the session is updated too."""
        result = await self.session.execute(sa.update(Signal).where(Signal.id == signal_id, Signal.matched.is_(False))
                                            .values(matched=True, matched_at=at, member_id=member_id,
                                                    household_id=household_id, division_code=village_code))
        return result.rowcount == 1

    async def counts(self, *, within: str) -> list[Any]:
        """(kind, matched, matched late, count, oldest received) of the division's signals."""
        low, high = division_range(within)
        late = (Signal.matched_at > Signal.received_at).label("late")
        return list((await self.session.execute(
            select(Signal.kind, Signal.matched, late, func.count(), func.min(Signal.received_at))
            .where(Signal.division_code.between(low, high))
            .group_by(Signal.kind, Signal.matched, late))).all())

    async def sample_member_numbers(self, limit: int) -> list[str]:
        """ID numbers of the first active members (demo data)."""
        return list((await self.session.scalars(select(Member.id_number).where(Member.active.is_(True))
                                                .order_by(Member.id).limit(limit))).all())
