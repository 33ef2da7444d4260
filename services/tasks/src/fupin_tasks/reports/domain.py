"""Rules of progress reports: the review state machine, when a period can be reported, the
reporting obligations of the matrix and which of them are overdue (plan tasks 25–27)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from fupin_tasks.reports.errors import PeriodNotOpen, PeriodOutsidePlan, ReportAccepted, ReportTransitionRefused
from fupin_tasks.schedule.domain import Period, WorkingCalendar


class ReportState(StrEnum):
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"


class ReportStatus(StrEnum):
    """The unit's own assessment of progress."""

    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    LATE = "late"
    DONE = "done"


class ReportAction(StrEnum):
    REVISE = "revised"
    ACCEPT = "accepted"
    RETURN = "returned"


_TRANSITIONS = {
    (ReportState.SUBMITTED, ReportAction.REVISE): ReportState.SUBMITTED,
    (ReportState.RETURNED, ReportAction.REVISE): ReportState.SUBMITTED,
    (ReportState.SUBMITTED, ReportAction.ACCEPT): ReportState.ACCEPTED,
    (ReportState.SUBMITTED, ReportAction.RETURN): ReportState.RETURNED,
}


def next_state(state: str, action: ReportAction, *, report_id: Any = None) -> ReportState:
    """submitted → accepted | returned; returned → submitted (revised); accepted is final."""
    current = ReportState(state)
    if current is ReportState.ACCEPTED:
        raise ReportAccepted(report_id)
    try:
        return _TRANSITIONS[(current, action)]
    except KeyError:
        raise ReportTransitionRefused(current.value, action.value) from None


def check_submittable(period: Period, *, today: date, plan_start: int, plan_end: int) -> None:
    """A period of the plan can be reported from the first day of its last month (an annual report
    may be sent in December; a 2019Q3 analysis from 1 September)."""
    if not plan_start <= period.year <= plan_end:
        raise PeriodOutsidePlan(period.code, plan_start, plan_end)
    if today < period.last_month_start:
        raise PeriodNotOpen(period.code, period.last_month_start)


def is_on_time(first_submitted_on: date, due_on: date) -> bool:
    return first_submitted_on <= due_on


@dataclass(frozen=True, slots=True)
class Cell:
    """A unit's role on a task, with what obligations depend on."""

    task_number: int
    unit: str
    role: str
    division_code: str
    collective: bool


@dataclass(frozen=True, slots=True)
class Obligation:
    task_number: int
    unit: str
    role: str
    division_code: str
    period: Period
    due_on: date

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.task_number, self.unit, self.period.code)


@dataclass(frozen=True, slots=True)
class OverdueReport:
    obligation: Obligation
    working_days_overdue: int | None


def obligations(cells: Iterable[Cell], due_dates: Mapping[Period, date], *,
                obliged_roles: Iterable[str]) -> list[Obligation]:
    """Every (task, unit, period) that must be reported: each unit with an obliged role on a task
    reports every required period. Collective names (各级党委和政府 …) stand for many bodies and report
    through their members, so they carry no obligation of their own."""
    roles = set(obliged_roles)
    out = []
    for cell in cells:
        if cell.collective or cell.role not in roles:
            continue
        for period, due_on in due_dates.items():
            out.append(Obligation(cell.task_number, cell.unit, cell.role, cell.division_code, period, due_on))
    return sorted(out, key=lambda o: (o.due_on, o.unit, o.task_number))


def overdue_reports(duties: Iterable[Obligation], submitted_on: Mapping[tuple[int, str, str], date], *,
                    today: date, calendar: WorkingCalendar) -> list[OverdueReport]:
    """Obligations whose due date has passed (due date inclusive) with no report submitted by
    ``today``. Judged by the submission date, so the rule gives the same answer whenever it runs."""
    out = []
    for duty in duties:
        if duty.due_on >= today:
            continue
        submitted = submitted_on.get(duty.key)
        if submitted is not None and submitted <= today:
            continue
        days = calendar.working_days_after(duty.due_on, today) if calendar.covers(today) else None
        out.append(OverdueReport(duty, days))
    return out


def metric_progress(metrics: Mapping[str, Any], target_ids: Iterable[str]) -> dict[str, float]:
    """Figures an accepted report gives for its task's targets: ``{"T01-1": 96.5}``; ``true``/``false``
    for a qualitative target reads as achieved (1) or not (0)."""
    out = {}
    for target_id in target_ids:
        value = metrics.get(target_id)
        if isinstance(value, bool):
            out[target_id] = 1.0 if value else 0.0
        elif isinstance(value, int | float):
            out[target_id] = float(value)
    return out
