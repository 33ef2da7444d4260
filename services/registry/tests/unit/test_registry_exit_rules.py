"""Per-capita income, 两不愁三保障, household and village exit checks."""
from dataclasses import replace

from fupin_registry.records import domain
from fupin_registry.records.domain import ExitEvidence, Guarantees, Income
from fupin_registry.villages.domain import VillageEvidence, village_exit_failures

LINE = 869_900
SECURE = Guarantees(True, True, True, True, "B", True)
READY = ExitEvidence(labour_type="labour", guarantee_type="none", per_capita_income_fen=900_000, guarantees=SECURE)


def test_per_capita_disposable_income_rounds_down():
    income = Income(wage_fen=1_500_000, production_fen=1_200_000, production_cost_fen=300_000, property_fen=1,
                    transfer_fen=200_000)
    assert income.disposable_fen == 2_600_001
    assert domain.per_capita_fen(income, 3) == 866_667


def test_guarantees_compliance_needs_safe_housing():
    assert SECURE.compliant
    assert domain.unmet_guarantees(replace(SECURE, housing_safety="C")) == ["housing_safety"]
    assert domain.unmet_guarantees(replace(SECURE, drinking_water=False, food=False)) == ["food", "drinking_water"]


def test_ready_household_is_eligible():
    check = domain.household_exit_check(READY, LINE)
    assert check.eligible and check.track == "income" and check.failed == ()


def test_income_just_below_the_line_fails_by_name():
    check = domain.household_exit_check(replace(READY, per_capita_income_fen=LINE - 1), LINE)
    assert [f.criterion for f in check.failed] == ["income_below_line"]
    assert domain.household_exit_check(replace(READY, per_capita_income_fen=LINE), LINE).eligible


def test_each_failed_criterion_is_named():
    check = domain.household_exit_check(replace(READY, per_capita_income_fen=None, guarantees=replace(
        SECURE, housing_safety="D", drinking_water=False)), LINE)
    assert [f.criterion for f in check.failed] == ["no_income_record", "housing_safety", "drinking_water"]


def test_member_data_catches_schooling_and_insurance_gaps():
    check = domain.household_exit_check(replace(READY, members_out_of_school=1, members_uninsured=2), LINE)
    assert [f.criterion for f in check.failed] == ["compulsory_education", "basic_medical"]


def test_households_without_labour_exit_through_social_security_not_the_line():
    no_labour = replace(READY, labour_type="no_labour", per_capita_income_fen=100, guarantee_type="dibao")
    check = domain.household_exit_check(no_labour, LINE)
    assert check.eligible and check.track == "social_security"
    uncovered = domain.household_exit_check(replace(no_labour, guarantee_type="none"), LINE)
    assert [f.criterion for f in uncovered.failed] == ["no_guarantee_coverage"]


def test_missing_line_and_records():
    check = domain.household_exit_check(replace(READY, guarantees=None), None)
    assert [f.criterion for f in check.failed] == ["no_line", "no_guarantee_record"]


NATURAL = [("v-01", 35), ("v-02", 12), ("v-03", 20)]
VILLAGE = VillageEvidence(1_200_000, frozenset({"v-01", "v-03"}), True, True, True)


def test_village_ready_to_exit():
    assert village_exit_failures(VILLAGE, line_fen=1_159_900, natural_villages=NATURAL) == []


def test_village_roads_of_20_plus_households_must_be_hardened():
    failed = village_exit_failures(replace(VILLAGE, hardened_roads=frozenset({"v-01"})), line_fen=1_159_900,
                                   natural_villages=NATURAL)
    assert [f.criterion for f in failed] == ["roads_not_hardened"] and "v-03" in failed[0].detail


def test_village_failures_named():
    failed = village_exit_failures(replace(VILLAGE, per_capita_income_fen=1_000_000, clean_village=False,
                                           network=False), line_fen=1_159_900, natural_villages=NATURAL)
    assert [f.criterion for f in failed] == ["income_below_line", "clean_village", "network"]
    assert [f.criterion for f in village_exit_failures(None, line_fen=1, natural_villages=[])] == ["no_record"]
