from uuid import UUID

from fupin_shared.http.problems import Conflict, InvalidInput, NotFound


class ReportNotFound(NotFound):
    slug, title = "report-not-found", "No such report"

    def __init__(self, report_id: UUID) -> None:
        super().__init__(f"Report {report_id} does not exist on this task or is outside your division.")


class ReportAlreadyExists(Conflict):
    slug, title = "report-already-exists", "This unit already reported for this task and period"

    def __init__(self, unit: str, task_number: int, period: str, report_id: UUID) -> None:
        super().__init__(f"{unit} already has report {report_id} for task {task_number}, {period}; "
                         "revise it instead (PUT with If-Match).", report_id=str(report_id))


class ReportAccepted(Conflict):
    slug, title = "report-accepted", "An accepted report cannot be changed"

    def __init__(self, report_id: UUID) -> None:
        super().__init__(f"Report {report_id} was accepted by the leading-group office and is immutable.")


class ReportTransitionRefused(Conflict):
    slug, title = "report-transition-refused", "The report is not in a state that allows this"

    def __init__(self, state: str, action: str) -> None:
        super().__init__(f"A {state} report cannot be {action}.", state=state, action=action)


class PeriodNotOpen(Conflict):
    slug, title = "period-not-open", "Reports for this period cannot be submitted yet"

    def __init__(self, period: str, opens_on: object) -> None:
        super().__init__(f"Reports for {period} open on {opens_on} (the first day of the period's last month).",
                         opens_on=str(opens_on))


class PeriodOutsidePlan(InvalidInput):
    def __init__(self, period: str, start: int, end: int) -> None:
        super().__init__([{"pointer": "#/period", "detail": f"{period} is outside the plan period {start}–{end}"}])
