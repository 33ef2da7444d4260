"""Request/response building blocks shared by the funds areas."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

DivisionCode = Annotated[str, StringConstraints(pattern=r"^\d{12}$")]
Fen = Annotated[int, Field(ge=1, le=10**14, strict=True,
                           description="Money in fen (1 yuan = 100 fen), a positive integer")]
FenOrZero = Annotated[int, Field(ge=0, le=10**14, strict=True, description="Money in fen, an integer ≥ 0")]
Year = Annotated[int, Field(ge=2014, le=2035)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(min_length=1, max_length=4000)]
DocumentNo = Annotated[str, StringConstraints(min_length=1, max_length=120)]


class Schema(BaseModel):
    """Requests: unknown fields refused, strings stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ReadModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class CodeLabel(BaseModel):
    code: str
    label_zh: str
    label_en: str


CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")


def today() -> date:
    """The calendar date in China (UTC+8, no daylight saving): paid_on, due dates and notice periods
    are local dates."""
    return datetime.now(CHINA_TZ).date()


def after_id(cursor: str | None, filters: dict) -> uuid.UUID | None:
    """The last id of the previous page, from an opaque cursor bound to the filters."""
    from fupin_shared.http.pagination import decode_cursor

    last = decode_cursor(cursor, filters)
    return uuid.UUID(last[0]) if last else None
