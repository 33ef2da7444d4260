from fupin_shared.http.problems import NotFound


class DivisionNotFound(NotFound):
    slug, title = "division-not-found", "No such division"

    def __init__(self, code: str) -> None:
        super().__init__(f"Division {code} does not exist or is outside your division.", code=code)
