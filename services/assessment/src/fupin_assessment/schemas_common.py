"""Schema base and small shared types of the assessment API."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import Path
from pydantic import BaseModel, ConfigDict

Year = Annotated[int, Path(ge=2014, le=2035, description="Assessment year, e.g. 2019")]


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Label(BaseModel):
    label_zh: str
    label_en: str


class HistoryEntry(BaseModel):
    id: uuid.UUID
    type: str
    time: datetime
    sequence: int | None
    actor: str | None
    data: dict[str, Any]


def history_entries(rows: list[Any]) -> list[HistoryEntry]:
    return [HistoryEntry(id=r.event_id, type=r.type, time=r.occurred_at, sequence=r.sequence, actor=r.actor,
                         data=r.data) for r in rows]
