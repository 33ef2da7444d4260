"""Projection rules of the read model (pure)."""
import uuid
from datetime import date

import pytest

from fupin_monitoring.view import domain as d

V1, V2 = "441223101201", "441224102301"
TOWN1, COUNTY1, COUNTY2, CITY = "441223101000", "441223000000", "441224000000", "441200000000"


def hy_items(r):  # noqa: ANN001, ANN201
    return d.expand(d.household_year_items(r))


def v_items(r):  # noqa: ANN001, ANN201
    return d.expand(d.village_items(r))


def vy_items(r):  # noqa: ANN001, ANN201
    return d.expand(d.village_year_items(r))


def i_items(*args):  # noqa: ANN002, ANN201
    return d.expand(d.item_items(*args))


def household(**kw):  # noqa: ANN003, ANN201
    base = {"household_id": uuid.uuid4(), "village_code": V1, "status": "identified", "persons": 3,
            "labour_type": "labour", "poverty_causes": ["illness", "disaster"], "guarantee_type": "dibao"}
    return {**base, **kw}


def test_deltas_add_at_every_level_of_the_chain() -> None:
    deltas = d.Deltas()
    deltas.add(V1, 2019, "exits", "industry", 1)
    assert deltas.nonzero() == {(V1, 2019, "exits", "industry"): 1, (TOWN1, 2019, "exits", "industry"): 1,
                                (COUNTY1, 2019, "exits", "industry"): 1, (CITY, 2019, "exits", "industry"): 1}


def test_deltas_replace_subtracts_the_old_contribution() -> None:
    deltas = d.Deltas()
    old, new = {(V1, 2019, "m", ""): 2}, {(V1, 2019, "m", ""): 5}
    deltas.replace(old, new)
    assert deltas.nonzero() == {(V1, 2019, "m", ""): 3}
    deltas.replace(new, new)
    assert deltas.nonzero() == {(V1, 2019, "m", ""): 3}


def test_identified_household_stock() -> None:
    stock = d.household_stock(household())
    assert stock[("hh_status", "identified")] == 1 and stock[("persons_status", "identified")] == 3
    assert stock[("identified_hh", "")] == 1 and stock[("identified_persons", "")] == 3
    assert stock[("poor_hh", "")] == 1 and ("exited_hh", "") not in stock
    assert stock[("cause", "illness")] == 1 and stock[("cause", "disaster")] == 1
    assert stock[("labour", "labour")] == 1 and stock[("guarantee_type", "dibao")] == 1


def test_exited_household_counts_as_identified_and_exited_not_poor() -> None:
    stock = d.household_stock(household(status="exited"))
    assert stock[("identified_hh", "")] == 1 and stock[("exited_hh", "")] == 1 and ("poor_hh", "") not in stock


@pytest.mark.parametrize("status", ["applied", "appraised", "identification_notice", "town_reviewed",
                                    "rejected", "removed"])
def test_applicants_rejected_and_removed_are_not_identified(status: str) -> None:
    stock = d.household_stock(household(status=status))
    assert stock == {("hh_status", status): 1, ("persons_status", status): 3}


def test_returned_household_is_poor_again() -> None:
    stock = d.household_stock(household(status="returned"))
    assert stock[("poor_hh", "")] == 1 and ("exited_hh", "") not in stock


def test_transition_is_booked_at_its_year_and_moves_villages() -> None:
    before, after = household(), household(status="exited", village_code=V2)
    deltas = d.Deltas()
    d.move_timeline(deltas, year=2019, old_village=before["village_code"], old=d.household_stock(before),
                    new_village=V2, new=d.household_stock(after))
    got = deltas.nonzero()
    assert got[(COUNTY1, 2019, "hh_status", "identified")] == -1
    assert got[(COUNTY2, 2019, "hh_status", "exited")] == 1
    assert (CITY, 2019, "identified_hh", "") not in got  # moved within the city: no net change
    assert got[(CITY, 2019, "exited_hh", "")] == 1 and got[(CITY, 2019, "poor_hh", "")] == -1


def test_effective_year_never_goes_back() -> None:
    assert d.effective_year(2019, 2017, 2026) == 2019
    assert d.effective_year(2017, 2019, 2026) == 2019
    assert d.effective_year(None, None, 2026) == 2026
    assert d.effective_year(None, 2018, 2026) == 2018


