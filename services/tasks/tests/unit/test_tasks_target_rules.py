"""Target rules: met, missed and the figures registry and funds hold (pure)."""
from datetime import date

import pytest
from fupin_tasks.targets.domain import (
    Counts,
    compute_figures,
    household_flags,
    housing_safe,
    is_city_or_county,
    is_met,
    is_missed,
    judgement_day,
)


@pytest.mark.parametrize("comparator, target, target_max, value, met", [
    ("=", 111, None, 111, True), ("=", 111, None, 110, False), ("=", 100, None, 100.0, True),
    ("=", 0, None, 0, True), ("=", 0, None, 2, False),
    (">=", 48, None, 52, True), (">=", 48, None, 47, False), ("<=", 5, None, 5, True),
    ("range", 3, 5, 4, True), ("range", 3, 5, 6, False),
    (None, None, None, 1.0, True), (None, None, None, 0.0, False), ("=", 100, None, None, False),
])
def test_is_met(comparator, target, target_max, value, met):
    assert is_met(comparator, target, target_max, value) is met


def test_a_reported_target_is_judged_when_the_report_covering_the_deadline_is_due():
    deadline = date(2019, 12, 31)
    assert judgement_day(deadline, fed=False, report_due=date(2020, 2, 5)) == date(2020, 2, 5)
    assert judgement_day(deadline, fed=True, report_due=date(2020, 2, 5)) == deadline
    assert judgement_day(None, fed=False, report_due=None) is None
    day = date(2020, 2, 5)
    assert not is_missed(judged_on=day, met_at_deadline=False, already_missed=False, today=date(2020, 2, 5))
    assert is_missed(judged_on=day, met_at_deadline=False, already_missed=False, today=date(2020, 2, 6))
    assert not is_missed(judged_on=day, met_at_deadline=True, already_missed=False, today=date(2020, 2, 6))
    assert not is_missed(judged_on=day, met_at_deadline=False, already_missed=True, today=date(2020, 2, 6))


def test_figures_from_counts():
    empty_villages = compute_figures(Counts())["provincial_villages_exited"]  # nothing known yet: no figure
    figures = compute_figures(Counts(households_identified=200, households_exited=150, households_assessed=100,
                                     housing_and_water_safe=90, drinking_water_safe=95, basic_medical_insured=100,
                                     child_out_of_school=2, provincial_villages_exited=37,
                                     allocations_city_county=8, allocations_disclosed=6,
                                     funds_allocated_fen=1_000_000, funds_disbursed_fen=250_000))
    assert figures["household_exit_rate_pct"] == 75.0 and figures["housing_and_water_safe_pct"] == 90.0
    assert figures["provincial_villages_exited"] == 37 and empty_villages is None and figures["allocations_disclosed_pct"] == 75.0
    assert figures["funds_spending_rate_pct"] == 25.0 and figures["households_with_child_out_of_school"] == 2
    empty = compute_figures(Counts())
    assert empty["household_exit_rate_pct"] is None and empty["households_with_child_out_of_school"] is None


def test_household_flags_follow_the_registry_lifecycle():
    assert household_flags("applied") == (False, False, False)
    assert household_flags("identified") == (True, False, False)
    assert household_flags("exit_notice") == (True, False, False)
    assert household_flags("exited") == (True, True, False)
    assert household_flags("returned") == (True, False, False)
    assert household_flags("removed") == (False, False, True)


def test_housing_grades_and_public_allocation_levels():
    assert housing_safe("A") and housing_safe("b") and not housing_safe("C") and not housing_safe("D")
    assert housing_safe(None) is None
    assert is_city_or_county("441200000000") and is_city_or_county("441223000000")
    assert not is_city_or_county("441223101000") and not is_city_or_county(None)
