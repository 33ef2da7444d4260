from fupin_shared.http.problems import NotFound


class RecordNotFound(NotFound):
    slug, title = "record-not-found", "No record for that year"

    def __init__(self, what: str, year: int) -> None:
        super().__init__(f"No {what} is recorded for {year}.", year=year)
