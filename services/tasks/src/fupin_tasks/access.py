"""Who may do what in the tasks service (pure rules over the token's claims).

- A department user's token carries ``unit`` (e.g. 市教育局): it acts only for that unit, and only on
  tasks where that unit has a role in the matrix (403 ``unit-has-no-role-on-task`` otherwise).
- The leading-group office reviews: a token whose ``unit`` is one of the configured review units
  (default 市扶贫开发领导小组办公室), or any token with scope ``tasks:review``. It accepts or returns
  reports and records and closes supervision findings. A reviewer never reviews its own unit's report.
- A token without ``unit`` is an administrator of its division: a city-wide one (division
  441200000000) may do everything, including review; a county one may act for units in its county.
"""
from __future__ import annotations

from dataclasses import dataclass

from fupin_shared.auth.principal import CITY, Principal
from fupin_shared.http.problems import Forbidden, InvalidInput

REVIEW_SCOPE = "tasks:review"


class UnitMismatch(Forbidden):
    slug, title = "unit-mismatch", "Your token acts for another unit"


class UnitHasNoRole(Forbidden):
    slug, title = "unit-has-no-role-on-task", "The unit has no role on this task"

    def __init__(self, unit: str, task_number: int) -> None:
        super().__init__(f"{unit} is neither lead nor participant of task {task_number}; "
                         "units report only on tasks they have a role in.", unit=unit, task_number=task_number)


class ReviewNotAllowed(Forbidden):
    slug, title = "review-not-allowed", "Only the leading-group office reviews"


class UnitOutsideDivision(Forbidden):
    slug, title = "unit-outside-division", "The unit is outside your division"


@dataclass(frozen=True)
class AccessPolicy:
    review_units: frozenset[str] = frozenset({"市扶贫开发领导小组办公室"})

    @staticmethod
    def is_city_admin(principal: Principal) -> bool:
        return principal.unit is None and principal.division == CITY

    def is_reviewer(self, principal: Principal) -> bool:
        if principal.has(REVIEW_SCOPE):
            return True
        if not principal.has("tasks:write"):
            return False
        return principal.unit in self.review_units or self.is_city_admin(principal)

    def require_reviewer(self, principal: Principal) -> None:
        if not self.is_reviewer(principal):
            raise ReviewNotAllowed("Accepting and returning reports and recording or closing findings is for the "
                                   "leading-group office (市扶贫开发领导小组办公室) or scope tasks:review.")

    @staticmethod
    def acting_unit(principal: Principal, requested: str | None) -> str:
        """The unit a write is made for: a unit token's own unit; an administrator must name it."""
        if principal.unit is not None:
            if requested is not None and requested != principal.unit:
                raise UnitMismatch(f"Your token acts for {principal.unit}, not {requested}.")
            return principal.unit
        if requested is None:
            raise InvalidInput([{"pointer": "#/unit", "detail": "required when the token carries no unit"}])
        return requested

    @staticmethod
    def require_within_division(principal: Principal, unit: str, unit_division: str) -> None:
        if principal.unit is None and not principal.sees(unit_division):
            raise UnitOutsideDivision(f"{unit} ({unit_division}) is outside your division {principal.division}.")

    @staticmethod
    def require_role(unit: str, task_number: int, role: str | None) -> str:
        if role is None:
            raise UnitHasNoRole(unit, task_number)
        return role

    def may_review_unit(self, principal: Principal, unit: str) -> None:
        self.require_reviewer(principal)
        if principal.unit is not None and principal.unit == unit:
            raise ReviewNotAllowed(f"{unit} may not review its own report.")
