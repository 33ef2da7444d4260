"""Project lifecycle (储备 → 审批 → 实施 → 完工 → 验收) and performance targets."""
from decimal import Decimal

import pytest

from fupin_funds.projects import domain
from fupin_funds.projects.domain import ProjectFacts, TransitionError

READY = ProjectFacts(status="reserve", targets=2, output_targets_without_result=0, funded_fen=100)


@pytest.mark.parametrize("current,to", [("reserve", "approved"), ("approved", "implementing"),
                                        ("implementing", "completed"), ("completed", "accepted")])
def test_each_step_forward_is_legal(current, to):
    facts = ProjectFacts(status=current, targets=2, output_targets_without_result=0, funded_fen=100)
    assert domain.transition_errors(facts, to) == []


@pytest.mark.parametrize("current,to", [("reserve", "implementing"), ("approved", "reserve"),
                                        ("accepted", "completed"), ("implementing", "accepted"),
                                        ("reserve", "reserve")])
def test_skipping_or_going_back_is_illegal(current, to):
    facts = ProjectFacts(status=current, targets=2, output_targets_without_result=0, funded_fen=100)
    assert domain.transition_errors(facts, to) == [TransitionError.ILLEGAL_MOVE]


def test_approval_needs_targets_implementation_money_acceptance_results():
    assert domain.transition_errors(ProjectFacts("reserve", 0, 0, 0), "approved") == [TransitionError.NO_TARGETS]
    assert domain.transition_errors(ProjectFacts("approved", 1, 0, 0), "implementing") == [TransitionError.NOT_FUNDED]
    assert domain.transition_errors(ProjectFacts("completed", 1, 1, 10), "accepted") == \
        [TransitionError.RESULTS_MISSING]


def test_targets_met_by_direction():
    assert domain.target_met("at_least", Decimal(10), Decimal(10)) is True
    assert domain.target_met("at_least", Decimal(10), Decimal("9.9")) is False
    assert domain.target_met("at_most", Decimal(5), Decimal(4)) is True
    assert domain.target_met("at_most", Decimal(5), None) is None


def test_summary_counts_measured_and_met():
    summary = domain.summarise([("at_least", Decimal(2), Decimal(3)), ("at_least", Decimal(2), Decimal(1)),
                                ("at_most", Decimal(2), None)])
    assert (summary.targets, summary.measured, summary.met, summary.rate) == (3, 2, 1, 0.5)
    assert domain.summarise([]).rate is None
