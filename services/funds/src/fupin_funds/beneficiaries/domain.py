"""Who may benefit: a household the registry reported, in the right place, not removed."""
from __future__ import annotations

from dataclasses import dataclass

from fupin_funds.divisions import within

INELIGIBLE_STATUSES = frozenset({"removed"})
"""Removed households (清退, found ineligible) receive nothing; exited households keep their support
(脱贫不脱政策) and remain eligible."""


@dataclass(frozen=True, slots=True)
class HouseholdCopy:
    household_id: str
    village_code: str
    status: str


def ineligibility(household: HouseholdCopy, *, division: str) -> str | None:
    if not within(household.village_code, division):
        return "outside_division"
    if household.status in INELIGIBLE_STATUSES:
        return f"status_{household.status}"
    return None
