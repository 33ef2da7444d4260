"""Pure rules of the allocation ledger (no I/O).

The ledger is a tree: source → county → town → village or project. Every node holds its net
amount (original entry plus reversal entries), what it passed to child allocations and what it paid
out; the rule of the whole ledger is ``allocated + disbursed ≤ amount`` at every node, so children
never exceed their parent and disbursements never exceed their allocation (task 20; API.md). The
database enforces the same rule with a guarded UPDATE and a CHECK constraint, so it holds under
concurrent requests too; these functions give the refusal its reason and the numbers.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from fupin_funds.divisions import DEPTH, level_of, within


@dataclass(frozen=True, slots=True)
class Balance:
    """A node of the ledger (a source or an allocation)."""

    amount_fen: int
    allocated_fen: int = 0
    disbursed_fen: int = 0

    @property
    def committed_fen(self) -> int:
        return self.allocated_fen + self.disbursed_fen

    @property
    def available_fen(self) -> int:
        return self.amount_fen - self.committed_fen

    def fits(self, amount_fen: int) -> bool:
        """Would taking ``amount_fen`` more keep the node within its amount?"""
        return amount_fen > 0 and self.committed_fen + amount_fen <= self.amount_fen

    def balanced(self) -> bool:
        return 0 <= self.allocated_fen and 0 <= self.disbursed_fen and self.committed_fen <= self.amount_fen


def spending_rate(disbursed_fen: int, amount_fen: int) -> float | None:
    """Share of the money that reached its final use (0.0–1.0, 4 decimals); None when nothing was allocated."""
    if amount_fen <= 0:
        return None
    return round(disbursed_fen / amount_fen, 4)


class PlacementError(StrEnum):
    OUTSIDE_PARENT = "outside_parent_division"
    NOT_BELOW_PARENT = "not_below_parent_division"
    YEAR_BEFORE_PARENT = "year_before_parent"
    PROJECT_OUTSIDE_DIVISION = "project_outside_division"
    PROJECT_YEAR_MISMATCH = "project_year_mismatch"


def placement_errors(*, parent_division: str, parent_year: int, parent_is_source: bool, division_code: str,
                     year: int, project_village: str | None = None,
                     project_year: int | None = None) -> list[PlacementError]:
    """Where an allocation may go: inside its parent's division, one or more levels down (an
    allocation to a project may stay at its parent's level: a county-run project), never dated
    before its parent; a project must lie inside the allocation's division."""
    errors: list[PlacementError] = []
    if not within(division_code, parent_division):
        errors.append(PlacementError.OUTSIDE_PARENT)
    elif not parent_is_source and project_village is None and \
            DEPTH[level_of(division_code)] <= DEPTH[level_of(parent_division)]:
        errors.append(PlacementError.NOT_BELOW_PARENT)
    if year < parent_year:
        errors.append(PlacementError.YEAR_BEFORE_PARENT)
    if project_village is not None and not within(project_village, division_code):
        errors.append(PlacementError.PROJECT_OUTSIDE_DIVISION)
    if project_year is not None and year < project_year:
        errors.append(PlacementError.PROJECT_YEAR_MISMATCH)
    return errors


# --- disbursements -----------------------------------------------------------------------------

class Purpose(StrEnum):
    PROJECT = "project"
    HOUSING_RENOVATION = "housing_renovation"
    INDUSTRY_SUBSIDY = "industry_subsidy"
    EDUCATION_SUBSIDY = "education_subsidy"
    EMPLOYMENT_SUBSIDY = "employment_subsidy"
    OTHER_SUBSIDY = "other_subsidy"


PAYABLE_PROJECT_STATUSES = frozenset({"implementing", "completed", "accepted"})

PROGRESS_CAPS: tuple[tuple[int, int], ...] = ((0, 30), (50, 70), (100, 95))
"""(construction progress %, share of the budget payable in total %). Advance payment up to 30%;
progress payments up to 70% from half-way; up to 95% at completion; the last 5% (retention) only
after acceptance (验收). Task 10: paid in stages by the progress of the works."""

PROJECT_STAGE_LABELS = {"advance": "预付款", "progress": "进度款", "completion": "完工款", "final": "尾款（验收后）"}

HOUSEHOLD_STAGES: dict[str, tuple[str, ...]] = {
    Purpose.HOUSING_RENOVATION: ("start", "main_structure", "completion"),
}
"""Instalments that must be paid in this order, once each (task 10: the housing-renovation
subsidy is paid into the one-card account by construction stage)."""

