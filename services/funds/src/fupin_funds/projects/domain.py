"""Pure rules of the project library (县级脱贫攻坚项目库, task 20): lifecycle and performance."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class ProjectStatus(StrEnum):
    RESERVE = "reserve"          # 储备
    APPROVED = "approved"        # 审批
    IMPLEMENTING = "implementing"  # 实施
    COMPLETED = "completed"      # 完工
    ACCEPTED = "accepted"        # 验收


TRANSITIONS: dict[ProjectStatus, frozenset[ProjectStatus]] = {
    ProjectStatus.RESERVE: frozenset({ProjectStatus.APPROVED}),
    ProjectStatus.APPROVED: frozenset({ProjectStatus.IMPLEMENTING}),
    ProjectStatus.IMPLEMENTING: frozenset({ProjectStatus.COMPLETED}),
    ProjectStatus.COMPLETED: frozenset({ProjectStatus.ACCEPTED}),
    ProjectStatus.ACCEPTED: frozenset(),
}
AMENDABLE = frozenset({ProjectStatus.RESERVE, ProjectStatus.APPROVED})


class TransitionError(StrEnum):
    ILLEGAL_MOVE = "illegal_move"
    NO_TARGETS = "performance_targets_missing"
    NOT_FUNDED = "not_funded"
    RESULTS_MISSING = "output_results_missing"


@dataclass(frozen=True, slots=True)
class ProjectFacts:
    status: str
    targets: int
    output_targets_without_result: int
    funded_fen: int


def transition_errors(facts: ProjectFacts, to: str) -> list[TransitionError]:
    """储备 → 审批 → 实施 → 完工 → 验收, one step at a time. Approval needs performance targets
    (task 20: 明确绩效目标); implementation needs money allocated to the project; acceptance needs a
    measured result for every output target."""
    current = ProjectStatus(facts.status)
    target = ProjectStatus(to)
    if target not in TRANSITIONS[current]:
        return [TransitionError.ILLEGAL_MOVE]
    errors: list[TransitionError] = []
    if target is ProjectStatus.APPROVED and facts.targets == 0:
        errors.append(TransitionError.NO_TARGETS)
    if target is ProjectStatus.IMPLEMENTING and facts.funded_fen <= 0:
        errors.append(TransitionError.NOT_FUNDED)
    if target is ProjectStatus.ACCEPTED and facts.output_targets_without_result > 0:
        errors.append(TransitionError.RESULTS_MISSING)
    return errors


class Direction(StrEnum):
    AT_LEAST = "at_least"
    AT_MOST = "at_most"


def target_met(direction: str, target: Decimal, actual: Decimal | None) -> bool | None:
    """None while not measured."""
    if actual is None:
        return None
    return actual >= target if direction == Direction.AT_LEAST else actual <= target


@dataclass(frozen=True, slots=True)
class PerformanceSummary:
    targets: int
    measured: int
    met: int

    @property
    def rate(self) -> float | None:
        """Share of measured targets that were met."""
        return round(self.met / self.measured, 4) if self.measured else None


def summarise(results: list[tuple[str, Decimal, Decimal | None]]) -> PerformanceSummary:
    met = [target_met(d, t, a) for d, t, a in results]
    return PerformanceSummary(targets=len(results), measured=sum(m is not None for m in met),
                              met=sum(m is True for m in met))
