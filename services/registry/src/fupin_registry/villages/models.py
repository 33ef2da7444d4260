"""Yearly village records (村级年度数据)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fupin_registry.db import Base
from fupin_shared.db import JSONType, UtcDateTime, utc_now


class VillageRecord(Base):
    """What a village achieved in a year: incomes and the infrastructure conditions of exit."""

    __tablename__ = "village_record"

    village_code: Mapped[str] = mapped_column(sa.String(12), primary_key=True)
    year: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    collective_income_fen: Mapped[int] = mapped_column(sa.BigInteger)
    per_capita_income_fen: Mapped[int] = mapped_column(sa.BigInteger)
    hardened_roads: Mapped[list[str]] = mapped_column(JSONType, default=list)
    """Natural villages whose road is hardened (ids)."""
    clean_village: Mapped[bool] = mapped_column(sa.Boolean)
    drinking_water: Mapped[bool] = mapped_column(sa.Boolean)
    network: Mapped[bool] = mapped_column(sa.Boolean)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, onupdate=utc_now)

    __mapper_args__ = {"version_id_col": version}
