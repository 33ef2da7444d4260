from __future__ import annotations

import uuid

from fupin_shared.http.problems import Conflict


class HouseholdsNotKnown(Conflict):
    slug, title = "household-not-known", "The registry has not reported these households"

    def __init__(self, household_ids: list[uuid.UUID]) -> None:
        super().__init__("Unknown to the funds service's copy of the registry (it follows the registry's "
                         "events; a household registered seconds ago may not have arrived yet).",
                         household_ids=[str(h) for h in household_ids])


class HouseholdsIneligible(Conflict):
    slug, title = "household-ineligible", "These households cannot benefit"

    def __init__(self, problems: list[dict[str, str]]) -> None:
        super().__init__("Households outside the division, or removed from the registry, cannot benefit.",
                         households=problems)
