"""Request and response models of the ledger."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Self

from pydantic import BaseModel, Field, StringConstraints, model_validator

from fupin_funds.codes import SourceCategory, SourceLevel
from fupin_funds.common import DivisionCode, DocumentNo, Fen, LongText, Schema, ShortText, Year
from fupin_funds.divisions import level_of
from fupin_funds.ledger.domain import Balance, Purpose, spending_rate
from fupin_funds.ledger.models import Disbursement, FundAllocation, FundSource
from fupin_shared.auth import mask_account
from fupin_shared.auth.principal import Principal

AccountNo = Annotated[str, StringConstraints(pattern=r"^\d{10,30}$")]


class SourceCreate(Schema):
    level: SourceLevel
    category: SourceCategory
    year: Year
    division_code: DivisionCode
    """Whose money it is: the city (441200000000) for central, provincial and city funds, a county for
    county funds or for funds a higher level sends straight to a county."""
    document_no: DocumentNo
    title: ShortText | None = None
    amount_fen: Fen
    received_on: date | None = None


class SourceAdjustmentCreate(Schema):
    amount_fen: Annotated[int, Field(ge=-(10**14), le=10**14, strict=True,
                                     description="Signed correction in fen (≠ 0)")]
    reason: LongText
    document_no: DocumentNo | None = None

    @model_validator(mode="after")
    def _nonzero(self) -> Self:
        if self.amount_fen == 0:
            raise ValueError("amount_fen must not be 0")
        return self


class SourceRead(BaseModel):
    id: uuid.UUID
    level: str
    category: str
    year: int
    division_code: str
    document_no: str
    title: str | None
    registered_fen: int
    amount_fen: int
    allocated_fen: int
    available_fen: int
    received_on: date | None
    created_at: datetime

    @classmethod
    def of(cls, s: FundSource) -> Self:
        return cls(id=s.id, level=s.level, category=s.category, year=s.year, division_code=s.division_code,
                   document_no=s.document_no, title=s.title, registered_fen=s.registered_fen, amount_fen=s.amount_fen,
                   allocated_fen=s.allocated_fen, available_fen=s.amount_fen - s.allocated_fen,
                   received_on=s.received_on, created_at=s.created_at)


class SourcePage(BaseModel):
    items: list[SourceRead]
    next_cursor: str | None = None


class AllocationCreate(Schema):
    """Give money from a source (top level) or from a parent allocation to a division or a project."""

    source_id: uuid.UUID | None = None
    parent_allocation_id: uuid.UUID | None = None
    division_code: DivisionCode
    project_id: uuid.UUID | None = None
    recipient: ShortText | None = None
    """Who receives the money as the document names it (default: the county's name, or the project's unit)."""
    amount_fen: Fen
    year: Year
    document_no: DocumentNo
    note: LongText | None = None

    @model_validator(mode="after")
    def _one_parent(self) -> Self:
        if (self.source_id is None) == (self.parent_allocation_id is None):
            raise ValueError("give exactly one of source_id or parent_allocation_id")
        return self


class AllocationReversalCreate(Schema):
    """Return money to the parent: a reversal entry (negative); the original entry is never edited."""

    amount_fen: Fen | None = None
    """Default: everything the allocation has neither passed on nor paid out."""
    reason: LongText
    document_no: DocumentNo | None = None


class AllocationRead(BaseModel):
    id: uuid.UUID
    kind: str
    source_id: uuid.UUID
    parent_allocation_id: uuid.UUID | None
    reversal_of: uuid.UUID | None
    division_code: str
    division_level: str
    parent_division_code: str
    project_id: uuid.UUID | None
    recipient: str | None
    year: int
    document_no: str | None
    note: str | None
    amount_fen: int
    net_amount_fen: int
    allocated_fen: int
    disbursed_fen: int
    available_fen: int
    subtree_disbursed_fen: int
    spending_rate: float | None
    """Money paid out anywhere under this allocation / its net amount."""
    created_at: datetime
    created_by: str

    @classmethod
    def of(cls, a: FundAllocation, subtree_disbursed_fen: int | None = None) -> Self:
        balance = Balance(a.net_amount_fen, a.allocated_fen, a.disbursed_fen)
        subtree = a.disbursed_fen if subtree_disbursed_fen is None else subtree_disbursed_fen
        return cls(id=a.id, kind="reversal" if a.is_reversal else "allocation", source_id=a.source_id,
                   parent_allocation_id=a.parent_allocation_id, reversal_of=a.reversal_of,
                   division_code=a.division_code, division_level=level_of(a.division_code),
                   parent_division_code=a.parent_division_code, project_id=a.project_id, recipient=a.recipient,
                   year=a.year,
                   document_no=a.document_no, note=a.note, amount_fen=a.amount_fen, net_amount_fen=a.net_amount_fen,
                   allocated_fen=a.allocated_fen, disbursed_fen=a.disbursed_fen,
                   available_fen=0 if a.is_reversal else balance.available_fen, subtree_disbursed_fen=subtree,
                   spending_rate=None if a.is_reversal else spending_rate(subtree, a.net_amount_fen),
                   created_at=a.created_at, created_by=a.created_by)


class AllocationPage(BaseModel):
    items: list[AllocationRead]
    next_cursor: str | None = None


class DisbursementCreate(Schema):
    """Pay out of an allocation: a stage of a project, or an instalment into a household's one-card account."""

    allocation_id: uuid.UUID
    project_id: uuid.UUID | None = None
    household_id: uuid.UUID | None = None
    purpose: Purpose | None = None
    """``project`` for project payments (the default with a project); a subsidy kind for households."""
    amount_fen: Fen
    paid_on: date
    progress_pct: Annotated[int | None, Field(ge=0, le=100)] = None
    """Verified construction progress the project payment is made against."""
    stage: Annotated[str | None, StringConstraints(min_length=1, max_length=40)] = None
    """Household instalment stage (housing renovation: start → main_structure → completion)."""
    account_no: AccountNo | None = None
    payee: ShortText | None = None
    voucher_no: Annotated[str | None, StringConstraints(min_length=1, max_length=80)] = None
    note: LongText | None = None

    @model_validator(mode="after")
    def _one_payee(self) -> Self:
        if self.project_id is not None and self.household_id is not None:
            raise ValueError("pay either a project or a household, not both")
        if self.household_id is not None:
            if self.purpose in (None, Purpose.PROJECT):
                raise ValueError("a household payment needs a subsidy purpose")
            if self.account_no is None:
                raise ValueError("a household payment goes to its one-card (一卡通) account: give account_no")
        elif self.purpose not in (None, Purpose.PROJECT):
            raise ValueError("a subsidy purpose needs household_id")
        return self


