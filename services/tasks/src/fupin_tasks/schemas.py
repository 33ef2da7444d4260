"""Request/response building blocks shared by the tasks routers."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints

UnitName = Annotated[str, StringConstraints(min_length=1, max_length=80, strip_whitespace=True)]
PeriodCode = Annotated[str, StringConstraints(pattern=r"^\d{4}(Q[1-4]|H[12])?$")]
PlanId = Annotated[str, StringConstraints(min_length=1, max_length=40)]
DivisionCode = Annotated[str, StringConstraints(pattern=r"^\d{12}$")]


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class HistoryEntry(BaseModel):
    id: uuid.UUID
    type: str
    time: datetime
    sequence: int | None
    actor: str | None
    data: dict[str, Any]

    @classmethod
    def of(cls, row: Any) -> HistoryEntry:
        return cls(id=row.event_id, type=row.type, time=row.occurred_at, sequence=row.sequence, actor=row.actor,
                   data=row.data)