def test_stocks_read_at_year_end_and_flows_in_the_year() -> None:
    rows = [(2016, "hh_status", "identified", 1), (2019, "hh_status", "identified", -1), (2019, "hh_status", "exited", 1),
            (2019, "exits", "industry", 1), (2018, "exits", "industry", 4), (0, "poor_villages", "", 2)]
    f2018, f2019, now = d.Figures(rows, 2018, 2018), d.Figures(rows, 2019, 2019), d.Figures(rows, None, 2019)
    assert f2018.stock_by_key("hh_status") == {"identified": 1}
    assert f2019.stock_by_key("hh_status") == {"exited": 1}
    assert now.stock_by_key("hh_status") == {"exited": 1}
    assert f2018.flow("exits") == 4 and f2019.flow("exits") == 1
    assert f2018.stock("poor_villages") == 2  # year 0: timeless
    assert f2019.stock("hh_status", "identified", upto=2018) == 1


def test_member_flags_and_stock() -> None:
    on = date(2019, 9, 1)
    child = {"active": True, "birth_date": date(2010, 1, 1), "in_school": False, "medical_insurance": False,
             "health": "serious_illness", "disability_grade": 2}
    flags = d.member_flags(child, on)
    assert d.member_stock(flags) == {("members_active", ""): 1, ("members_uninsured", ""): 1,
                                     ("members_disabled", ""): 1, ("members_serious_illness", ""): 1,
                                     ("children_out_of_school", ""): 1}
    assert d.member_flags({**child, "active": False}, on) == 0
    assert d.member_stock(d.member_flags({"active": True, "medical_insurance": True, "health": "healthy"}, on)) == \
        {("members_active", ""): 1}


@pytest.mark.parametrize(("birth", "expected"), [(date(2013, 9, 2), False), (date(2013, 9, 1), True),
                                                 (date(2004, 9, 2), True), (date(2003, 9, 1), False)])
def test_compulsory_school_age_is_6_to_15(birth: date, expected: bool) -> None:
    assert d.is_child_out_of_school({"birth_date": birth, "in_school": False}, date(2019, 9, 1)) is expected


def test_a_child_in_school_or_of_unknown_schooling_is_not_out_of_school() -> None:
    assert not d.is_child_out_of_school({"birth_date": date(2010, 1, 1), "in_school": True}, date(2019, 9, 1))
    assert not d.is_child_out_of_school({"birth_date": date(2010, 1, 1), "in_school": None}, date(2019, 9, 1))


def test_income_bands_against_the_line() -> None:
    assert d.income_band(800_000, 869_900) == "below_line"
    assert d.income_band(869_900, 869_900) == "line_to_1_5"
    assert d.income_band(1_304_849, 869_900) == "line_to_1_5"
    assert d.income_band(1_304_850, 869_900) == "above_1_5"


def test_guarantee_failures_include_housing_c_and_d() -> None:
    record = {"food": True, "clothing": True, "compulsory_education": False, "basic_medical": True,
              "drinking_water": False, "housing_safety": "D"}
    assert d.guarantee_failures(record) == ["compulsory_education", "drinking_water", "housing_safety"]
    assert d.guarantee_failures({**record, "compulsory_education": True, "drinking_water": True,
                                 "housing_safety": "B"}) == []


def test_household_year_items_income_and_guarantees() -> None:
    items = hy_items({"village_code": V1, "year": 2019, "per_capita_income_fen": 900_000,
                                    "line_fen": 869_900, "labour_capacity": True, "compliant": False,
                                    "food": True, "clothing": True, "compulsory_education": True,
                                    "basic_medical": True, "drinking_water": True, "housing_safety": "C"})
    assert items[(CITY, 2019, "income_recorded", "")] == 1
    assert items[(CITY, 2019, "income_above_line", "")] == 1
    assert items[(CITY, 2019, "income_above_line_labour", "")] == 1
    assert items[(CITY, 2019, "income_band", "line_to_1_5")] == 1
    assert items[(CITY, 2019, "guarantee_assessed", "")] == 1
    assert (CITY, 2019, "guarantee_compliant", "") not in items
    assert items[(CITY, 2019, "guarantee_fail", "housing_safety")] == 1
    assert items[(CITY, 2019, "housing_grade", "C")] == 1
    assert hy_items(None) == {}


