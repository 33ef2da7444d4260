"""SQL of the mobile sync: changed households since an outbox sequence, their members and measures."""
from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_registry.db import INFRA
from fupin_registry.households.models import Household, Member
from fupin_registry.records.models import Measure
from fupin_shared.auth.principal import division_range
from fupin_shared.contracts.registry import HouseholdUpdated

_O = INFRA.Outbox
UPDATED = HouseholdUpdated.event_type()
HOUSEHOLD_AGGREGATES = ("household", "member")
"""Events of these aggregates change a household (signals, villages and poverty lines do not, and their
subjects are not household ids)."""


class SyncRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def watermark(self) -> int:
        """The highest published sequence: every event at or below it is committed and numbered, so a
        cursor never skips an event that commits later (sequences are given in publish order)."""
        return int((await self.session.scalar(select(func.max(_O.sequence)))) or 0)

    async def changed_subjects(self, *, within: str, after: int, upto: int, limit: int) -> list[tuple[str, int]]:
        """(household id, last sequence) of households with events in (after, upto], oldest change first:
        those of the division, and those that moved out of it (``previous_village_code`` inside it)."""
        low, high = division_range(within)
        last = func.max(_O.sequence).label("last")
        moved_out = and_(_O.type == UPDATED, _O.data["previous_village_code"].as_string().between(low, high))
        rows = (await self.session.execute(
            select(_O.subject, last).where(_O.sequence > after, _O.sequence <= upto,
                                           or_(_O.division.between(low, high), moved_out),
                                           or_(*(_O.type.like(f"fupin.registry.{a}.%") for a in HOUSEHOLD_AGGREGATES)))
            .group_by(_O.subject).order_by(last).limit(limit))).all()
        return [(r.subject, int(r.last)) for r in rows]

    async def households(self, ids: list[uuid.UUID], *, within: str) -> list[Household]:
        low, high = division_range(within)
        return list((await self.session.scalars(select(Household).where(
            Household.id.in_(ids), Household.village_code.between(low, high)))).all())

    async def villages(self, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
        """Household id → its village (where an access to it is logged)."""
        rows = await self.session.execute(select(Household.id, Household.village_code).where(Household.id.in_(ids)))
        return {household_id: village for household_id, village in rows}

    async def members(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Member]]:
        out: dict[uuid.UUID, list[Member]] = {i: [] for i in ids}
        for m in (await self.session.scalars(select(Member).where(Member.household_id.in_(ids))
                                             .order_by(Member.id))).all():
            out[m.household_id].append(m)
        return out

    async def measures(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Any]]:
        out: dict[uuid.UUID, list[Any]] = {i: [] for i in ids}
        for m in (await self.session.scalars(select(Measure).where(Measure.household_id.in_(ids))
                                             .order_by(Measure.id))).all():
            out[m.household_id].append(m)
        return out
