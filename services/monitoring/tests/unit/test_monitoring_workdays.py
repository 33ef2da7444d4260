from datetime import date, datetime, timezone

from fupin_monitoring.workdays import calendar_from_data, china_date, default_calendar

CAL = default_calendar()


def test_weekends_are_rest_days_and_weekdays_work() -> None:
    assert CAL.is_working_day(date(2019, 3, 11))  # a Monday
    assert not CAL.is_working_day(date(2019, 3, 9))  # a Saturday
    assert not CAL.is_working_day(date(2019, 3, 10))  # a Sunday


def test_public_holidays_are_rest_days() -> None:
    assert not CAL.is_working_day(date(2019, 10, 1))  # National Day
    assert not CAL.is_working_day(date(2019, 10, 7))
    assert not CAL.is_working_day(date(2018, 2, 16))  # Spring Festival
    assert not CAL.is_working_day(date(2021, 6, 14))  # Dragon Boat (a Monday)


def test_make_up_weekend_days_are_working_days() -> None:
    assert CAL.is_working_day(date(2019, 9, 29))  # Sunday before National Day
    assert CAL.is_working_day(date(2019, 10, 12))  # Saturday after it
    assert CAL.is_working_day(date(2018, 2, 11))


def test_2020_spring_festival_extension_is_in_the_data() -> None:
    assert not CAL.is_working_day(date(2020, 1, 31))
    assert not CAL.is_working_day(date(2020, 2, 1))  # was a make-up day before the extension
    assert CAL.is_working_day(date(2020, 2, 3))


def test_add_working_days_skips_a_weekend_and_a_holiday() -> None:
    # Friday 27 Sep 2019 + 2 working days: Sun 29 Sep (make-up day), Mon 30 Sep
    assert CAL.add_working_days(date(2019, 9, 27), 2) == date(2019, 9, 30)
    # Mon 30 Sep 2019 + 1: the National Day week and the weekend are skipped → Tue 8 Oct
    assert CAL.add_working_days(date(2019, 9, 30), 1) == date(2019, 10, 8)
    assert CAL.add_working_days(date(2019, 3, 8), 0) == date(2019, 3, 8)


def test_working_days_between_counts_after_start_up_to_end() -> None:
    assert CAL.working_days_between(date(2019, 9, 30), date(2019, 10, 8)) == 1
    assert CAL.working_days_between(date(2019, 3, 11), date(2019, 3, 11)) == 0
    assert CAL.working_days_between(date(2019, 3, 8), date(2019, 3, 11)) == 1


def test_the_data_reaches_the_current_year() -> None:
    assert CAL.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)  # a make-up Saturday before 春节
    assert CAL.add_working_days(date(2026, 2, 14), 1) == date(2026, 2, 24)  # then the break to 23 February
    assert CAL.is_working_day(date(2025, 10, 8)) is False                   # 国庆 and 中秋 together in 2025


def test_years_outside_the_data_use_weekends_only() -> None:
    cal = calendar_from_data({"holidays": {}, "workdays": {}})
    assert cal.is_working_day(date(2025, 10, 1)) is True
    assert cal.add_working_days(date(2025, 1, 3), 1) == date(2025, 1, 6)


def test_china_date_is_utc_plus_eight() -> None:
    assert china_date(datetime(2019, 12, 31, 16, 30, tzinfo=timezone.utc)) == date(2020, 1, 1)
    assert china_date(datetime(2019, 12, 31, 15, 59, tzinfo=timezone.utc)) == date(2019, 12, 31)
