"""Every SELECT of asset income; division scoping on every read."""
from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_funds.assets.errors import AssetNotFound
from fupin_funds.assets.models import Asset, AssetDistribution, AssetPayout, AssetShareRow
from fupin_shared.auth.principal import division_range


class AssetRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: Any) -> None:
        self.session.add(row)

    async def get(self, asset_id: uuid.UUID, *, within: str | None) -> Asset:
        query = select(Asset).where(Asset.id == asset_id)
        if within is not None:
            low, high = division_range(within)
            query = query.where(Asset.division_code.between(low, high))
        row = await self.session.scalar(query)
        if row is None:
            raise AssetNotFound(asset_id)
        return row

    async def page(self, *, within: str, project_id: uuid.UUID | None, after: uuid.UUID | None,
                   limit: int) -> list[Asset]:
        low, high = division_range(within)
        query = select(Asset).where(Asset.division_code.between(low, high))
        if project_id is not None:
            query = query.where(Asset.project_id == project_id)
        if after is not None:
            query = query.where(Asset.id > after)
        return list((await self.session.scalars(query.order_by(Asset.id).limit(limit + 1))).all())

    async def shares(self, asset_id: uuid.UUID) -> list[AssetShareRow]:
        return list((await self.session.scalars(select(AssetShareRow).where(AssetShareRow.asset_id == asset_id)
                                                .order_by(AssetShareRow.village_code))).all())

    async def replace_shares(self, asset_id: uuid.UUID, shares: list[tuple[str, int]]) -> None:
        await self.session.execute(delete(AssetShareRow).where(AssetShareRow.asset_id == asset_id))
        for code, bp in shares:
            self.session.add(AssetShareRow(asset_id=asset_id, village_code=code, share_bp=bp))

    async def distributions(self, asset_id: uuid.UUID) -> list[AssetDistribution]:
        return list((await self.session.scalars(select(AssetDistribution).where(
            AssetDistribution.asset_id == asset_id).order_by(AssetDistribution.id))).all())

    async def distribution_taken(self, asset_id: uuid.UUID, village_code: str, year: int, period: str) -> bool:
        return await self.session.scalar(select(AssetDistribution.id).where(
            AssetDistribution.asset_id == asset_id, AssetDistribution.village_code == village_code,
            AssetDistribution.year == year, AssetDistribution.period == period)) is not None

    async def payouts(self, distribution_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[AssetPayout]]:
        out: dict[uuid.UUID, list[AssetPayout]] = {d: [] for d in distribution_ids}
        if not distribution_ids:
            return out
        for row in (await self.session.scalars(select(AssetPayout).where(
                AssetPayout.distribution_id.in_(distribution_ids)).order_by(AssetPayout.household_id))).all():
            out[row.distribution_id].append(row)
        return out
