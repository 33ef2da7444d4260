"""Division tables: the city tree (city, county, town, village) and natural villages (自然村)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fupin_registry.db import Base


class Division(Base):
    """An administrative division under its 12-digit statistical code."""

    __tablename__ = "division"
    __table_args__ = (sa.Index("ix_division_parent_code", "parent_code", "code"),)

    code: Mapped[str] = mapped_column(sa.String(12), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    level: Mapped[str] = mapped_column(sa.String(8))
    parent_code: Mapped[str | None] = mapped_column(sa.String(12))
    provincial_poor_village: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    exited_year: Mapped[int | None] = mapped_column(sa.Integer)
    """Year a provincial relatively-poor village exited (出列); None while it has not."""
    version: Mapped[int] = mapped_column(sa.Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class NaturalVillage(Base):
    """A natural village (自然村) of an administrative village, with its household count."""

    __tablename__ = "natural_village"
    __table_args__ = (sa.Index("ix_natural_village_village_code", "village_code", "id"),)

    id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    village_code: Mapped[str] = mapped_column(sa.String(12))
    name: Mapped[str] = mapped_column(sa.String(60))
    households: Mapped[int] = mapped_column(sa.Integer)