def test_households_without_labour_capacity_are_left_out_of_the_income_rate() -> None:
    items = hy_items({"village_code": V1, "year": 2019, "per_capita_income_fen": 100,
                                    "line_fen": 869_900, "labour_capacity": False})
    assert (CITY, 2019, "income_recorded_labour", "") not in items and items[(CITY, 2019, "income_recorded", "")] == 1


def test_village_items() -> None:
    items = v_items({"village_code": V1, "provincial_poor": True, "exited_year": 2019})
    assert items[(CITY, 0, "poor_villages", "")] == 1 and items[(CITY, 2019, "poor_villages_exited", "")] == 1
    plain = v_items({"village_code": V1, "provincial_poor": False, "exited_year": None})
    assert plain == {}
    year = vy_items({"village_code": V1, "year": 2019, "provincial_poor": True, "eligible": False,
                                 "failed": ["network"]})
    assert year[(COUNTY1, 2019, "poor_villages_assessed", "")] == 1
    assert (COUNTY1, 2019, "villages_eligible", "") not in year
    assert year[(COUNTY1, 2019, "village_fail", "network")] == 1


def allocation(**kw):  # noqa: ANN003, ANN201
    base = {"allocation_id": uuid.uuid4(), "division_code": COUNTY1, "parent_division_code": CITY,
            "parent_allocation_id": None, "year": 2019, "amount_fen": 1_000, "source_level": "provincial",
            "reversal": False, "allocated_on": date(2019, 3, 1), "disclosed_on": None, "disclosed_timely": None,
            "disbursed_fen": 0, "reallocated_fen": 0}
    return {**base, **kw}


def test_an_allocation_from_a_source_counts_at_every_level() -> None:
    items = d.allocation_items(allocation())
    assert items[(COUNTY1, 2019, "funds_allocated", "")] == 1_000 and items[(CITY, 2019, "funds_allocated", "")] == 1_000
    assert items[(COUNTY1, 2019, "allocations_due_disclosure", "")] == 1


def test_a_reallocation_down_the_tree_is_counted_once_per_level() -> None:
    child = allocation(division_code=V1, parent_division_code=COUNTY1, parent_allocation_id=uuid.uuid4(), amount_fen=400)
    items = d.allocation_items(child)
    assert items[(V1, 2019, "funds_allocated", "")] == 400 and items[(TOWN1, 2019, "funds_allocated", "")] == 400
    assert (COUNTY1, 2019, "funds_allocated", "") not in items and (CITY, 2019, "funds_allocated", "") not in items
    assert (V1, 2019, "allocations_due_disclosure", "") not in items  # villages disclose with their projects


def test_disclosure_counts_and_timeliness() -> None:
    items = d.allocation_items(allocation(disclosed_on=date(2019, 3, 5), disclosed_timely=True))
    assert items[(CITY, 2019, "allocations_disclosed", "")] == 1
    assert items[(CITY, 2019, "allocations_disclosed_timely", "")] == 1
    late = d.allocation_items(allocation(disclosed_on=date(2019, 6, 5), disclosed_timely=False))
    assert (CITY, 2019, "allocations_disclosed_timely", "") not in late


def test_reversals_move_money_but_are_not_allocations_to_disclose() -> None:
    items = d.allocation_items(allocation(amount_fen=-1_000, reversal=True))
    assert items[(CITY, 2019, "funds_allocated", "")] == -1_000
    assert (CITY, 2019, "allocations", "") not in items


def test_an_allocation_known_only_from_its_disclosure_counts_nothing() -> None:
    assert d.allocation_items(allocation(amount_fen=None, division_code=None)) == {}


def test_allocation_balance() -> None:
    assert d.allocation_balance(allocation(disbursed_fen=300, reallocated_fen=200)) == 500


