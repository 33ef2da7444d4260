from fupin_shared.http.problems import Conflict, NotFound


class FrameworkNotFound(NotFound):
    slug, title = "framework-not-found", "No framework for this year"

    def __init__(self, year: int) -> None:
        super().__init__(f"No assessment framework is defined for {year}.", year=year)


class FrameworkLocked(Conflict):
    slug, title = "framework-locked", "The framework is locked by the year's assessment"

    def __init__(self, year: int, state: str) -> None:
        super().__init__(f"The {year} assessment is in {state}; its framework can no longer change "
                         "(a published result is changed by a correction).", year=year, state=state)
