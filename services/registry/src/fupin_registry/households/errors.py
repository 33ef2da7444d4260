from uuid import UUID

from fupin_shared.http.problems import NotFound


class HouseholdNotFound(NotFound):
    slug, title = "household-not-found", "No such household"

    def __init__(self, household_id: UUID) -> None:
        super().__init__(f"Household {household_id} does not exist or is outside your division.")