class DisbursementReversalCreate(Schema):
    reason: LongText
    on: date | None = None


class DisbursementRead(BaseModel):
    id: uuid.UUID
    kind: str
    allocation_id: uuid.UUID
    source_id: uuid.UUID
    reversal_of: uuid.UUID | None
    reversed: bool
    division_code: str
    project_id: uuid.UUID | None
    household_id: uuid.UUID | None
    purpose: str
    stage: str | None
    progress_pct: int | None
    amount_fen: int
    paid_on: date
    year: int
    account_no: str | None
    payee: str | None
    voucher_no: str | None
    note: str | None
    created_at: datetime

    @classmethod
    def for_viewer(cls, d: Disbursement, viewer: Principal, *, reversed_: bool = False) -> Self:
        """The one-card account is masked unless the viewer holds pii:read."""
        account = d.account_no if viewer.may_read_pii else mask_account(d.account_no)
        return cls(id=d.id, kind="reversal" if d.reversal_of else "payment", allocation_id=d.allocation_id,
                   source_id=d.source_id, reversal_of=d.reversal_of, reversed=reversed_,
                   division_code=d.division_code, project_id=d.project_id, household_id=d.household_id,
                   purpose=d.purpose, stage=d.stage, progress_pct=d.progress_pct, amount_fen=d.amount_fen,
                   paid_on=d.paid_on, year=d.year, account_no=account, payee=d.payee, voucher_no=d.voucher_no,
                   note=d.note, created_at=d.created_at)


class DisbursementPage(BaseModel):
    items: list[DisbursementRead]
    next_cursor: str | None = None


class DivisionFigures(BaseModel):
    division_code: str
    division_name: str | None
    sources_fen: int
    """Sources registered to this division."""
    received_fen: int
    """Allocations that came into this division from above it."""
    disbursed_fen: int
    balance_fen: int
    """sources + received − disbursed: money held somewhere in this division, not yet paid out."""
    spending_rate: float | None


class DivisionBalance(DivisionFigures):
    year: int | None
    children: list[DivisionFigures]


class LedgerCheck(BaseModel):
    balanced: bool
    nodes_checked: int
    discrepancies: list[dict]
