"""The working-day calendar, periods and the reporting cadence (pure)."""
from datetime import date

import pytest
from fupin_tasks.config import config_for
from fupin_tasks.schedule.domain import Cadence, Period, PeriodKind, WorkingCalendar
from fupin_tasks.schedule.errors import CalendarNotCovered, InvalidPeriod
from fupin_tasks.settings import TasksSettings

SCHEDULE = config_for(TasksSettings()).schedule
CAL = SCHEDULE.calendar


@pytest.mark.parametrize("day, kind", [
    (date(2019, 10, 1), "holiday"),          # 国庆节
    (date(2019, 10, 7), "holiday"),          # a Monday inside the National Day holiday
    (date(2019, 10, 12), "makeup_workday"),  # Saturday worked (调休)
    (date(2019, 9, 29), "makeup_workday"),   # Sunday worked
    (date(2019, 10, 13), "weekend"),
    (date(2019, 10, 8), "workday"),
    (date(2020, 2, 1), "holiday"),           # 2020 Spring Festival extended: the Saturday make-up day was cancelled
    (date(2020, 1, 19), "makeup_workday"),
    (date(2018, 12, 29), "makeup_workday"),  # worked for the 2019 New Year holiday
    (date(2021, 9, 18), "makeup_workday"),
])
def test_day_kinds_follow_the_state_council_notices(day, kind):
    assert CAL.kind_of_day(day) == kind
    assert CAL.is_working_day(day) == (kind in {"workday", "makeup_workday"})


def test_ten_working_days_after_q3_2019_skip_national_day_and_the_weekends_but_count_the_makeup_saturday():
    # Oct 1–7 off; Oct 8–11 = 4; Sat Oct 12 worked = 5; Oct 14–18 = 10
    assert CAL.add_working_days(date(2019, 9, 30), 10) == date(2019, 10, 18)
    # weekdays only (no holidays) would give Oct 14; holidays without the make-up day Oct 21
    naive = WorkingCalendar(first_year=2018, last_year=2021)
    assert naive.add_working_days(date(2019, 9, 30), 10) == date(2019, 10, 14)


def test_working_days_after_counts_the_interval_exclusive_of_its_start():
    assert CAL.working_days_after(date(2019, 10, 18), date(2019, 10, 21)) == 1  # Fri → Mon across a weekend
    assert CAL.working_days_after(date(2019, 9, 30), date(2019, 10, 8)) == 1    # across the holiday
    assert CAL.working_days_after(date(2019, 10, 21), date(2019, 10, 18)) == 0


def test_the_calendar_reaches_the_current_year_with_its_make_up_days():
    assert CAL.covers(date(2026, 11, 30))
    assert CAL.is_working_day(date(2026, 2, 14))       # Saturday made a working day before 春节
    assert not CAL.is_working_day(date(2026, 2, 23))   # Monday, last day of the 春节 break
    assert CAL.working_days_after(date(2026, 9, 30), date(2026, 10, 9)) == 2  # 国庆 break, then Thu + Fri


def test_days_outside_the_calendar_are_refused_not_guessed():
    with pytest.raises(CalendarNotCovered):
        CAL.is_working_day(date(2027, 1, 4))
    assert not CAL.covers(date(2017, 6, 1))


@pytest.mark.parametrize("code, kind, start, end, label", [
    ("2019Q3", PeriodKind.QUARTERLY, date(2019, 7, 1), date(2019, 9, 30), "2019年第三季度"),
    ("2019Q1", PeriodKind.QUARTERLY, date(2019, 1, 1), date(2019, 3, 31), "2019年第一季度"),
    ("2020H1", PeriodKind.HALF_YEAR, date(2020, 1, 1), date(2020, 6, 30), "2020年上半年"),
    ("2020H2", PeriodKind.HALF_YEAR, date(2020, 7, 1), date(2020, 12, 31), "2020年下半年"),
    ("2019", PeriodKind.ANNUAL, date(2019, 1, 1), date(2019, 12, 31), "2019年度"),
])
def test_periods_parse_with_their_bounds(code, kind, start, end, label):
    period = Period.parse(code)
    assert (period.kind, period.start, period.end, period.label_zh, period.code) == (kind, start, end, label, code)


@pytest.mark.parametrize("bad", ["2019Q5", "2019H3", "19Q1", "2019-Q1", "", "Q1"])
def test_bad_periods_are_refused(bad):
    with pytest.raises(InvalidPeriod):
        Period.parse(bad)


def test_period_ending_on_a_deadline():
    assert Period.ending_on(date(2019, 12, 31)).code == "2019"
    assert Period.ending_on(date(2020, 6, 30)).code == "2020H1"
    assert Period.ending_on(date(2019, 9, 30)).code == "2019Q3"
    assert Period.ending_on(date(2019, 11, 15)) is None


def test_due_dates_per_period_kind_are_data():
    assert SCHEDULE.due_on(Period.parse("2019Q3")) == date(2019, 10, 18)
    assert SCHEDULE.due_on(Period.parse("2019H1")) == date(2019, 7, 19)      # 15 working days
    # 20 working days after 2019 ends: New Year, the make-up Sunday Jan 19 and the extended Spring Festival
    assert SCHEDULE.due_on(Period.parse("2019")) == date(2020, 2, 5)
    cadence = Cadence.from_data({"kinds": {"quarterly": {"working_days_after_period_end": 3, "required": [1]}}})
    assert cadence.due_on(Period.parse("2019Q3"), CAL) == date(2019, 10, 10)


def test_required_periods_start_with_the_first_period_ending_after_the_plan_is_issued():
    periods = SCHEDULE.cadence.required_periods(from_day=date(2018, 12, 10), last_year=2020)
    assert [p.code for p in periods] == ["2018", "2019Q1", "2019H1", "2019Q3", "2019",
                                         "2020Q1", "2020H1", "2020Q3", "2020"]


def test_local_date_is_china_time():
    from datetime import UTC, datetime
    assert SCHEDULE.cadence.local_date(datetime(2019, 10, 18, 16, 30, tzinfo=UTC)) == date(2019, 10, 19)
