"""What a re-imported household changes in the registry (pure, no I/O).

A file may carry a household number that is already registered with other data (the county's sheet
was corrected or brought up to date). The household is then updated in place — attributes, members
(matched by ID number: new ones join, missing ones leave, changed ones are updated), and the year's
income and 两不愁三保障 — instead of being refused or duplicated. Status and lifecycle years are not
changed by an import (they move through the lifecycle steps, with their notices and checks), nor is
the head (the head changes when the head leaves); such rows are refused with the reason.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from fupin_registry.imports import prepare as p

HOUSEHOLD_FIELDS = ("village_code", "labour_type", "guarantee_type", "poverty_causes", "assisting_cadre",
                    "assisting_cadre_phone", "assisting_unit", "phone", "one_card_account", "address")
LIFECYCLE_FIELDS = ("status", "identified_year", "exit_year", "exit_path", "return_year", "return_cause",
                    "removal_year", "removal_reason")
MEMBER_FIELDS = ("name", "relation", "in_school", "education", "health", "disability_grade", "medical_insurance",
                 "pension_insurance", "labour_skill", "employment")
INCOME_FIELDS = ("wage_fen", "production_fen", "production_cost_fen", "property_fen", "transfer_fen", "persons")
GUARANTEE_FIELDS = ("food", "clothing", "compulsory_education", "basic_medical", "housing_safety", "drinking_water")
LEAVE_REASON = "other"
"""Reason recorded for a member who is no longer in the household's rows of the file."""


@dataclass
class Changes:
    household: dict[str, Any] = field(default_factory=dict)
    """Household field -> new value."""
    added: list[dict[str, Any]] = field(default_factory=list)
    """New members (``MEMBER_COLUMNS`` of the prepared row, by name)."""
    updated: dict[str, dict[str, Any]] = field(default_factory=dict)
    """ID number -> changed member fields."""
    left: list[str] = field(default_factory=list)
    """ID numbers of active members missing from the file."""
    income: dict[str, Any] | None = None
    """The year's income (``INCOME_COLUMNS`` by name) when it is new or differs."""
    guarantee: dict[str, Any] | None = None
    """The year's 两不愁三保障 (``GUARANTEE_COLUMNS`` by name) when it is new or differs."""

    def __bool__(self) -> bool:
        return bool(self.household or self.added or self.updated or self.left or self.income or self.guarantee)


def _named(columns: tuple[str, ...], row: tuple | None) -> dict[str, Any] | None:
    return None if row is None else dict(zip(columns, row, strict=True))


def changes(prepared: p.Prepared, stored: dict[str, Any], members: list[dict[str, Any]],
            income: dict[str, Any] | None, guarantee: dict[str, Any] | None) -> Changes | p.RowError:
    """Compare a prepared household with the stored one (``stored`` household columns, its active
    ``members``, the stored income and guarantee of the file's income year); a refusal names the row."""
    new = _named(p.HOUSEHOLD_COLUMNS, prepared.household)
    assert new is not None
    row, number = prepared.rows[0], prepared.household_no
    if stored["status"] == "removed":
        return p.row_error(row, "status", "the household was removed (清退); a removed household is not changed "
                                          "by an import", number)
    for name in LIFECYCLE_FIELDS:
        if new[name] != stored[name]:
            return p.row_error(row, name, f"differs from the registry ({stored[name]!r}); status and lifecycle "
                                          "years change through the lifecycle steps, not by re-import", number)
    if new["head_id_number"] != stored["head_id_number"]:
        return p.row_error(row, "relation", "the head differs from the registry; the head changes when the head "
                                            "leaves (POST …/members/{id}/leave with new_head_member_id)", number)
    out = Changes()
    new["poverty_causes"] = orjson.loads(new["poverty_causes"])
    for name in HOUSEHOLD_FIELDS:
        if new[name] != stored[name]:
            out.household[name] = new[name]
    by_number = {m["id_number"]: m for m in members}
    in_file = set()
    for member_row in prepared.members:
        member = _named(p.MEMBER_COLUMNS, member_row)
        assert member is not None
        in_file.add(member["id_number"])
        current = by_number.get(member["id_number"])
        if current is None:
            out.added.append(member)
            continue
        changed = {name: member[name] for name in MEMBER_FIELDS if member[name] != current[name]}
        if changed:
            out.updated[member["id_number"]] = changed
    out.left = [m["id_number"] for m in members if m["id_number"] not in in_file]
    new_income = _named(p.INCOME_COLUMNS, prepared.income)
    if new_income is not None and (income is None or any(new_income[k] != income[k] for k in INCOME_FIELDS)):
        out.income = new_income
    new_guarantee = _named(p.GUARANTEE_COLUMNS, prepared.guarantee)
    if new_guarantee is not None and (guarantee is None
                                      or any(new_guarantee[k] != guarantee[k] for k in GUARANTEE_FIELDS)):
        out.guarantee = new_guarantee
    return out
