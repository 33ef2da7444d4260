"""Request and response models of micro-credit."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Self

from pydantic import BaseModel, Field, StringConstraints

from fupin_funds.common import Fen, FenOrZero, LongText, Schema, ShortText
from fupin_funds.loans.models import Loan, LoanRepayment, LoanTermChange

RateBp = Annotated[int, Field(ge=0, le=5000, description="Annual rate in basis points (435 = 4.35%)")]


class LoanCreate(Schema):
    """A poverty micro-loan to a registered household (扶贫小额信贷)."""

    household_id: uuid.UUID
    bank: ShortText
    contract_no: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    purpose: ShortText
    principal_fen: Fen
    issued_on: date
    term_months: Annotated[int, Field(ge=1, le=120)]
    annual_rate_bp: RateBp = 435
    subsidy_rate_bp: RateBp = 435
    """The part of the rate the budget pays (贴息); the benchmark rate in full by default."""


class RepaymentCreate(Schema):
    principal_fen: FenOrZero
    interest_fen: FenOrZero = 0
    paid_on: date


class ExtensionCreate(Schema):
    """展期: for a borrower who cannot repay on time for reasons beyond their control (illness, disaster…)."""

    new_due_on: date
    reason: LongText
    decided_on: date | None = None


class RenewalCreate(Schema):
    """无还本续贷: the loan runs another term without the principal being repaid first."""

    reason: LongText
    decided_on: date | None = None


class RepaymentRead(BaseModel):
    id: uuid.UUID
    principal_fen: int
    interest_fen: int
    interest_subsidy_fen: int
    paid_on: date


class TermChangeRead(BaseModel):
    id: uuid.UUID
    kind: str
    previous_due_on: date
    new_due_on: date
    reason: str
    decided_on: date


class LoanRead(BaseModel):
    id: uuid.UUID
    household_id: uuid.UUID
    division_code: str
    bank: str
    contract_no: str
    purpose: str
    principal_fen: int
    outstanding_fen: int
    issued_on: date
    term_months: int
    original_due_on: date
    due_on: date
    annual_rate_bp: int
    subsidy_rate_bp: int
    status: str
    extension_count: int
    renewal_count: int
    interest_paid_fen: int
    interest_subsidy_fen: int
    repaid_on: date | None
    year: int
    repayments: list[RepaymentRead]
    term_changes: list[TermChangeRead]
    version: int
    created_at: datetime

    @classmethod
    def of(cls, loan: Loan, repayments: list[LoanRepayment] | None = None,
           changes: list[LoanTermChange] | None = None) -> Self:
        return cls(
            id=loan.id, household_id=loan.household_id, division_code=loan.division_code, bank=loan.bank,
            contract_no=loan.contract_no, purpose=loan.purpose, principal_fen=loan.principal_fen,
            outstanding_fen=loan.outstanding_fen, issued_on=loan.issued_on, term_months=loan.term_months,
            original_due_on=loan.original_due_on, due_on=loan.due_on, annual_rate_bp=loan.annual_rate_bp,
            subsidy_rate_bp=loan.subsidy_rate_bp, status=loan.status, extension_count=loan.extension_count,
            renewal_count=loan.renewal_count, interest_paid_fen=loan.interest_paid_fen,
            interest_subsidy_fen=loan.interest_subsidy_fen, repaid_on=loan.repaid_on, year=loan.year,
            repayments=[RepaymentRead(id=r.id, principal_fen=r.principal_fen, interest_fen=r.interest_fen,
                                      interest_subsidy_fen=r.interest_subsidy_fen, paid_on=r.paid_on)
                        for r in repayments or []],
            term_changes=[TermChangeRead(id=c.id, kind=c.kind, previous_due_on=c.previous_due_on,
                                         new_due_on=c.new_due_on, reason=c.reason, decided_on=c.decided_on)
                          for c in changes or []],
            version=loan.version, created_at=loan.created_at)


class LoanPage(BaseModel):
    items: list[LoanRead]
    next_cursor: str | None = None
