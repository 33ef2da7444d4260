"""Problems of the ledger (stable slugs; clients branch on them)."""
from __future__ import annotations

import uuid

from fupin_shared.http.problems import Conflict, NotFound, Unprocessable


class SourceNotFound(NotFound):
    slug, title = "fund-source-not-found", "No such fund source"

    def __init__(self, source_id: uuid.UUID) -> None:
        super().__init__(f"Fund source {source_id} does not exist or is outside your division.")


class AllocationNotFound(NotFound):
    slug, title = "allocation-not-found", "No such allocation"

    def __init__(self, allocation_id: uuid.UUID) -> None:
        super().__init__(f"Allocation {allocation_id} does not exist or is outside your division.")


class DisbursementNotFound(NotFound):
    slug, title = "disbursement-not-found", "No such disbursement"

    def __init__(self, disbursement_id: uuid.UUID) -> None:
        super().__init__(f"Disbursement {disbursement_id} does not exist or is outside your division.")


class AllocationExceedsParent(Conflict):
    slug, title = "allocation-exceeds-parent", "The allocation exceeds what its parent has left"

    def __init__(self, *, parent_id: uuid.UUID, available_fen: int, requested_fen: int) -> None:
        super().__init__(f"Only {available_fen} fen are left in {parent_id}; {requested_fen} fen were requested.",
                         parent_id=str(parent_id), available_fen=available_fen, requested_fen=requested_fen)


class DisbursementExceedsAllocation(Conflict):
    slug, title = "disbursement-exceeds-allocation", "The disbursement exceeds what the allocation has left"

    def __init__(self, *, allocation_id: uuid.UUID, available_fen: int, requested_fen: int) -> None:
        super().__init__(f"Only {available_fen} fen are left in allocation {allocation_id}; "
                         f"{requested_fen} fen were requested.",
                         allocation_id=str(allocation_id), available_fen=available_fen, requested_fen=requested_fen)


class AllocationExceedsProjectBudget(Conflict):
    slug, title = "allocation-exceeds-project-budget", "The project's budget is already funded"

    def __init__(self, *, project_id: uuid.UUID, unfunded_fen: int, requested_fen: int) -> None:
        super().__init__(f"Project {project_id} has {unfunded_fen} fen of its budget left to fund; "
                         f"{requested_fen} fen were requested.",
                         project_id=str(project_id), unfunded_fen=unfunded_fen, requested_fen=requested_fen)


class AllocationPlacementInvalid(Unprocessable):
    slug, title = "allocation-placement-invalid", "The allocation cannot go to that division"

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("Children stay inside their parent's division, one level or more down, "
                         "not dated before it; a project lies inside the allocation's division.", reasons=reasons)


class ProjectNotFundable(Conflict):
    slug, title = "project-not-fundable", "The project is not approved for funding"

    def __init__(self, project_id: uuid.UUID, status: str) -> None:
        super().__init__(f"Project {project_id} is '{status}'; only approved projects of the library "
                         "receive allocations.", status=status)


class ReversalExceedsUncommitted(Conflict):
    slug, title = "reversal-exceeds-uncommitted", "Only money not passed on or paid out can be reversed"

    def __init__(self, *, allocation_id: uuid.UUID, available_fen: int, requested_fen: int) -> None:
        super().__init__(f"Allocation {allocation_id} has {available_fen} fen neither allocated further nor "
                         f"disbursed; {requested_fen} fen were requested. Reverse the children or "
                         "disbursements first.",
                         allocation_id=str(allocation_id), available_fen=available_fen, requested_fen=requested_fen)


class NotAnOriginalEntry(Conflict):
    slug, title = "reversal-entry-not-reversible", "A reversal entry cannot be reversed or drawn from"

    def __init__(self, entry_id: uuid.UUID) -> None:
        super().__init__(f"{entry_id} is a reversal entry; act on the original entry instead.")


class AlreadyReversed(Conflict):
    slug, title = "disbursement-already-reversed", "The disbursement was already reversed"

    def __init__(self, disbursement_id: uuid.UUID) -> None:
        super().__init__(f"Disbursement {disbursement_id} already has a reversal entry.")


class ReversalNotAllowedHere(Conflict):
    slug, title = "reversal-by-allocating-level-only", "Only the level that allocated can reverse"

    def __init__(self, parent_division: str) -> None:
        super().__init__(f"The money returns to {parent_division}; a caller of that division reverses it.",
                         parent_division=parent_division)


class SourceAdjustmentRefused(Conflict):
    slug, title = "source-adjustment-below-allocated", "A source cannot drop below what it has allocated"

    def __init__(self, *, source_id: uuid.UUID, allocated_fen: int, new_total_fen: int) -> None:
        super().__init__(f"Source {source_id} has allocated {allocated_fen} fen; it cannot become {new_total_fen} fen.",
                         allocated_fen=allocated_fen, new_total_fen=new_total_fen)


class ProjectPaymentRefused(Conflict):
    slug, title = "project-payment-refused", "The project cannot receive this payment now"

    def __init__(self, project_id: uuid.UUID, reasons: list[str], *, cap_fen: int, disbursed_fen: int) -> None:
        super().__init__(f"Project {project_id}: {', '.join(reasons)}.", reasons=reasons, cap_fen=cap_fen,
                         disbursed_fen=disbursed_fen)


class InstalmentRefused(Conflict):
    slug, title = "instalment-refused", "This instalment cannot be paid now"

    def __init__(self, reason: str, *, paid_stages: list[str], stage: str | None) -> None:
        super().__init__(f"Instalment refused: {reason}.", reason=reason, paid_stages=paid_stages, stage=stage)


class PayeeMismatch(Unprocessable):
    slug, title = "disbursement-payee-invalid", "The payee does not belong to this allocation"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)


class PaidOnInvalid(Unprocessable):
    slug, title = "paid-on-invalid", "The payment date is not valid"

    def __init__(self, reason: str) -> None:
        super().__init__(f"paid_on: {reason}.", errors=[{"pointer": "#/paid_on", "detail": reason}])
