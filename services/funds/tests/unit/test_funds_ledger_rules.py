"""The ledger's pure rules: balances, placement in the division tree, staged payments, instalments."""
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from fupin_funds.ledger import domain
from fupin_funds.ledger.domain import Balance, PlacementError, ProjectPaymentError


def test_balance_fits_exactly_what_is_left():
    node = Balance(amount_fen=10_000, allocated_fen=6_000, disbursed_fen=3_900)
    assert node.available_fen == 100
    assert node.fits(100)
    assert not node.fits(101)
    assert not node.fits(0) and not node.fits(-5)


@given(st.integers(0, 10**9), st.integers(0, 10**9), st.integers(0, 10**9), st.integers(1, 10**9))
def test_a_node_that_accepts_an_amount_stays_balanced(amount, allocated, disbursed, take):
    node = Balance(amount, allocated, disbursed)
    if node.balanced() and node.fits(take):
        assert Balance(amount, allocated + take, disbursed).balanced()
        assert Balance(amount, allocated, disbursed + take).balanced()
    if node.balanced() and not node.fits(take):
        assert not Balance(amount, allocated, disbursed + take).balanced()


def test_spending_rate():
    assert domain.spending_rate(2_500, 10_000) == 0.25
    assert domain.spending_rate(1, 3) == 0.3333
    assert domain.spending_rate(0, 0) is None


def test_children_go_one_level_down_inside_their_parent():
    ok = domain.placement_errors(parent_division="441223000000", parent_year=2019, parent_is_source=False,
                                 division_code="441223101000", year=2019)
    assert ok == []
    outside = domain.placement_errors(parent_division="441223000000", parent_year=2019, parent_is_source=False,
                                      division_code="441224101000", year=2019)
    assert outside == [PlacementError.OUTSIDE_PARENT]
    same_level = domain.placement_errors(parent_division="441223000000", parent_year=2019, parent_is_source=False,
                                         division_code="441223000000", year=2019)
    assert same_level == [PlacementError.NOT_BELOW_PARENT]


def test_a_county_run_project_may_stay_at_its_parents_level():
    errors = domain.placement_errors(parent_division="441223000000", parent_year=2019, parent_is_source=False,
                                     division_code="441223000000", year=2019, project_village="441223101201",
                                     project_year=2019)
    assert errors == []


def test_a_source_may_allocate_to_its_own_division():
    assert domain.placement_errors(parent_division="441200000000", parent_year=2019, parent_is_source=True,
                                   division_code="441200000000", year=2019) == []


def test_allocation_not_before_its_parent_and_project_inside_it():
    errors = domain.placement_errors(parent_division="441223000000", parent_year=2019, parent_is_source=False,
                                     division_code="441223101000", year=2018, project_village="441223102201",
                                     project_year=2019)
    assert set(errors) == {PlacementError.YEAR_BEFORE_PARENT, PlacementError.PROJECT_OUTSIDE_DIVISION,
                           PlacementError.PROJECT_YEAR_MISMATCH}


def test_progress_caps_hold_back_the_retention_until_acceptance():
    assert domain.project_cap_pct("implementing", 0) == 30
    assert domain.project_cap_pct("implementing", 49) == 30
    assert domain.project_cap_pct("implementing", 50) == 70
    assert domain.project_cap_pct("completed", 100) == 95
    assert domain.project_cap_pct("accepted", 100) == 100
    assert domain.project_cap_fen(1_000_001, "implementing", 10) == 300_000


def test_stage_labels():
    assert domain.project_stage("implementing", 10) == "advance"
    assert domain.project_stage("implementing", 60) == "progress"
    assert domain.project_stage("completed", 100) == "completion"
    assert domain.project_stage("accepted", 100) == "final"


def test_project_payment_rules():
    base = dict(budget_fen=100_000, disbursed_fen=0, recorded_progress_pct=0)
    assert domain.project_payment_errors(status="implementing", progress_pct=10, amount_fen=30_000, **base) == []
    assert domain.project_payment_errors(status="implementing", progress_pct=10, amount_fen=30_001, **base) == \
        [ProjectPaymentError.OVER_CAP]
    assert domain.project_payment_errors(status="approved", progress_pct=10, amount_fen=1, **base) == \
        [ProjectPaymentError.NOT_PAYABLE_STATUS]
    assert ProjectPaymentError.PROGRESS_BACKWARDS in domain.project_payment_errors(
        status="implementing", budget_fen=100_000, disbursed_fen=0, recorded_progress_pct=60, progress_pct=50,
        amount_fen=1)
    assert ProjectPaymentError.COMPLETION_NOT_RECORDED in domain.project_payment_errors(
        status="implementing", progress_pct=100, amount_fen=1, **base)


def test_housing_instalments_in_order_once_each():
    assert domain.instalment_error("housing_renovation", [], "start") is None
    assert domain.instalment_error("housing_renovation", [], "completion") == domain.InstalmentError.OUT_OF_ORDER
    assert domain.instalment_error("housing_renovation", ["start"], "start") == domain.InstalmentError.ALREADY_PAID
    assert domain.instalment_error("housing_renovation", ["start"], "main_structure") is None
    assert domain.instalment_error("housing_renovation", [], None) == domain.InstalmentError.STAGE_REQUIRED
    assert domain.instalment_error("housing_renovation", [], "roof") == domain.InstalmentError.UNKNOWN_STAGE
    assert domain.instalment_error("industry_subsidy", ["x"], None) is None


def test_paid_on_not_in_the_future():
    today = date(2020, 5, 1)
    assert domain.paid_on_error(date(2020, 5, 1), today=today) is None
    assert domain.paid_on_error(date(2020, 5, 2), today=today) == "paid_on_in_future"


def test_discrepancies_name_what_differs_or_overspends():
    good = domain.NodeTotals("a", "allocation", Balance(100, 50, 50), Balance(100, 50, 50))
    drift = domain.NodeTotals("b", "allocation", Balance(100, 50, 10), Balance(100, 50, 20))
    over = domain.NodeTotals("c", "allocation", Balance(100, 60, 50), Balance(100, 60, 50))
    found = domain.discrepancies([good, drift, over])
    assert [d["id"] for d in found] == ["b", "c"]
    assert found[0]["recomputed"]["disbursed_fen"] == 20
