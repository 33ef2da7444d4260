"""Division helpers, request validation, who may benefit, and the events' shape."""
import uuid
from datetime import date

import pytest
from pydantic import ValidationError

from fupin_funds import divisions
from fupin_funds.audit.schemas import FindingCreate
from fupin_funds.beneficiaries.domain import HouseholdCopy, ineligibility
from fupin_funds.consumers import HOUSEHOLD_EVENT_TYPES
from fupin_funds.ledger.schemas import AllocationCreate, DisbursementCreate, SourceAdjustmentCreate, SourceCreate
from fupin_funds.projects.schemas import ProjectCreate
from fupin_shared.contracts import all_contracts


def test_division_levels_and_subtrees():
    assert divisions.level_of("441200000000") == "city"
    assert divisions.level_of("441223000000") == "county"
    assert divisions.level_of("441223101000") == "town"
    assert divisions.level_of("441223101201") == "village"
    assert divisions.within("441223101201", "441223000000")
    assert not divisions.within("441224101201", "441223000000")
    assert divisions.strictly_below("441223101000", "441223000000")
    assert not divisions.strictly_below("441223000000", "441223000000")
    assert divisions.ancestor_at("441223101201", divisions.DivisionLevel.TOWN) == "441223101000"
    assert divisions.child_level("441223101201") is None
    assert len(divisions.COUNTIES) == 8


def test_allocation_needs_exactly_one_parent():
    base = dict(division_code="441223000000", amount_fen=1, year=2019, document_no="x")
    with pytest.raises(ValidationError):
        AllocationCreate(**base)
    with pytest.raises(ValidationError):
        AllocationCreate(**base, source_id=uuid.uuid4(), parent_allocation_id=uuid.uuid4())
    assert AllocationCreate(**base, source_id=uuid.uuid4())


def test_money_is_positive_integer_fen_and_unknown_fields_refused():
    base = dict(level="central", category="special_fund", year=2019, division_code="441200000000", document_no="x")
    for bad in (0, -1, 1.5, "100"):
        with pytest.raises(ValidationError):
            SourceCreate(**base, amount_fen=bad)
    with pytest.raises(ValidationError):
        SourceCreate(**base, amount_fen=1, surprise=True)
    with pytest.raises(ValidationError):
        SourceCreate(**base | {"level": "township"}, amount_fen=1)
    with pytest.raises(ValidationError):
        SourceAdjustmentCreate(amount_fen=0, reason="x")


def test_household_payment_needs_a_subsidy_purpose_and_one_card_account():
    base = dict(allocation_id=uuid.uuid4(), amount_fen=100, paid_on=date(2019, 1, 1))
    with pytest.raises(ValidationError):
        DisbursementCreate(**base, household_id=uuid.uuid4(), purpose="industry_subsidy")
    with pytest.raises(ValidationError):
        DisbursementCreate(**base, household_id=uuid.uuid4(), account_no="6221880000000001")
    with pytest.raises(ValidationError):
        DisbursementCreate(**base, household_id=uuid.uuid4(), project_id=uuid.uuid4(), purpose="industry_subsidy",
                           account_no="6221880000000001")
    with pytest.raises(ValidationError):
        DisbursementCreate(**base, purpose="industry_subsidy")
    assert DisbursementCreate(**base, household_id=uuid.uuid4(), purpose="industry_subsidy",
                              account_no="6221880000000001")


def test_finding_linked_to_an_allocation_or_project():
    base = dict(kind="audit", severity="major", category="idle_funds", summary="s", auditor="a",
                found_on=date(2019, 1, 1), rectify_by=date(2019, 3, 1))
    with pytest.raises(ValidationError):
        FindingCreate(**base)
    assert FindingCreate(**base, project_id=uuid.uuid4())


def test_project_lists_a_household_once():
    h = uuid.uuid4()
    with pytest.raises(ValidationError):
        ProjectCreate(name="n", village_code="441223101201", category="road", content="c", budget_fen=1, year=2019,
                      responsible_unit="u", beneficiary_household_ids=[h, h])


def test_who_may_benefit():
    identified = HouseholdCopy("h", "441223101201", "identified")
    assert ineligibility(identified, division="441223101201") is None
    assert ineligibility(HouseholdCopy("h", "441223101201", "exited"), division="441223000000") is None
    assert ineligibility(identified, division="441224000000") == "outside_division"
    assert ineligibility(HouseholdCopy("h", "441223101201", "removed"), division="441223000000") == "status_removed"
    assert ineligibility(HouseholdCopy("h", "441223101201", "applied"), division="441223000000") == "status_applied"


def test_read_copy_follows_every_household_event_of_the_registry():
    for verb in ("registered", "identified", "status_changed", "exited", "returned", "removed"):
        assert f"fupin.registry.household.{verb}.v1" in HOUSEHOLD_EVENT_TYPES


def test_funds_events_are_published_as_agreed():
    types = {t for t, c in all_contracts().items() if c.service == "funds"}
    for verb in ("source.registered", "allocation.made", "allocation.disbursed", "disclosure.published",
                 "project.changed", "loan.changed", "audit_finding.recorded", "audit_finding.closed"):
        assert f"fupin.funds.{verb}.v1" in types
