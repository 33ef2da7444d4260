from fupin_shared.http.problems import Forbidden, NotFound


class PovertyLineNotFound(NotFound):
    slug, title = "poverty-line-not-found", "No poverty line for that year"

    def __init__(self, year: int) -> None:
        super().__init__(f"No poverty line is set for {year}.", year=year)


class CityLevelOnly(Forbidden):
    slug, title = "city-level-only", "Only the city may set poverty lines"
