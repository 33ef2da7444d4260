from fupin_shared.http.problems import Conflict, InvalidInput


class CalendarNotCovered(Conflict):
    slug, title = "calendar-not-covered", "The working-day calendar does not cover this date"

    def __init__(self, day: object, first_year: int, last_year: int) -> None:
        super().__init__(f"The working-day calendar covers {first_year}–{last_year}; {day} is outside it. "
                         "Add that year's public holidays to the calendar data.",
                         first_year=first_year, last_year=last_year)


class InvalidPeriod(InvalidInput):
    def __init__(self, value: str, pointer: str = "#/period") -> None:
        super().__init__([{"pointer": pointer, "detail": f"{value!r} is not a period: use 2019Q3, 2019H1 or 2019"}])
