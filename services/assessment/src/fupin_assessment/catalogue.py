"""The subjects of the assessment, as data: the 8 county-level divisions, the city departments of
the responsibility matrix and the assisting units (市直和省驻肇定点帮扶单位). Pure: reads the
package's data files only."""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

COUNTY, DEPARTMENT, ASSISTING_UNIT = "county", "department", "assisting_unit"
SUBJECT_KINDS = (COUNTY, DEPARTMENT, ASSISTING_UNIT)
KIND_LABELS = {COUNTY: ("县（市、区）", "county"), DEPARTMENT: ("市直行业部门", "city department"),
               ASSISTING_UNIT: ("定点帮扶单位", "assisting unit")}


@dataclass(frozen=True, slots=True)
class Subject:
    key: str
    """Division code (12 digits) for a county, the unit's name otherwise."""
    kind: str
    name: str
    division_code: str
    """Where the subject sits in the division tree: its own code for a county, the city for units."""

    def snapshot_keys(self) -> tuple[str, ...]:
        """Keys a year-end snapshot may use for this subject (12- or 6-digit code, or the name)."""
        if self.kind == COUNTY:
            return (self.key, self.key[:6], self.name)
        return (self.key,)


def read_data(name: str) -> Any:
    return json.loads(resources.files("fupin_assessment.data").joinpath(name).read_text(encoding="utf-8"))


@lru_cache
def city_code() -> str:
    return read_data("subjects.json")["city"]


@lru_cache
def subjects() -> tuple[Subject, ...]:
    """Every subject, counties first, then departments and assisting units by name."""
    spec = read_data("subjects.json")
    units = read_data("units.json")
    city = spec["city"]
    excluded = set(spec["excluded_units"])
    out = [Subject(c["code"], COUNTY, c["name"], c["code"]) for c in spec["counties"]]
    for kind, kinds in ((DEPARTMENT, spec["department_kinds"]), (ASSISTING_UNIT, spec["assisting_unit_kinds"])):
        names = sorted(u["name"] for u in units if u["kind"] in kinds and u["name"] not in excluded)
        out.extend(Subject(name, kind, name, city) for name in names)
    return tuple(out)


def subject_index() -> dict[str, Subject]:
    return {s.key: s for s in subjects()}


def resolve_subject(key: str) -> Subject | None:
    """A subject by its key; a county also by its 6-digit code or its name."""
    index = subject_index()
    if key in index:
        return index[key]
    if len(key) == 6 and key.isdigit():
        return index.get(key + "000000")
    return next((s for s in subjects() if s.kind == COUNTY and s.name == key), None)


def county_of(division_code: str | None) -> str | None:
    """The county subject a division code belongs to (None for the city or unknown codes)."""
    if not division_code or len(division_code) < 6:
        return None
    key = division_code[:6] + "000000"
    subject = subject_index().get(key)
    return subject.key if subject is not None else None
