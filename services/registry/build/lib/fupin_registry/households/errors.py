"""Problems the household use cases raise (each with a stable slug)."""
from __future__ import annotations

from uuid import UUID

from fupin_shared.http.problems import Conflict, NotFound


class HouseholdNotFound(NotFound):
    slug, title = "household-not-found", "No such household"

    def __init__(self, household_id: UUID) -> None:
        super().__init__(f"Household {household_id} does not exist or is outside your division.")


class MemberNotFound(NotFound):
    slug, title = "member-not-found", "No such member"

    def __init__(self, member_id: UUID) -> None:
        super().__init__(f"Member {member_id} does not exist in this household.")


class PersonInActiveHousehold(Conflict):
    """One person, one active household: the ID number is already an active member elsewhere."""

    slug, title = "person-in-active-household", "The person is already a member of an active household"

    def __init__(self, conflicts: list[dict[str, str | None]]) -> None:
        others = ", ".join(sorted({str(c["household_id"]) for c in conflicts}))
        super().__init__(f"Already an active member of household {others}; a person may be in one active "
                         "household only (the member must leave it first).", conflicts=conflicts)


class HouseholdNumberTaken(Conflict):
    slug, title = "household-number-taken", "The household number is already registered"

    def __init__(self, household_no: str, household_id: UUID) -> None:
        super().__init__(f"Household number {household_no} belongs to household {household_id}.",
                         household_id=str(household_id))


class IllegalTransition(Conflict):
    slug, title = "illegal-transition", "The household's status does not allow this step"

    def __init__(self, status: str, step: str, allowed: list[str]) -> None:
        super().__init__(f"Step {step!r} is not allowed from status {status!r}.", status=status, step=step,
                         allowed_steps=allowed)


class NoticePeriodRunning(Conflict):
    slug, title = "notice-period-running", "The public notice period has not ended"

    def __init__(self, detail: str, ends_on: str | None) -> None:
        super().__init__(detail.capitalize() + ".", notice_ends_on=ends_on)


class ExitConditionsUnmet(Conflict):
    slug, title = "household-exit-conditions-unmet", "Household does not meet the exit conditions"

    def __init__(self, household_id: UUID, year: int, failed: list[dict[str, str]]) -> None:
        super().__init__(f"Household {household_id} does not meet the {year} exit conditions.", year=year,
                         unmet=[f["criterion"] for f in failed], failed=failed)


class LastMemberCannotLeave(Conflict):
    slug, title = "last-member-cannot-leave", "The last member cannot leave"

    def __init__(self) -> None:
        super().__init__("The household has no other active member; remove the household instead "
                         "(reason household_dissolved).")


class MemberAlreadyLeft(Conflict):
    slug, title = "member-already-left", "The member has already left"
