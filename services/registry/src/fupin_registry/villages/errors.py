from fupin_shared.http.problems import Conflict


class NotAPoorVillage(Conflict):
    slug, title = "not-a-provincial-poor-village", "Only provincial relatively-poor villages exit"


class VillageAlreadyExited(Conflict):
    slug, title = "village-already-exited", "The village has already exited"


class VillageExitConditionsUnmet(Conflict):
    slug, title = "village-exit-conditions-unmet", "The village does not meet the exit conditions"

    def __init__(self, code: str, year: int, failed: list[dict[str, str]]) -> None:
        super().__init__(f"Village {code} does not meet the {year} exit conditions.", year=year,
                         unmet=[f["criterion"] for f in failed], failed=failed)
