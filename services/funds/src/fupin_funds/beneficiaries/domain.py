"""Who may benefit: a household the registry reported as a registered poor household (建档立卡户), living in
the right place. Statuses are the registry's (code list ``household_status``)."""
from __future__ import annotations

from dataclasses import dataclass

from fupin_funds.divisions import within

ELIGIBLE_STATUSES = frozenset({"identified", "pre_exit", "exit_notice", "exited", "returned"})
"""Identified households, those in the exit procedure, and exited ones — support continues after exit
(脱贫不脱政策) — and returned ones. Applicants still in identification, rejected and removed (清退)
households receive nothing."""


@dataclass(frozen=True, slots=True)
class HouseholdCopy:
    household_id: str
    village_code: str
    status: str


def ineligibility(household: HouseholdCopy, *, division: str) -> str | None:
    if not within(household.village_code, division):
        return "outside_division"
    if household.status not in ELIGIBLE_STATUSES:
        return f"status_{household.status}"
    return None
