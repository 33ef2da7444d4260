"""Events published by funds on ``fupin.funds.v1``.

Key = allocation id for ledger events (so an allocation's entries stay in order), project id for
project events, loan id for loans. Money is integer fen.

Summing money per division: an ``AllocationMade`` moves money down the tree (source → county →
town → village/project), so adding every allocation double-counts. Money *received* by a division
D is the sum of allocations whose ``division_code`` is inside D and whose ``parent_division_code``
is outside D (``parent_division_code`` is the source's division for top-level allocations).
Money *spent* is the sum of ``DisbursementMade.amount_fen`` (reversals are negative).
"""
from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar

from pydantic import BaseModel

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
    title: str | None = None
    received_on: date | None = None


class FundSourceAdjusted(_Funds):
    """A correction of a source's amount, as a signed entry (``amount_fen`` < 0 reduces it)."""

    aggregate: ClassVar[str] = "source"
    verb: ClassVar[str] = "adjusted"
    source_id: uuid.UUID
    adjustment_id: uuid.UUID
    level: str
    year: int
    division_code: str
    amount_fen: int
    new_total_fen: int
    reason: str
    document_no: str | None = None


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
    parent_division_code: str | None = None
    """Division the money came from (the parent allocation's, or the source's for a top-level one)."""
    division_level: str | None = None
    """``city`` | ``county`` | ``town`` | ``village`` of ``division_code``."""
    document_no: str | None = None
    source_category: str | None = None


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
    purpose: str | None = None
    stage: str | None = None
    source_id: uuid.UUID | None = None
    source_level: str | None = None


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
    title: str | None = None
    total_amount_fen: int | None = None
    public_seq: int | None = None
    """Position in the public feed (``/public/v1/disclosures?since=``)."""


class DisclosureDrafted(_Funds):
    """A notice was generated from the ledger as a draft (not public until published)."""

    aggregate: ClassVar[str] = "disclosure"
    verb: ClassVar[str] = "drafted"
    disclosure_id: uuid.UUID
    division_code: str
    year: int
    kind: str
    total_amount_fen: int
    project_ids: list[uuid.UUID] = []
    allocation_ids: list[uuid.UUID] = []


class DisclosureRuleChanged(_Funds):
    """A disclosure rule (held as data) was changed (key = the rule's kind)."""

    aggregate: ClassVar[str] = "disclosure_rule"
    verb: ClassVar[str] = "changed"
    kind: str
    division_level: str
    """The levels the rule governs, comma-separated (``city,county``); ``division_levels`` as a list."""
    public: bool
    min_notice_days: int
    gates_disbursement: bool
    division_levels: list[str] = []


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
    change: str | None = None
    """``created`` | ``amended`` | ``transitioned`` | ``beneficiaries`` | ``target_set`` | ``result_recorded``."""
    previous_status: str | None = None
    name: str | None = None
    category: str | None = None
    funded_fen: int | None = None
    disbursed_fen: int | None = None
    targets_total: int | None = None
    targets_met: int | None = None
    provincial_poor_village: bool | None = None


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
    change: str | None = None
    """``issued`` | ``repaid`` | ``extended`` | ``renewed`` | ``overdue``."""
    bank: str | None = None
    due_on: date | None = None
    amount_fen: int | None = None
    """Money moved by this change (a repayment's amount; the principal when issued)."""


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
    kind: str | None = None
    """``audit`` | ``spot_check`` | ``inspection`` | ``complaint``."""
    category: str | None = None
    amount_involved_fen: int | None = None


class AuditFindingClosed(_Funds):
    """An audit finding's rectification was accepted."""

    aggregate: ClassVar[str] = "audit_finding"
    verb: ClassVar[str] = "closed"
    finding_id: uuid.UUID
    division_code: str
    year: int
    closed_on: date
    rectification: str | None = None
    overdue: bool | None = None
    """Closed after its rectification deadline."""


class AssetShare(BaseModel):
    village_code: str
    share_bp: int
    """Basis points of the asset (10000 = all of it)."""


class AssetRecorded(_Funds):
    """An asset formed by a project (资产收益), e.g. a photovoltaic station or equity in a cooperative."""

    aggregate: ClassVar[str] = "asset"
    verb: ClassVar[str] = "recorded"
    asset_id: uuid.UUID
    project_id: uuid.UUID
    division_code: str
    kind: str
    value_fen: int
    year: int


class AssetSharesQuantified(_Funds):
    """The asset's shares were quantified to village collectives (折股量化)."""

    aggregate: ClassVar[str] = "asset"
    verb: ClassVar[str] = "shares_quantified"
    asset_id: uuid.UUID
    division_code: str
    shares: list[AssetShare]


class AssetIncomeDistributed(_Funds):
    """Income of an asset paid to a village's households: guaranteed part (保底收益) plus dividend (按股分红)."""

    aggregate: ClassVar[str] = "asset"
    verb: ClassVar[str] = "income_distributed"
    asset_id: uuid.UUID
    distribution_id: uuid.UUID
    village_code: str
    year: int
    period: str
    guaranteed_fen: int
    dividend_fen: int
    households: int
