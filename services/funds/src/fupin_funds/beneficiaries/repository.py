"""Reads of the registry read copies (households, villages)."""
from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_funds.beneficiaries.errors import HouseholdsIneligible, HouseholdsNotKnown
from fupin_funds.beneficiaries.domain import HouseholdCopy, ineligibility
from fupin_funds.beneficiaries.models import BeneficiaryHousehold, VillageRecord
from fupin_shared.auth.principal import division_range


class BeneficiaryRepository:
    def __init__(self, session: AsyncSession, cache: dict[object, object] | None = None) -> None:
        self.session = session
        self.cache = cache if cache is not None else {}

    async def get_many(self, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, BeneficiaryHousehold]:
        ids = list(ids)
        if not ids:
            return {}
        rows = (await self.session.scalars(
            select(BeneficiaryHousehold).where(BeneficiaryHousehold.household_id.in_(ids)))).all()
        return {row.household_id: row for row in rows}

    async def lock(self, household_id: uuid.UUID) -> BeneficiaryHousehold | None:
        """The household's copy, row-locked until commit (serialises its instalments on PostgreSQL)."""
        return await self.session.scalar(select(BeneficiaryHousehold).where(
            BeneficiaryHousehold.household_id == household_id).with_for_update())

    async def require_eligible(self, ids: list[uuid.UUID], *, division: str,
                               lock: bool = False) -> dict[uuid.UUID, BeneficiaryHousehold]:
        """Every household known, inside ``division`` and not removed — else 409 naming them."""
        if lock and len(ids) == 1:
            row = await self.lock(ids[0])
            found = {row.household_id: row} if row is not None else {}
        else:
            found = await self.get_many(ids)
        missing = [h for h in ids if h not in found]
        if missing:
            raise HouseholdsNotKnown(missing)
        problems = []
        for household_id, row in found.items():
            reason = ineligibility(HouseholdCopy(str(household_id), row.village_code, row.status), division=division)
            if reason is not None:
                problems.append({"household_id": str(household_id), "reason": reason,
                                 "village_code": row.village_code, "status": row.status})
        if problems:
            raise HouseholdsIneligible(problems)
        return found

    async def in_village(self, village_code: str, *, limit: int, statuses: Iterable[str] | None = None
                         ) -> list[BeneficiaryHousehold]:
        query = select(BeneficiaryHousehold).where(BeneficiaryHousehold.village_code == village_code)
        if statuses is not None:
            query = query.where(BeneficiaryHousehold.status.in_(list(statuses)))
        return list((await self.session.scalars(query.order_by(BeneficiaryHousehold.household_id).limit(limit))).all())

    async def count(self, division: str | None = None) -> int:
        query = select(func.count()).select_from(BeneficiaryHousehold)
        if division is not None:
            low, high = division_range(division)
            query = query.where(BeneficiaryHousehold.village_code.between(low, high))
        return int((await self.session.execute(query)).scalar_one())

    async def villages_with_households(self, division: str, *, limit: int) -> list[tuple[str, int]]:
        low, high = division_range(division)
        rows = await self.session.execute(
            select(BeneficiaryHousehold.village_code, func.count()).where(
                BeneficiaryHousehold.village_code.between(low, high)).group_by(
                BeneficiaryHousehold.village_code).order_by(func.count().desc()).limit(limit))
        return [(code, int(n)) for code, n in rows]

    async def poor_villages(self, division: str | None = None) -> list[str]:
        query = select(VillageRecord.village_code).where(VillageRecord.provincial_poor_village.is_(True))
        if division is not None:
            low, high = division_range(division)
            query = query.where(VillageRecord.village_code.between(low, high))
        return list((await self.session.scalars(query.order_by(VillageRecord.village_code))).all())

    async def village(self, code: str) -> VillageRecord | None:
        key = ("village", code)
        if key not in self.cache:
            self.cache[key] = await self.session.get(VillageRecord, code)
        return self.cache[key]  # type: ignore[return-value]
