from fupin_monitoring.divisions import chain, child_level, county_of, level_of, parent_of, within


def test_levels_from_trailing_zeros() -> None:
    assert level_of("441200000000") == "city"
    assert level_of("441223000000") == "county"
    assert level_of("441223101000") == "town"
    assert level_of("441223101201") == "village"


def test_chain_runs_up_to_the_city() -> None:
    assert chain("441223101201") == ("441223101201", "441223101000", "441223000000", "441200000000")
    assert chain("441223101000") == ("441223101000", "441223000000", "441200000000")
    assert chain("441223000000") == ("441223000000", "441200000000")
    assert chain("441200000000") == ("441200000000",)


def test_parent_child_and_county() -> None:
    assert parent_of("441223101201") == "441223101000"
    assert parent_of("441200000000") is None
    assert child_level("441200000000") == "county" and child_level("441223101201") is None
    assert county_of("441223101201") == "441223000000" and county_of("441200000000") is None


def test_within_a_subtree() -> None:
    assert within("441223101201", "441200000000")
    assert within("441223101201", "441223000000")
    assert not within("441224101201", "441223000000")
    assert within("441223000000", "441223000000")
