from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class StatusCount(BaseModel):
    households: int
    persons: int


class Overview(BaseModel):
    division: str
    year: int | None
    households_by_status: dict[str, StatusCount]
    households_total: int
    persons_total: int
    as_of: datetime | None
    lag_ms: int | None
