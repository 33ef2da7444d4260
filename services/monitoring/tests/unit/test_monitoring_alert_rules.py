"""Early-warning rules and the alert lifecycle (pure)."""
import uuid
from datetime import date

import pytest

from fupin_monitoring.alerts import domain as a
from fupin_monitoring.alerts.domain import AlertKind, Clear, Raise
from fupin_monitoring.workdays import default_calendar

RULES = a.default_rules()
CAL = default_calendar()
ON = date(2019, 9, 2)
V1 = "441223101201"


def member(**kw):  # noqa: ANN003, ANN201
    base = {"member_id": uuid.uuid4(), "household_id": uuid.uuid4(), "village_code": V1, "active": True,
            "birth_date": date(1980, 1, 1), "in_school": None, "health": "healthy", "disability_grade": None,
            "medical_insurance": True}
    return {**base, **kw}


def kinds(intents, cls=Raise):  # noqa: ANN001, ANN201
    return sorted(str(i.kind) if cls is Raise else i.subject_key.split(":")[0] for i in intents if isinstance(i, cls))


def test_the_rules_data_names_every_kind_with_a_deadline() -> None:
    assert set(RULES.kinds) == {k.value for k in AlertKind}
    assert all(r.due_working_days > 0 and r.label_zh and r.label_en for r in RULES.kinds.values())
    assert RULES.income_risk_factor == 1.5


def test_unknown_kinds_in_the_rules_data_are_refused() -> None:
    with pytest.raises(ValueError):
        a.rules_from_data({"kinds": {"nonsense": {"label_zh": "x", "label_en": "x", "due_working_days": 1}}})


def test_due_date_counts_working_days() -> None:
    # child out of school: 2 working days; raised on Fri 27 Sep 2019 → Sun 29 Sep (make-up day) and Mon 30 Sep
    assert RULES.due_on(AlertKind.CHILD_OUT_OF_SCHOOL, date(2019, 9, 27), CAL) == date(2019, 9, 30)


def test_a_healthy_insured_member_raises_nothing() -> None:
    assert a.member_intents(None, member(), on=ON, year=2019) == []


def test_serious_illness_is_raised_once_and_cleared_on_recovery() -> None:
    ill = member(health="serious_illness")
    assert kinds(a.member_intents(member(member_id=ill["member_id"]), ill, on=ON, year=2019)) == ["serious_illness"]
    assert kinds(a.member_intents(ill, {**ill, "sex": "male"}, on=ON, year=2019)) == []
    cleared = a.member_intents(ill, {**ill, "health": "healthy"}, on=ON, year=2019)
    assert [c.subject_key for c in cleared if isinstance(c, Clear)] == [f"serious_illness:{ill['member_id']}"]


def test_new_disability_from_a_grade_or_the_health_code() -> None:
    before = member()
    assert kinds(a.member_intents(before, {**before, "disability_grade": 3}, on=ON, year=2019)) == ["new_disability"]
    assert kinds(a.member_intents(before, {**before, "health": "disabled"}, on=ON, year=2019)) == ["new_disability"]
    disabled = {**before, "disability_grade": 3}
    assert kinds(a.member_intents(disabled, {**disabled, "disability_grade": 2}, on=ON, year=2019)) == []


def test_a_new_member_already_disabled_is_a_new_disability_of_the_household() -> None:
    assert kinds(a.member_intents(None, member(disability_grade=1), on=ON, year=2019)) == ["new_disability"]


@pytest.mark.parametrize(("birth", "raised"), [(date(2013, 9, 3), False), (date(2013, 9, 2), True),
                                               (date(2003, 9, 3), True), (date(2003, 9, 2), False)])
def test_child_out_of_school_only_for_ages_6_to_15(birth: date, raised: bool) -> None:
    child = member(birth_date=birth, in_school=False)
    assert kinds(a.member_intents(None, child, on=ON, year=2019)) == (["child_out_of_school"] if raised else [])


def test_child_back_in_school_clears_the_alert() -> None:
    child = member(birth_date=date(2010, 1, 1), in_school=False)
    intents = a.member_intents(child, {**child, "in_school": True}, on=ON, year=2019)
    assert [i.subject_key for i in intents if isinstance(i, Clear)] == [f"child_out_of_school:{child['member_id']}"]


def test_member_without_medical_insurance() -> None:
    before = member()
    raised = a.member_intents(before, {**before, "medical_insurance": False}, on=ON, year=2019)
    assert kinds(raised) == ["member_uninsured"]
    alert = next(i for i in raised if isinstance(i, Raise))
    assert alert.division_code == V1 and alert.household_id == str(before["household_id"]) and alert.raised_on == ON
    uninsured = {**before, "medical_insurance": False}
    assert kinds(a.member_intents(uninsured, {**uninsured, "health": "chronic"}, on=ON, year=2019)) == []
    assert kinds(a.member_intents(uninsured, {**uninsured, "medical_insurance": True}, on=ON, year=2019), Clear) == \
        ["member_uninsured"]


def test_unknown_insurance_raises_nothing() -> None:
    assert a.member_intents(None, member(medical_insurance=None), on=ON, year=2019) == []


def test_a_member_leaving_clears_every_member_alert() -> None:
    ill = member(health="serious_illness", medical_insurance=False)
    intents = a.member_intents(ill, {**ill, "active": False}, on=ON, year=2019)
    assert kinds(intents) == [] and len([i for i in intents if isinstance(i, Clear)]) == 4


