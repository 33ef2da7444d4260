"""Household validation, the lifecycle transition table, notices, and state as of a past time."""
from datetime import date

import pytest

from fupin_registry.households import domain, idnumber
from fupin_registry.households.domain import MemberDraft, Status, Step

TODAY = date(2020, 6, 1)


def member(relation="head", born=date(1970, 5, 1), seq=123, **kw) -> MemberDraft:
    return MemberDraft(id_number=idnumber.make("441223", born, seq), name="某人", relation=relation, **kw)


def errors_of(members, labour_type="labour", causes=("illness",)):
    return [(e.pointer, e.detail) for e in domain.validate_household(
        members=members, labour_type=labour_type, poverty_causes=list(causes), today=TODAY)]


def test_a_valid_household_passes_and_gets_birth_date_and_sex_from_the_id():
    head = member(labour_skill="ordinary")
    assert errors_of([head, member("daughter", date(2010, 1, 2), 124)]) == []
    assert head.birth_date == date(1970, 5, 1) and head.sex == "male"


def test_birth_date_and_sex_must_match_the_id_number():
    wrong = member(birth_date=date(1971, 5, 1), sex="female")
    pointers = [p for p, _ in errors_of([wrong])]
    assert pointers == ["#/members/0/birth_date", "#/members/0/sex"]


def test_bad_check_character_is_a_field_error():
    bad = member()
    bad.id_number = bad.id_number[:-1] + ("0" if bad.id_number[-1] != "0" else "1")
    assert errors_of([bad])[0][0] == "#/members/0/id_number"


def test_exactly_one_head_and_no_number_twice():
    assert any("exactly one member" in d for _, d in errors_of([member("spouse")]))
    twice = errors_of([member(), member("spouse")])
    assert ("#/members/1/id_number" in [p for p, _ in twice])


def test_labour_household_needs_someone_who_can_work():
    assert errors_of([member(labour_skill="lost")])[0][0] == "#/labour_type"
    assert errors_of([member(labour_skill="lost")], labour_type="no_labour") == []


def test_causes_listed_once_and_required():
    assert errors_of([member()], causes=())[0][0] == "#/poverty_causes"
    assert errors_of([member()], causes=("illness", "illness"))[0][0] == "#/poverty_causes"


def test_transition_table_identification_path():
    status = Status.APPLIED
    for step in (Step.APPRAISE, Step.START_NOTICE, Step.TOWN_REVIEW, Step.APPROVE):
        status = domain.next_status(status, step)
        assert status is not None
    assert status == Status.IDENTIFIED


@pytest.mark.parametrize("status, step", [
    ("applied", "exit"), ("identified", "exit"), ("pre_exit", "exit"), ("removed", "remove"),
    ("exited", "pre_exit"), ("rejected", "remove"), ("identified", "return"), ("applied", "approve"),
])
def test_illegal_transitions_are_refused(status, step):
    assert domain.next_status(status, step) is None


def test_exit_path_and_return():
    assert domain.next_status("identified", "pre_exit") == Status.PRE_EXIT
    assert domain.next_status("pre_exit", "start_exit_notice") == Status.EXIT_NOTICE
    assert domain.next_status("exit_notice", "exit") == Status.EXITED
    assert domain.next_status("exited", "follow_up") == Status.EXITED
    assert domain.next_status("exited", "return") == Status.RETURNED
    assert domain.next_status("returned", "pre_exit") == Status.PRE_EXIT
    assert "remove" in domain.allowed_steps("exited")


def test_cancelling_a_pre_exit_or_exit_notice_returns_to_identified():
    assert domain.next_status("pre_exit", "cancel_exit") == Status.IDENTIFIED
    assert domain.next_status("exit_notice", "cancel_exit") == Status.IDENTIFIED
    returned_then_pre_exit = domain.next_status("returned", "pre_exit")
    assert domain.next_status(returned_then_pre_exit, "cancel_exit") == Status.IDENTIFIED
    for status in ("applied", "identified", "exited", "returned", "removed"):
        assert domain.next_status(status, "cancel_exit") is None
    assert "cancel_exit" in domain.allowed_steps("pre_exit")


def test_every_status_but_removed_and_rejected_can_be_removed():
    for status in Status:
        expected = None if status in (Status.REMOVED, Status.REJECTED) else Status.REMOVED
        assert domain.next_status(status, Step.REMOVE) == expected


def test_notice_lasts_at_least_seven_days():
    ends = domain.notice_ends_on(date(2019, 3, 1), 7)
    assert ends == date(2019, 3, 8)
    assert domain.notice_problem("exit", notice_kind="exit", ends_on=ends, on=date(2019, 3, 7))
    assert domain.notice_problem("exit", notice_kind="exit", ends_on=ends, on=date(2019, 3, 8)) is None
    assert "no exit public notice" in domain.notice_problem("exit", notice_kind="identification", ends_on=ends,
                                                             on=date(2019, 4, 1))


