"""The framework table: one document per year."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fupin_assessment.db import Base
from fupin_shared.db import JSONType, UtcDateTime, utc_now


class FrameworkRow(Base):
    __tablename__ = "framework"

    year: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(sa.String(200))
    document: Mapped[dict[str, Any]] = mapped_column(JSONType)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, onupdate=utc_now)

    __mapper_args__ = {"version_id_col": version}
