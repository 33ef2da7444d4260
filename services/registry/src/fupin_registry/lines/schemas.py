from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from fupin_registry.lines.models import PovertyLine
from fupin_registry.schemas import Fen, Schema


class PovertyLineSet(Schema):
    household_line_fen: Fen
    """Per-capita disposable income households with labour capacity must reach (fen)."""
    village_line_fen: Fen
    """Per-capita disposable income relatively-poor villages must reach (fen)."""
    provincial_rural_income_fen: Fen | None = None
    basis: str | None = Field(default=None, max_length=300)


class PovertyLineRead(BaseModel):
    year: int
    household_line_fen: int
    village_line_fen: int
    provincial_rural_income_fen: int | None
    basis: str | None
    version: int
    updated_at: datetime

    @classmethod
    def of(cls, line: PovertyLine) -> "PovertyLineRead":
        return cls(year=line.year, household_line_fen=line.household_line_fen, village_line_fen=line.village_line_fen,
                   provincial_rural_income_fen=line.provincial_rural_income_fen, basis=line.basis,
                   version=line.version, updated_at=line.updated_at)


class PovertyLinePage(BaseModel):
    items: list[PovertyLineRead]
    next_cursor: str | None = None
