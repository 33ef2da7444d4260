"""Response models of the division tree."""
from __future__ import annotations

from pydantic import BaseModel

from fupin_registry.divisions.models import Division, NaturalVillage


class DivisionRead(BaseModel):
    code: str
    name: str
    level: str
    parent_code: str | None
    provincial_poor_village: bool
    exited_year: int | None = None
    natural_villages: int | None = None
    """Villages only: how many natural villages (自然村) it has."""
    natural_village_households: int | None = None

    @classmethod
    def of(cls, d: Division, counts: tuple[int, int] | None = None) -> "DivisionRead":
        return cls(code=d.code, name=d.name, level=d.level, parent_code=d.parent_code,
                   provincial_poor_village=d.provincial_poor_village, exited_year=d.exited_year,
                   natural_villages=counts[0] if counts else None,
                   natural_village_households=counts[1] if counts else None)


class DivisionRef(BaseModel):
    code: str
    name: str


class DivisionDetail(DivisionRead):
    path: list[DivisionRef]
    """The divisions above, top first."""
    children: dict[str, int]
    """How many child divisions, by level."""


class DivisionPage(BaseModel):
    items: list[DivisionRead]
    next_cursor: str | None = None


class NaturalVillageRead(BaseModel):
    id: str
    village_code: str
    name: str
    households: int
    road_required: bool
    """20 or more households: its road must be hardened for the village to exit."""

    @classmethod
    def of(cls, nv: NaturalVillage) -> "NaturalVillageRead":
        return cls(id=nv.id, village_code=nv.village_code, name=nv.name, households=nv.households,
                   road_required=nv.households >= 20)
