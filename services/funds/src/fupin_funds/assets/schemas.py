"""Request and response models of asset income."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Self

from pydantic import BaseModel, Field, StringConstraints

from fupin_funds.assets.models import Asset, AssetDistribution, AssetPayout, AssetShareRow
from fupin_funds.common import DivisionCode, Fen, FenOrZero, Schema, ShortText, Year

AssetKind = Annotated[str, Field(pattern=r"^(photovoltaic|enterprise_equity|cooperative_equity|facility|other)$")]


class AssetCreate(Schema):
    project_id: uuid.UUID
    name: ShortText
    kind: AssetKind
    operator: ShortText
    """Who runs the asset (an enterprise or cooperative)."""
    value_fen: Fen
    formed_on: date


class ShareIn(Schema):
    village_code: DivisionCode
    share_bp: Annotated[int, Field(ge=1, le=10_000, description="Basis points of the asset (10000 = all)")]


class SharesUpdate(Schema):
    shares: Annotated[list[ShareIn], Field(min_length=1, max_length=200)]


class RecipientIn(Schema):
    household_id: uuid.UUID
    shares: Annotated[int, Field(ge=1, le=1000)] = 1


class DistributionCreate(Schema):
    """Income of a period paid to a village's households: a guaranteed amount per household (保底收益) plus a
    dividend pool split by shares (按股分红). Recipients default to the project's beneficiaries in the village."""

    village_code: DivisionCode
    year: Year
    period: Annotated[str, StringConstraints(pattern=r"^20\d\d(H[12]|Q[1-4])?$")]
    guaranteed_per_household_fen: FenOrZero
    dividend_fen: FenOrZero
    paid_on: date
    recipients: Annotated[list[RecipientIn] | None, Field(max_length=5000)] = None


class ShareRead(BaseModel):
    village_code: str
    share_bp: int


class PayoutRead(BaseModel):
    household_id: uuid.UUID
    shares: int
    guaranteed_fen: int
    dividend_fen: int
    total_fen: int


class DistributionRead(BaseModel):
    id: uuid.UUID
    village_code: str
    year: int
    period: str
    guaranteed_fen: int
    dividend_fen: int
    paid_on: date
    payouts: list[PayoutRead]

    @classmethod
    def of(cls, d: AssetDistribution, payouts: list[AssetPayout]) -> Self:
        return cls(id=d.id, village_code=d.village_code, year=d.year, period=d.period, guaranteed_fen=d.guaranteed_fen,
                   dividend_fen=d.dividend_fen, paid_on=d.paid_on,
                   payouts=[PayoutRead(household_id=p.household_id, shares=p.shares, guaranteed_fen=p.guaranteed_fen,
                                       dividend_fen=p.dividend_fen, total_fen=p.guaranteed_fen + p.dividend_fen)
                            for p in payouts])


class AssetRead(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID
    name: str
    kind: str
    operator: str
    division_code: str
    value_fen: int
    formed_on: date
    year: int
    shares: list[ShareRead]
    version: int
    created_at: datetime

    @classmethod
    def of(cls, a: Asset, shares: list[AssetShareRow]) -> Self:
        return cls(id=a.id, project_id=a.project_id, name=a.name, kind=a.kind, operator=a.operator,
                   division_code=a.division_code, value_fen=a.value_fen, formed_on=a.formed_on, year=a.year,
                   shares=[ShareRead(village_code=s.village_code, share_bp=s.share_bp) for s in shares],
                   version=a.version, created_at=a.created_at)


class AssetPage(BaseModel):
    items: list[AssetRead]
    next_cursor: str | None = None
