"""Asset income (资产收益) tables: assets formed by projects, shares of village collectives,
distributions and each household's payout."""
from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fupin_funds.db import Base
from fupin_shared.db import UtcDateTime, utc_now, uuid7

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class Asset(Base):
    __tablename__ = "asset"
    __table_args__ = (sa.CheckConstraint("value_fen > 0", name="value"),
                      sa.Index("ix_asset_division_id", "division_code", "id"))

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    project_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("project.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(40))
    operator: Mapped[str] = mapped_column(sa.String(200))
    division_code: Mapped[str] = mapped_column(sa.String(12))
    value_fen: Mapped[int] = mapped_column(BIG)
    formed_on: Mapped[date] = mapped_column(sa.Date)
    year: Mapped[int] = mapped_column(sa.Integer)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, onupdate=utc_now)
    created_by: Mapped[str] = mapped_column(sa.String(120))

    __mapper_args__ = {"version_id_col": version}


class AssetShareRow(Base):
    __tablename__ = "asset_share"
    __table_args__ = (sa.CheckConstraint("share_bp > 0 AND share_bp <= 10000", name="share"),)

    asset_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("asset.id"), primary_key=True)
    village_code: Mapped[str] = mapped_column(sa.String(12), primary_key=True)
    share_bp: Mapped[int] = mapped_column(sa.Integer)


class AssetDistribution(Base):
    __tablename__ = "asset_distribution"
    __table_args__ = (
        sa.UniqueConstraint("asset_id", "village_code", "year", "period", name="uq_asset_distribution_period"),
        sa.CheckConstraint("guaranteed_fen >= 0 AND dividend_fen >= 0", name="nonnegative"),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    asset_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("asset.id"), index=True)
    village_code: Mapped[str] = mapped_column(sa.String(12))
    year: Mapped[int] = mapped_column(sa.Integer)
    period: Mapped[str] = mapped_column(sa.String(10))
    guaranteed_fen: Mapped[int] = mapped_column(BIG)
    dividend_fen: Mapped[int] = mapped_column(BIG)
    paid_on: Mapped[date] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    created_by: Mapped[str] = mapped_column(sa.String(120))


class AssetPayout(Base):
    __tablename__ = "asset_payout"
    __table_args__ = (sa.Index("ix_asset_payout_household", "household_id"),)

    distribution_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("asset_distribution.id"), primary_key=True)
    household_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    shares: Mapped[int] = mapped_column(sa.Integer)
    guaranteed_fen: Mapped[int] = mapped_column(BIG)
    dividend_fen: Mapped[int] = mapped_column(BIG)
