"""Events published by funds on ``fupin.funds.v1``.

Key = allocation id for ledger events (so an allocation's entries stay in order), project id for
project events, loan id for loans. Money is integer fen.
"""
from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar

from fupin_shared.contracts.base import Contract


class _Funds(Contract):
    service: ClassVar[str] = "funds"


class FundSourceRegistered(_Funds):
    """A fund source (central / provincial / city / county) with its document and amount."""

    aggregate: ClassVar[str] = "source"
    verb: ClassVar[str] = "registered"
    source_id: uuid.UUID
    level: str
    category: str
    year: int
    amount_fen: int
    division_code: str
    document_no: str


class AllocationMade(_Funds):
    """An allocation entry of the ledger (a reversal has ``reversal_of`` and a negative amount)."""

    aggregate: ClassVar[str] = "allocation"
    verb: ClassVar[str] = "made"
    allocation_id: uuid.UUID
    source_id: uuid.UUID
    parent_allocation_id: uuid.UUID | None = None
    division_code: str
    project_id: uuid.UUID | None = None
    amount_fen: int
    year: int
    source_level: str
    reversal_of: uuid.UUID | None = None


class DisbursementMade(_Funds):
    """Money paid out of an allocation: to a project stage or a household's one-card account."""

    aggregate: ClassVar[str] = "allocation"
    verb: ClassVar[str] = "disbursed"
    disbursement_id: uuid.UUID
    allocation_id: uuid.UUID
    division_code: str
    amount_fen: int
    year: int
    paid_on: date
    project_id: uuid.UUID | None = None
    household_id: uuid.UUID | None = None
    reversal_of: uuid.UUID | None = None


class DisclosurePublished(_Funds):
    """A public notice (公告公示) of allocations or a village project arrangement was published."""

    aggregate: ClassVar[str] = "disclosure"
    verb: ClassVar[str] = "published"
    disclosure_id: uuid.UUID
    division_code: str
    year: int
    kind: str
    allocation_ids: list[uuid.UUID] = []
    project_ids: list[uuid.UUID] = []
    notice_starts_on: date
    notice_ends_on: date


class ProjectChanged(_Funds):
    """A project entered the library or moved in its lifecycle (储备 → 审批 → 实施 → 完工 → 验收)."""

    aggregate: ClassVar[str] = "project"
    verb: ClassVar[str] = "changed"
    project_id: uuid.UUID
    village_code: str
    status: str
    budget_fen: int
    year: int
    plan_task: int | None = None
    beneficiary_households: int = 0


class LoanChanged(_Funds):
    """A micro-credit loan (扶贫小额信贷) was issued, repaid, extended, renewed or became overdue."""

    aggregate: ClassVar[str] = "loan"
    verb: ClassVar[str] = "changed"
    loan_id: uuid.UUID
    household_id: uuid.UUID
    division_code: str
    status: str
    principal_fen: int
    outstanding_fen: int
    year: int


class AuditFindingRecorded(_Funds):
    """An audit or spot-check finding linked to an allocation or project, with its rectification deadline."""

    aggregate: ClassVar[str] = "audit_finding"
    verb: ClassVar[str] = "recorded"
    finding_id: uuid.UUID
    division_code: str
    year: int
    severity: str
    summary: str
    rectify_by: date
    allocation_id: uuid.UUID | None = None
    project_id: uuid.UUID | None = None


class AuditFindingClosed(_Funds):
    """An audit finding's rectification was accepted."""

    aggregate: ClassVar[str] = "audit_finding"
    verb: ClassVar[str] = "closed"
    finding_id: uuid.UUID
    division_code: str
    year: int
    closed_on: date
