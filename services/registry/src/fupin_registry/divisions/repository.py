"""Every SELECT on divisions and natural villages."""
from __future__ import annotations

import weakref
from collections.abc import Iterable

from sqlalchemy import func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_registry.divisions.domain import ancestors
from fupin_registry.divisions.errors import DivisionNotFound
from fupin_registry.db import INFRA
from fupin_registry.divisions.models import Division, NaturalVillage
from fupin_shared.auth.principal import division_range
from fupin_shared.contracts.registry import VillageDesignated

DESIGNATION_LOCK = 0x72646573  # advisory lock: one designation publisher at a time across replicas
_VILLAGES: weakref.WeakKeyDictionary[object, frozenset[str]] = weakref.WeakKeyDictionary()
"""Village codes per engine: divisions change only by migration, which runs before the app serves."""


class DivisionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, code: str, *, within: str, ancestors_visible: bool = True) -> Division:
        """A division inside the caller's subtree, or (if allowed) one of its ancestors."""
        low, high = division_range(within)
        visible = low <= code <= high or (ancestors_visible and code in ancestors(within))
        division = await self.session.get(Division, code) if visible else None
        if division is None:
            raise DivisionNotFound(code)
        return division

    async def get_for_update(self, code: str, *, within: str) -> Division:
        return await self.get(code, within=within, ancestors_visible=False)

    async def page(self, *, within: str, parent: str | None, level: str | None, poor: bool | None,
                   after: str | None, limit: int) -> list[Division]:
        low, high = division_range(within)
        query = select(Division).where(or_(Division.code.between(low, high), Division.code.in_(ancestors(within))))
        if parent is not None:
            query = query.where(Division.parent_code == parent)
        if level is not None:
            query = query.where(Division.level == level)
        if poor is not None:
            query = query.where(Division.provincial_poor_village.is_(poor))
        if after is not None:
            query = query.where(Division.code > after)
        return list((await self.session.scalars(query.order_by(Division.code).limit(limit + 1))).all())

    async def children_counts(self, code: str) -> dict[str, int]:
        rows = await self.session.execute(select(Division.level, func.count()).where(
            Division.parent_code == code).group_by(Division.level))
        return {level: int(n) for level, n in rows}

    async def names(self, codes: list[str]) -> dict[str, str]:
        rows = await self.session.execute(select(Division.code, Division.name).where(Division.code.in_(codes)))
        return {code: name for code, name in rows}

    async def is_village(self, code: str) -> bool:
        """Answered from the engine's in-memory set of village codes (read once)."""
        return code in await self.known_villages()

    async def known_villages(self) -> frozenset[str]:
        engine = self.session.bind
        known = _VILLAGES.get(engine)
        if known is None:
            known = _VILLAGES[engine] = frozenset(await self.all_village_codes())
        return known

    async def all_village_codes(self) -> set[str]:
        return set((await self.session.scalars(select(Division.code).where(Division.level == "village"))).all())

    async def villages(self, *, within: str, poor: bool | None = None) -> list[Division]:
        low, high = division_range(within)
        query = select(Division).where(Division.level == "village", Division.code.between(low, high))
        if poor is not None:
            query = query.where(Division.provincial_poor_village.is_(poor))
        return list((await self.session.scalars(query.order_by(Division.code))).all())

    async def natural_villages(self, village_code: str) -> list[NaturalVillage]:
        return list((await self.session.scalars(select(NaturalVillage).where(
            NaturalVillage.village_code == village_code).order_by(NaturalVillage.id))).all())

    async def natural_village_counts(self, codes: list[str]) -> dict[str, tuple[int, int]]:
        rows = await self.session.execute(
            select(NaturalVillage.village_code, func.count(), func.coalesce(func.sum(NaturalVillage.households), 0))
            .where(NaturalVillage.village_code.in_(codes)).group_by(NaturalVillage.village_code))
        return {code: (int(n), int(h)) for code, n, h in rows}

    async def lock_designations(self) -> None:
        """On PostgreSQL, wait for any other replica publishing designations (until this transaction
        ends), so it reads what that one recorded; SQLite has a single writer anyway."""
        if self.session.bind.dialect.name == "postgresql":
            await self.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": DESIGNATION_LOCK})

    async def village_designations(self) -> dict[str, bool]:
        """Every village's provincial poor-village flag."""
        rows = await self.session.execute(select(Division.code, Division.provincial_poor_village)
                                          .where(Division.level == "village"))
        return {code: bool(flag) for code, flag in rows}

    async def recorded_designations(self, villages: Iterable[str]) -> dict[str, bool]:
        """The last designation recorded in the outbox for each of ``villages`` that has one (read by
        subject, so the outbox's subject index serves it however many household events it holds)."""
        outbox = INFRA.Outbox
        rows = await self.session.execute(select(outbox.subject, outbox.data).where(
            outbox.subject.in_(sorted(villages)), outbox.type == VillageDesignated.event_type()).order_by(outbox.id))
        return {subject: bool(data["provincial_poor_village"]) for subject, data in rows}
