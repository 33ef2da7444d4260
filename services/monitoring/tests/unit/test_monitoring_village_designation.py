"""A provincial poor-village designation on the village's last state (pure rules of the view)."""
from __future__ import annotations

from fupin_monitoring.view import domain as d

V = "441223101201"


def test_a_designation_makes_an_unknown_village_a_poor_village() -> None:
    after = d.designated_village(None, V, True)
    assert after == {"village_code": V, "exited_year": None, "provincial_poor": True}
    assert d.village_items(after) == {(V, 0, "poor_villages", ""): 1}


def test_a_designation_after_the_exit_keeps_the_exit() -> None:
    exited = {"village_code": V, "provincial_poor": True, "exited_year": 2019}
    after = d.designated_village(exited, V, True)
    assert after == exited and after is not exited
    assert d.village_items(after) == d.village_items(exited)


def test_a_village_no_longer_designated_stops_counting_as_poor_but_keeps_its_exit() -> None:
    exited = {"village_code": V, "provincial_poor": True, "exited_year": 2019}
    after = d.designated_village(exited, V, False)
    assert after["exited_year"] == 2019 and after["provincial_poor"] is False
    assert d.village_items(after) == {(V, 2019, "villages_exited", ""): 1}
    assert d.expand(d.village_items(after))[("441200000000", 2019, "villages_exited", "")] == 1