def exited(**kw):  # noqa: ANN003, ANN201
    return {"household_id": uuid.uuid4(), "village_code": V1, "status": "exited", **kw}


def test_exited_household_income_below_one_and_a_half_lines() -> None:
    h = exited()
    raised = a.income_intents(h, year=2019, income_fen=1_304_849, line_fen=869_900, on=ON, rules=RULES)
    assert kinds(raised) == ["income_below_threshold"]
    assert raised[0].detail == {"per_capita_income_fen": 1_304_849, "line_fen": 869_900, "threshold_fen": 1_304_850}
    assert kinds(a.income_intents(h, year=2019, income_fen=1_304_850, line_fen=869_900, on=ON, rules=RULES), Clear) == \
        ["income_below_threshold"]


def test_income_rule_ignores_households_not_exited() -> None:
    assert a.income_intents(exited(status="identified"), year=2019, income_fen=1, line_fen=869_900, on=ON,
                            rules=RULES) == []


def test_housing_c_or_d_raises_and_a_safe_grade_clears() -> None:
    h = exited(status="identified")
    assert kinds(a.housing_intents(h, year=2019, grade="D", on=ON)) == ["housing_unsafe"]
    assert kinds(a.housing_intents(h, year=2019, grade="C", on=ON)) == ["housing_unsafe"]
    assert kinds(a.housing_intents(h, year=2020, grade="B", on=ON), Clear) == ["housing_unsafe"]
    assert a.housing_intents(h, year=2020, grade=None, on=ON) == []


def test_disaster_flag_is_raised_when_it_appears() -> None:
    assert a.became_disaster_hit({"poverty_causes": ["illness"]}, {"poverty_causes": ["illness", "disaster"]})
    assert a.became_disaster_hit(None, {"disaster": True})
    assert not a.became_disaster_hit({"poverty_causes": ["disaster"]}, {"poverty_causes": ["disaster"]})
    raised = a.disaster_intents(exited(), year=2019, on=ON, cause="disaster")
    assert kinds(raised) == ["disaster"] and raised[0].subject_key.endswith(":2019")


def alloc(**kw):  # noqa: ANN003, ANN201
    base = {"allocation_id": uuid.uuid4(), "division_code": "441223000000", "year": 2019, "amount_fen": 1_000,
            "reversal": False, "allocated_on": date(2019, 3, 1), "last_moved_on": date(2019, 3, 1),
            "disclosed_on": None, "disbursed_fen": 0, "reallocated_fen": 0}
    return {**base, **kw}


def test_funds_idle_past_the_rule_days() -> None:
    a_ = alloc(disclosed_on=date(2019, 3, 5))
    # 90 days after 1 March is 30 May: idle from the day after
    assert kinds(a.allocation_intents(a_, today=date(2019, 5, 31), calendar=CAL, rules=RULES)) == ["funds_idle"]
    assert kinds(a.allocation_intents(a_, today=date(2019, 5, 30), calendar=CAL, rules=RULES)) == []
    spent = {**a_, "disbursed_fen": 1_000}
    assert "funds_idle" in kinds(a.allocation_intents(spent, today=date(2019, 12, 1), calendar=CAL, rules=RULES), Clear)


def test_allocation_undisclosed_past_ten_working_days() -> None:
    # made Mon 30 Sep 2019: the National Day week does not count, Sat 12 Oct (make-up day) does →
    # the 10th working day is Fri 18 Oct
    a_ = alloc(allocated_on=date(2019, 9, 30), last_moved_on=date(2019, 9, 30))
    assert kinds(a.allocation_intents(a_, today=date(2019, 10, 18), calendar=CAL, rules=RULES)) == []
    raised = a.allocation_intents(a_, today=date(2019, 10, 19), calendar=CAL, rules=RULES)
    assert kinds(raised) == ["allocation_undisclosed"]
    assert [i.detail["deadline"] for i in raised if isinstance(i, Raise)] == ["2019-10-18"]
    disclosed = {**a_, "disclosed_on": date(2019, 10, 16)}
    assert "allocation_undisclosed" in kinds(
        a.allocation_intents(disclosed, today=date(2019, 10, 17), calendar=CAL, rules=RULES), Clear)


def test_village_allocations_are_not_due_for_a_results_notice() -> None:
    a_ = alloc(division_code=V1)
    assert "allocation_undisclosed" not in kinds(a.allocation_intents(a_, today=date(2019, 4, 30), calendar=CAL,
                                                                      rules=RULES))


def test_lifecycle_open_assigned_resolved() -> None:
    assert a.next_state("open", "assign") == "assigned"
    assert a.next_state("assigned", "assign") == "assigned"
    assert a.next_state("assigned", "resolve") == "resolved"
    assert a.next_state("open", "resolve") == "resolved"
    with pytest.raises(a.TransitionRefused):
        a.next_state("resolved", "assign")
    with pytest.raises(a.TransitionRefused):
        a.next_state("resolved", "resolve")


def test_overdue_only_while_active_after_the_due_date() -> None:
    assert a.is_overdue("open", date(2019, 9, 2), date(2019, 9, 3))
    assert not a.is_overdue("open", date(2019, 9, 2), date(2019, 9, 2))
    assert not a.is_overdue("resolved", date(2019, 9, 2), date(2019, 9, 30))
    assert a.report_overdue_key(3, "市教育局", "2019Q3") == "report_overdue:3:市教育局:2019Q3"
