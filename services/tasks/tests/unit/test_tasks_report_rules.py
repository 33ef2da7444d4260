"""Report rules: the review state machine, when a period opens, obligations and overdue (pure)."""
from datetime import date

import pytest
from fupin_tasks.config import config_for
from fupin_tasks.reports.domain import (
    Cell,
    ReportAction,
    ReportState,
    check_submittable,
    is_on_time,
    metric_progress,
    next_state,
    obligations,
    overdue_reports,
)
from fupin_tasks.reports.errors import PeriodNotOpen, PeriodOutsidePlan, ReportAccepted, ReportTransitionRefused
from fupin_tasks.schedule.domain import Period
from fupin_tasks.settings import TasksSettings

SCHEDULE = config_for(TasksSettings()).schedule
Q3 = Period.parse("2019Q3")


def test_submitted_reports_are_accepted_or_returned_and_returned_ones_revised():
    assert next_state("submitted", ReportAction.ACCEPT) is ReportState.ACCEPTED
    assert next_state("submitted", ReportAction.RETURN) is ReportState.RETURNED
    assert next_state("returned", ReportAction.REVISE) is ReportState.SUBMITTED
    assert next_state("submitted", ReportAction.REVISE) is ReportState.SUBMITTED


@pytest.mark.parametrize("action", list(ReportAction))
def test_accepted_reports_are_immutable(action):
    with pytest.raises(ReportAccepted):
        next_state("accepted", action)


@pytest.mark.parametrize("state, action", [("returned", ReportAction.ACCEPT), ("returned", ReportAction.RETURN)])
def test_a_returned_report_must_be_revised_before_review(state, action):
    with pytest.raises(ReportTransitionRefused):
        next_state(state, action)


def test_a_period_opens_on_the_first_day_of_its_last_month_and_must_lie_in_the_plan():
    check_submittable(Q3, today=date(2019, 9, 1), plan_start=2018, plan_end=2020)
    with pytest.raises(PeriodNotOpen):
        check_submittable(Q3, today=date(2019, 8, 31), plan_start=2018, plan_end=2020)
    with pytest.raises(PeriodOutsidePlan):
        check_submittable(Period.parse("2021Q1"), today=date(2021, 5, 1), plan_start=2018, plan_end=2020)


def test_on_time_is_judged_by_the_local_submission_date_inclusive():
    assert is_on_time(date(2019, 10, 18), date(2019, 10, 18))
    assert not is_on_time(date(2019, 10, 21), date(2019, 10, 18))


CELLS = [Cell(8, "市教育局", "participant", "441200000000", False),
         Cell(8, "各级党委和政府", "lead", "441200000000", True),
         Cell(17, "四会市党委和政府", "lead", "441284000000", False)]


def test_every_obliged_unit_reports_every_required_period_but_collective_names_do_not():
    due = SCHEDULE.due_dates([Q3, Period.parse("2019")])
    duties = obligations(CELLS, due, obliged_roles={"lead", "participant"})
    assert {(d.task_number, d.unit, d.period.code) for d in duties} == {
        (8, "市教育局", "2019Q3"), (8, "市教育局", "2019"), (17, "四会市党委和政府", "2019Q3"),
        (17, "四会市党委和政府", "2019")}
    leads_only = obligations(CELLS, due, obliged_roles={"lead"})
    assert {d.unit for d in leads_only} == {"四会市党委和政府"}


def test_a_missing_report_is_overdue_only_after_a_weekend_and_holiday_aware_due_date():
    duties = obligations(CELLS[:1], SCHEDULE.due_dates([Q3]), obliged_roles={"participant"})
    assert duties[0].due_on == date(2019, 10, 18)

    def overdue(today, submitted=None):
        submitted_on = {} if submitted is None else {(8, "市教育局", "2019Q3"): submitted}
        return overdue_reports(duties, submitted_on, today=today, calendar=SCHEDULE.calendar)

    assert overdue(date(2019, 10, 14)) == []          # a weekday count without holidays would say overdue
    assert overdue(date(2019, 10, 18)) == []          # the due date itself
    [item] = overdue(date(2019, 10, 21))              # Monday after the weekend
    assert item.working_days_overdue == 1 and item.obligation.period.code == "2019Q3"
    assert overdue(date(2019, 10, 21), submitted=date(2019, 10, 18)) == []
    # judged by the submission date: a report sent later was still missing on the 21st
    assert len(overdue(date(2019, 10, 21), submitted=date(2019, 10, 25))) == 1


def test_figures_for_the_tasks_targets_come_from_report_metrics():
    metrics = {"T01-1": 96.5, "T03-1": True, "households_reached": 120, "note": "x"}
    assert metric_progress(metrics, ["T01-1", "T03-1", "T07-1"]) == {"T01-1": 96.5, "T03-1": 1.0}
