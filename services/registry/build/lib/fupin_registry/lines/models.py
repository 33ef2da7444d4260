"""Poverty lines per year (data, not constants)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fupin_registry.db import Base
from fupin_shared.db import UtcDateTime, utc_now


class PovertyLine(Base):
    __tablename__ = "poverty_line"

    year: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    household_line_fen: Mapped[int] = mapped_column(sa.BigInteger)
    """Per-capita disposable income a household with labour capacity must reach (45% of the provincial rural figure)."""
    village_line_fen: Mapped[int] = mapped_column(sa.BigInteger)
    """Per-capita disposable income a relatively-poor village must reach (60% of the provincial rural figure)."""
    provincial_rural_income_fen: Mapped[int | None] = mapped_column(sa.BigInteger)
    basis: Mapped[str | None] = mapped_column(sa.String(300))
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, onupdate=utc_now)

    __mapper_args__ = {"version_id_col": version}