@pytest.mark.parametrize(("kind", "state", "metric", "key"), [
    ("project", {"status": "实施", "budget_fen": 5}, "projects", "实施"),
    ("loan", {"status": "issued", "principal_fen": 5, "outstanding_fen": 4}, "loans", "issued"),
    ("audit_finding", {"open": True}, "findings_open", "audit"),
    ("supervision_finding", {"open": True, "overdue": True}, "findings_overdue", "supervision"),
    ("report", {"unit": "市教育局", "state": "accepted", "progress": "on_track", "on_time": True}, "reports_on_time", "市教育局"),
    ("report", {"unit": "市教育局", "state": "submitted", "on_time": False}, "reports_late", "市教育局"),
    ("overdue", {"unit": "市教育局"}, "reports_overdue", "市教育局"),
])
def test_items_of_funds_and_tasks(kind: str, state: dict, metric: str, key: str) -> None:
    items = i_items(kind, COUNTY1, 2019, state)
    assert items[(CITY, 2019, metric, key)] == 1


def test_task_and_target_items_are_timeless_city_figures() -> None:
    assert i_items("task", CITY, 0, {"progress": "late"}) == {(CITY, 0, "task_progress", "late"): 1}
    assert i_items("target", CITY, 0, {"met": False, "missed": True}) == {(CITY, 0, "targets", "missed"): 1}
    assert i_items("closed_finding", CITY, 0, None) == {}


def test_closed_findings_are_not_open() -> None:
    items = i_items("audit_finding", COUNTY1, 2019, {"open": False, "overdue": True})
    assert (CITY, 2019, "findings_open", "audit") not in items and items[(CITY, 2019, "findings", "audit")] == 1


def test_snapshot_metrics_rates() -> None:
    rows = [(2018, "identified_hh", "", 10), (2018, "identified_persons", "", 30), (2018, "exited_hh", "", 2),
            (2019, "exited_hh", "", 4), (2019, "returns", "illness", 1), (2019, "guarantee_assessed", "", 8),
            (2019, "guarantee_compliant", "", 6), (2019, "income_recorded_labour", "", 5),
            (2019, "income_above_line_labour", "", 4), (2019, "measures", "industry", 20),
            (0, "poor_villages", "", 4), (2019, "poor_villages_exited", "", 1), (2019, "funds_allocated", "", 1000),
            (2019, "funds_disbursed", "", 250), (2019, "allocations_due_disclosure", "", 4),
            (2019, "allocations_disclosed_timely", "", 3), (2019, "reports_on_time", "u", 3),
            (2019, "reports_late", "u", 1), (2019, "reports_overdue", "u", 2)]
    m = d.snapshot_metrics(d.Figures(rows, 2019, 2019), open_alerts=7)
    assert m["households_identified"] == 10 and m["persons_identified"] == 30 and m["households_exited"] == 6
    assert m["exit_rate"] == 0.6 and m["returns"] == 1 and m["return_rate"] == 0.5
    assert m["guarantee_compliance_rate"] == 0.75 and m["income_above_line_rate"] == 0.8
    assert m["measures_per_household"] == 2.0 and m["poor_villages_exited"] == 1 and m["village_exit_rate"] == 0.25
    assert m["funds_spending_rate"] == 0.25 and m["disclosure_timeliness_rate"] == 0.75
    assert m["reports_on_time_rate"] == 0.75 and m["reports_overdue"] == 2 and m["open_alerts"] == 7


def test_snapshot_metrics_with_nothing_due() -> None:
    from fupin_shared.contracts.monitoring import SNAPSHOT_METRICS

    m = d.snapshot_metrics(d.Figures([], 2019, 2019), open_alerts=0)
    assert set(m) == set(SNAPSHOT_METRICS)
    assert m["exit_rate"] == 0 and m["funds_spending_rate"] == 0
    assert m["reports_on_time_rate"] == 1 and m["disclosure_timeliness_rate"] == 1


def test_unit_metrics_and_units_found() -> None:
    rows = [(2019, "reports_on_time", "市教育局", 1), (2019, "reports_late", "市教育局", 1),
            (2019, "reports_overdue", "市民政局", 1), (2019, "reports_submitted", "市教育局", 2)]
    f = d.Figures(rows, 2019, 2019)
    assert d.units_in(f) == ["市教育局", "市民政局"]
    assert d.unit_metrics(f, "市教育局", open_alerts=1) == {"reports_on_time_rate": 0.5, "reports_overdue": 0,
                                                          "reports_submitted": 2, "open_alerts": 1}
    assert d.unit_metrics(f, "市民政局", open_alerts=0)["reports_overdue"] == 1