def test_schooling_gaps_count_children_of_compulsory_age_out_of_school():
    on = date(2020, 9, 1)
    assert domain.schooling_gaps([(date(2010, 1, 1), False), (date(2012, 1, 1), True),
                                  (date(2001, 1, 1), False), (date(2016, 1, 1), False)], on) == 1


def test_fold_rebuilds_status_members_and_records():
    s = domain.Snapshot(household_id="h")
    base = {"household_id": "h", "village_code": "441223101200", "persons": 2}
    s = domain.fold(s, "fupin.registry.household.registered.v1",
                    {**base, "status": "applied", "labour_type": "labour", "poverty_causes": ["illness"], "year": 2016}, 1)
    s = domain.fold(s, "fupin.registry.member.added.v1", {**base, "status": "applied", "member_id": "m1",
                                                          "sex": "male", "health": "healthy"}, 2)
    s = domain.fold(s, "fupin.registry.household.identified.v1", {**base, "status": "identified", "year": 2016}, 3)
    s = domain.fold(s, "fupin.registry.household.income_recorded.v1",
                    {**base, "status": "identified", "year": 2019, "per_capita_income_fen": 900000, "line_fen": 869900}, 4)
    s = domain.fold(s, "fupin.registry.member.left.v1", {**base, "persons": 1, "status": "identified",
                                                         "member_id": "m1", "reason": "death"}, 5)
    s = domain.fold(s, "fupin.registry.household.exited.v1",
                    {**base, "persons": 1, "status": "exited", "year": 2019, "exit_path": "industry"}, 6)
    assert (s.status, s.identified_year, s.exit_year, s.exit_path, s.persons) == ("exited", 2016, 2019, "industry", 1)
    assert s.members["m1"]["active"] is False and s.members["m1"]["left_reason"] == "death"
    assert s.incomes[2019]["per_capita_income_fen"] == 900000 and s.events == 6 and s.last_event_at == 6


def test_the_fast_household_document_equals_the_model():
    import uuid as uuid_module
    from datetime import UTC, datetime
    from types import SimpleNamespace

    import orjson

    from fupin_registry.households.schemas import HouseholdRead, household_document
    from fupin_shared.auth.principal import Principal

    now = datetime(2020, 1, 2, 3, 4, 5, 678, tzinfo=UTC)
    whole = datetime(2020, 1, 2, tzinfo=UTC)
    h = SimpleNamespace(
        id=uuid_module.uuid4(), household_no="A-1", village_code="441223101200", status="exit_notice",
        head_name="黄大明", head_id_number="441223197005011236", persons=1, labour_type="labour",
        guarantee_type="none", poverty_causes=["illness"], assisting_cadre="李", assisting_cadre_phone="13800138000",
        assisting_unit="u", phone="13800138000", one_card_account="6217000012345678", address="某村", registered_year=2016,
        identified_year=2016, exit_year=None, exit_path=None, return_year=None, return_cause=None, removal_year=None,
        removal_reason=None, notice_kind="exit", notice_started_on=date(2019, 11, 1), notice_ends_on=date(2019, 11, 8),
        version=3, created_at=whole, updated_at=now)
    m = SimpleNamespace(id=uuid_module.uuid4(), id_number="441223197005011236", name="黄大明", sex="male",
                        birth_date=date(1970, 5, 1), relation="head", in_school=False, education=None, health="healthy",
                        disability_grade=None, medical_insurance=True, pension_insurance=True, labour_skill="ordinary",
                        employment="none", active=True, left_on=None, left_reason=None, version=1)
    for scopes in (frozenset({"registry:read"}), frozenset({"registry:read", "pii:read"})):
        viewer = Principal(sub="x", client_id="x", scopes=scopes)
        fast = orjson.loads(orjson.dumps(household_document(h, [m], viewer), option=orjson.OPT_UTC_Z, default=str))
        model = orjson.loads(HouseholdRead.__pydantic_serializer__.to_json(HouseholdRead.for_viewer(h, [m], viewer)))
        assert fast == model


def test_fold_follows_a_move_to_another_village():
    s = domain.Snapshot(household_id="h")
    base = {"household_id": "h", "persons": 1, "status": "identified"}
    s = domain.fold(s, "fupin.registry.household.registered.v1", {**base, "village_code": "441223101200"}, 1)
    s = domain.fold(s, "fupin.registry.household.updated.v1",
                    {**base, "village_code": "441223101201", "previous_village_code": "441223101200",
                     "changed": ["village_code"], "values": {"village_code": "441223101201"}}, 2)
    assert s.village_code == "441223101201" and s.events == 2
