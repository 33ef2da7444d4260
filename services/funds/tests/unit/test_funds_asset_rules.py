"""Asset income (task 3): shares to village collectives, 保底收益 + 按股分红 exact to the fen."""
from hypothesis import given
from hypothesis import strategies as st

from fupin_funds.assets import domain
from fupin_funds.assets.domain import DistributionError, ShareError


@given(st.integers(0, 10**10), st.lists(st.integers(0, 1000), min_size=1, max_size=60).filter(lambda w: sum(w) > 0))
def test_split_adds_up_exactly_and_is_fair_to_the_fen(total, weights):
    parts = domain.split_pro_rata(total, weights)
    assert sum(parts) == total
    whole = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        exact = total * weight / whole
        assert abs(part - exact) < 1 + 1e-9


def test_split_largest_remainder_ties_to_the_earlier():
    assert domain.split_pro_rata(10, [1, 1, 1]) == [4, 3, 3]
    assert domain.split_pro_rata(0, [0, 0]) == [0, 0]


def test_payouts_guaranteed_plus_dividend_by_shares():
    lines = domain.payouts(guaranteed_per_household_fen=30_000, dividend_fen=1_000,
                           recipients=[("a", 1), ("b", 3)])
    assert lines == [("a", 30_000, 250), ("b", 30_000, 750)]


def test_shares_within_the_whole_to_villages_of_the_assets_county():
    assert domain.share_errors([("441223101201", 6_000), ("441223102203", 4_000)],
                               asset_division="441223101201") == []
    assert domain.share_errors([("441223101201", 6_000), ("441223102203", 4_001)],
                               asset_division="441223101201") == [ShareError.EXCEED_WHOLE]
    assert ShareError.DUPLICATE_VILLAGE in domain.share_errors([("441223101201", 1), ("441223101201", 1)],
                                                               asset_division="441223101201")
    assert ShareError.NOT_A_VILLAGE in domain.share_errors([("441223101000", 1)], asset_division="441223101201")
    assert ShareError.OUTSIDE_COUNTY in domain.share_errors([("441224101201", 1)], asset_division="441223101201")


def test_distribution_needs_a_share_recipients_and_a_period_of_its_year():
    assert domain.distribution_errors(village_share_bp=5_000, recipients=3, period="2019H2", year=2019) == []
    errors = domain.distribution_errors(village_share_bp=None, recipients=0, period="2019H2", year=2020)
    assert set(errors) == {DistributionError.VILLAGE_HOLDS_NO_SHARE, DistributionError.NO_RECIPIENTS,
                           DistributionError.PERIOD_YEAR_MISMATCH}
    assert domain.distribution_errors(village_share_bp=1, recipients=1, period="19", year=2019) == \
        [DistributionError.BAD_PERIOD]