HOUSEHOLD_STAGE_LABELS = {"start": "开工", "main_structure": "主体完工", "completion": "竣工验收"}


def project_cap_pct(status: str, progress_pct: int) -> int:
    """Share of the budget (in %) that may have been paid in total at this status and progress."""
    if status == "accepted":
        return 100
    cap = 0
    for threshold, share in PROGRESS_CAPS:
        if progress_pct >= threshold:
            cap = share
    return cap


def project_cap_fen(budget_fen: int, status: str, progress_pct: int) -> int:
    return budget_fen * project_cap_pct(status, progress_pct) // 100


def project_stage(status: str, progress_pct: int) -> str:
    if status == "accepted":
        return "final"
    if progress_pct >= 100:
        return "completion"
    if progress_pct >= PROGRESS_CAPS[1][0]:
        return "progress"
    return "advance"


class ProjectPaymentError(StrEnum):
    NOT_PAYABLE_STATUS = "project_not_in_payable_status"
    PROGRESS_BACKWARDS = "progress_below_recorded"
    COMPLETION_NOT_RECORDED = "progress_100_needs_completed_status"
    OVER_CAP = "exceeds_progress_cap"


def project_payment_errors(*, status: str, budget_fen: int, disbursed_fen: int, recorded_progress_pct: int,
                           progress_pct: int, amount_fen: int) -> list[ProjectPaymentError]:
    """A payment to a project: the project is being implemented (or done), the progress it is paid
    against is not below what was already recorded, and the project's total payments stay within
    the progress cap."""
    errors: list[ProjectPaymentError] = []
    if status not in PAYABLE_PROJECT_STATUSES:
        errors.append(ProjectPaymentError.NOT_PAYABLE_STATUS)
        return errors
    if progress_pct < recorded_progress_pct:
        errors.append(ProjectPaymentError.PROGRESS_BACKWARDS)
    if progress_pct >= 100 and status == "implementing":
        errors.append(ProjectPaymentError.COMPLETION_NOT_RECORDED)
    if disbursed_fen + amount_fen > project_cap_fen(budget_fen, status, progress_pct):
        errors.append(ProjectPaymentError.OVER_CAP)
    return errors


class InstalmentError(StrEnum):
    UNKNOWN_STAGE = "unknown_stage"
    OUT_OF_ORDER = "stage_out_of_order"
    ALREADY_PAID = "stage_already_paid"
    STAGE_REQUIRED = "stage_required"


def instalment_error(purpose: str, paid_stages: list[str], stage: str | None) -> InstalmentError | None:
    """A household instalment: for staged purposes, the next unpaid stage, in order, once each."""
    order = HOUSEHOLD_STAGES.get(purpose)
    if order is None:
        return None
    if stage is None:
        return InstalmentError.STAGE_REQUIRED
    if stage not in order:
        return InstalmentError.UNKNOWN_STAGE
    if stage in paid_stages:
        return InstalmentError.ALREADY_PAID
    expected = next((s for s in order if s not in paid_stages), None)
    if stage != expected:
        return InstalmentError.OUT_OF_ORDER
    return None


def paid_on_error(paid_on: date, *, today: date, not_before: date | None = None) -> str | None:
    if paid_on > today:
        return "paid_on_in_future"
    if not_before is not None and paid_on < not_before:
        return "paid_on_before_notice_end"
    return None


# --- ledger audit -------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class NodeTotals:
    """A node's stored counters beside the sums recomputed from its entries."""

    node_id: str
    kind: str
    stored: Balance
    recomputed: Balance


def discrepancies(nodes: list[NodeTotals]) -> list[dict[str, object]]:
    """Nodes whose counters disagree with their entries, or that are over-committed."""
    out: list[dict[str, object]] = []
    for node in nodes:
        if node.stored != node.recomputed or not node.stored.balanced():
            out.append({"id": node.node_id, "kind": node.kind,
                        "stored": {"amount_fen": node.stored.amount_fen, "allocated_fen": node.stored.allocated_fen,
                                   "disbursed_fen": node.stored.disbursed_fen},
                        "recomputed": {"amount_fen": node.recomputed.amount_fen,
                                       "allocated_fen": node.recomputed.allocated_fen,
                                       "disbursed_fen": node.recomputed.disbursed_fen}})
    return out
