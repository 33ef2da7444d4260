"""Who may do what; supervision and work-plan rules (pure)."""
from datetime import date

import pytest
from fupin_shared.auth.principal import Principal
from fupin_shared.http.problems import InvalidInput
from fupin_tasks.access import AccessPolicy, ReviewNotAllowed, UnitHasNoRole, UnitMismatch, UnitOutsideDivision
from fupin_tasks.supervision.domain import FindingAction, check_dates, next_state, rectification_overdue
from fupin_tasks.supervision.errors import FindingTransitionRefused, InvalidFindingDates
from fupin_tasks.workplans.domain import Milestone, MilestoneStatus, check_milestones
from fupin_tasks.workplans.errors import InvalidMilestones

POLICY = AccessPolicy()
RW = frozenset({"tasks:read", "tasks:write"})
DEPT = Principal(sub="d", client_id="d", scopes=RW, unit="市教育局")
OFFICE = Principal(sub="o", client_id="o", scopes=RW, unit="市扶贫开发领导小组办公室")
REVIEW_SCOPE = Principal(sub="r", client_id="r", scopes=frozenset({"tasks:review"}), unit="市审计局")
ADMIN = Principal(sub="a", client_id="a", scopes=RW)
COUNTY = Principal(sub="c", client_id="c", scopes=RW, division="441223000000")


def test_reviewers_are_the_office_the_review_scope_and_city_admins():
    assert POLICY.is_reviewer(OFFICE) and POLICY.is_reviewer(REVIEW_SCOPE) and POLICY.is_reviewer(ADMIN)
    assert not POLICY.is_reviewer(DEPT) and not POLICY.is_reviewer(COUNTY)
    read_only_office = Principal(sub="o", client_id="o", scopes=frozenset({"tasks:read"}), unit=OFFICE.unit)
    assert not POLICY.is_reviewer(read_only_office)
    with pytest.raises(ReviewNotAllowed):
        POLICY.may_review_unit(REVIEW_SCOPE, "市审计局")  # never its own unit's report
    POLICY.may_review_unit(REVIEW_SCOPE, "市教育局")


def test_a_unit_token_acts_only_for_its_unit_and_an_admin_names_the_unit():
    assert POLICY.acting_unit(DEPT, None) == "市教育局"
    with pytest.raises(UnitMismatch):
        POLICY.acting_unit(DEPT, "市农业局")
    assert POLICY.acting_unit(ADMIN, "市农业局") == "市农业局"
    with pytest.raises(InvalidInput):
        POLICY.acting_unit(ADMIN, None)
    with pytest.raises(UnitHasNoRole):
        POLICY.require_role("市教育局", 1, None)
    with pytest.raises(UnitOutsideDivision):
        POLICY.require_within_division(COUNTY, "四会市党委和政府", "441284000000")
    POLICY.require_within_division(ADMIN, "四会市党委和政府", "441284000000")


def test_finding_lifecycle():
    assert next_state("open", FindingAction.SUBMIT_EVIDENCE).value == "evidence_submitted"
    assert next_state("evidence_submitted", FindingAction.REJECT_EVIDENCE).value == "open"
    assert next_state("evidence_submitted", FindingAction.CLOSE).value == "closed"
    for state, action in [("open", FindingAction.CLOSE), ("closed", FindingAction.SUBMIT_EVIDENCE),
                          ("closed", FindingAction.REJECT_EVIDENCE)]:
        with pytest.raises(FindingTransitionRefused):
            next_state(state, action)
    with pytest.raises(InvalidFindingDates):
        check_dates(found_on=date(2019, 5, 1), rectify_by=date(2019, 4, 1), year=2019)


def test_rectification_is_overdue_after_the_deadline_unless_closed_or_evidenced_in_time():
    due, late = date(2019, 6, 30), date(2019, 7, 1)
    assert not rectification_overdue(rectify_by=due, today=due, closed_on=None, evidence=[])
    assert rectification_overdue(rectify_by=due, today=late, closed_on=None, evidence=[])
    assert not rectification_overdue(rectify_by=due, today=late, closed_on=date(2019, 6, 20), evidence=[])
    # closed later: it was overdue on the 1st of July
    assert rectification_overdue(rectify_by=due, today=late, closed_on=date(2019, 7, 15), evidence=[])
    in_time = [{"submitted_on": "2019-06-28", "rejected_on": None}]
    assert not rectification_overdue(rectify_by=due, today=late, closed_on=None, evidence=in_time)
    rejected = [{"submitted_on": "2019-06-28", "rejected_on": "2019-07-03"}]
    assert not rectification_overdue(rectify_by=due, today=late, closed_on=None, evidence=rejected)
    assert rectification_overdue(rectify_by=due, today=date(2019, 7, 4), closed_on=None, evidence=rejected)
    too_late = [{"submitted_on": "2019-07-02", "rejected_on": None}]
    assert rectification_overdue(rectify_by=due, today=date(2019, 7, 5), closed_on=None, evidence=too_late)


def _m(title="制定方案", due=date(2019, 3, 31), status=MilestoneStatus.PLANNED, done_on=None):
    return Milestone(title=title, due_on=due, owner_name="王建华", owner_post="科长", status=status, done_on=done_on)


def test_milestones_fall_due_in_their_year_with_done_dates_only_when_done():
    check_milestones([_m(), _m("完成", date(2019, 12, 1), MilestoneStatus.DONE, date(2019, 11, 20))],
                     year=2019, plan_start=2018, plan_end=2020)
    for milestones, year in [([_m(due=date(2020, 1, 5))], 2019), ([_m(done_on=date(2019, 3, 1))], 2019),
                             ([_m(), _m()], 2019), ([_m(due=date(2021, 3, 1))], 2021)]:
        with pytest.raises(InvalidMilestones):
            check_milestones(milestones, year=year, plan_start=2018, plan_end=2020)
