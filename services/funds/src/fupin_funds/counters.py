"""Named counters, bumped under a row lock so their order is commit order (the public feed's
``since`` cursor), and the serialising write on SQLite (one writer at a time)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fupin_funds.db import Base

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class Counter(Base):
    __tablename__ = "counter"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BIG, default=0)
