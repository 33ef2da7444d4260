"""Micro-credit use cases (task 21): issue, repay, extend (展期), renew (无还本续贷), overdue detection."""
from __future__ import annotations

import logging
import uuid
from datetime import date

from sqlalchemy.exc import IntegrityError

from fupin_funds.common import today
from fupin_funds.db import FundsUow
from fupin_funds.loans import domain
from fupin_funds.loans.errors import HouseholdHasActiveLoan, LoanChangeRefused, LoanTermsInvalid
from fupin_funds.loans.models import Loan, LoanRepayment, LoanTermChange
from fupin_funds.loans.schemas import ExtensionCreate, LoanCreate, RenewalCreate, RepaymentCreate
from fupin_shared.auth.principal import Principal
from fupin_shared.contracts.funds import LoanChanged
from fupin_shared.db import uuid7
from fupin_shared.http.etag import require_version

log = logging.getLogger(__name__)


def _facts(loan: Loan) -> domain.LoanFacts:
    return domain.LoanFacts(status=loan.status, outstanding_fen=loan.outstanding_fen, issued_on=loan.issued_on,
                            due_on=loan.due_on, term_months=loan.term_months, extension_count=loan.extension_count,
                            renewal_count=loan.renewal_count)


def _record(uow: FundsUow, loan: Loan, change: str, *, actor: str, amount_fen: int | None) -> None:
    uow.record(LoanChanged(loan_id=loan.id, household_id=loan.household_id, division_code=loan.division_code,
                           status=loan.status, principal_fen=loan.principal_fen, outstanding_fen=loan.outstanding_fen,
                           year=loan.year, change=change, bank=loan.bank, due_on=loan.due_on, amount_fen=amount_fen),
               subject=loan.id, division=loan.division_code, actor=actor)


async def issue_loan(uow: FundsUow, request: LoanCreate, *, actor: Principal) -> Loan:
    """Record a micro-loan to a registered household in the caller's division: at most 50,000 yuan and
    36 months, one outstanding loan per household."""
    async with uow:
        loan = await _issue(uow, request, actor=actor)
        await uow.commit()
    return loan


async def _issue(uow: FundsUow, request: LoanCreate, *, actor: Principal) -> Loan:
    if errors := domain.issue_errors(principal_fen=request.principal_fen, term_months=request.term_months,
                                     annual_rate_bp=request.annual_rate_bp, subsidy_rate_bp=request.subsidy_rate_bp,
                                     issued_on=request.issued_on, today=today()):
        raise LoanTermsInvalid([str(e) for e in errors])
    await uow.serialise_writes()
    found = await uow.beneficiaries.require_eligible([request.household_id], division=actor.division)
    household = found[request.household_id]
    if (active := await uow.loans.active_of(request.household_id)) is not None:
        raise HouseholdHasActiveLoan(request.household_id, active.id)
    due = domain.add_months(request.issued_on, request.term_months)
    loan = Loan(id=uuid7(), household_id=request.household_id, division_code=household.village_code,
                bank=request.bank, contract_no=request.contract_no, purpose=request.purpose,
                principal_fen=request.principal_fen, outstanding_fen=request.principal_fen, issued_on=request.issued_on,
                term_months=request.term_months, original_due_on=due, due_on=due,
                annual_rate_bp=request.annual_rate_bp, subsidy_rate_bp=request.subsidy_rate_bp,
                status=domain.LoanStatus.CURRENT, active=True, extension_count=0, renewal_count=0,
                interest_paid_fen=0, interest_subsidy_fen=0, year=request.issued_on.year, created_by=actor.sub)
    uow.loans.add(loan)
    try:
        await uow.session.flush()
    except IntegrityError:
        # a concurrent request issued a loan to the same household first (unique index on active loans)
        raise HouseholdHasActiveLoan(request.household_id, None) from None
    _record(uow, loan, "issued", actor=actor.sub, amount_fen=loan.principal_fen)
    return loan


async def repay_loan(uow: FundsUow, loan_id: uuid.UUID, request: RepaymentCreate, *, actor: Principal) -> Loan:
    """Record a repayment: principal (never more than outstanding, also under concurrent requests) and
    interest, of which the budget's share (贴息) is computed from the subsidy rate."""
    async with uow:
        loan = await _repay(uow, loan_id, request, actor=actor)
        await uow.commit()
    return loan


async def _repay(uow: FundsUow, loan_id: uuid.UUID, request: RepaymentCreate, *, actor: Principal,
                 on: date | None = None) -> Loan:
    await uow.serialise_writes()
    loan = await uow.loans.get(loan_id, within=actor.division)
    if errors := domain.repayment_errors(_facts(loan), principal_fen=request.principal_fen, paid_on=request.paid_on,
                                         today=on or today()):
        raise LoanChangeRefused(loan.id, [str(e) for e in errors])
    subsidy = domain.interest_subsidy(request.interest_fen, annual_rate_bp=loan.annual_rate_bp,
                                      subsidy_rate_bp=loan.subsidy_rate_bp)
    if not await uow.loans.repay(loan.id, principal_fen=request.principal_fen, interest_fen=request.interest_fen,
                                 subsidy_fen=subsidy, paid_on=request.paid_on):
        raise LoanChangeRefused(loan.id, [str(domain.LoanError.MORE_THAN_OUTSTANDING)])
    uow.loans.add(LoanRepayment(id=uuid7(), loan_id=loan.id, principal_fen=request.principal_fen,
                                interest_fen=request.interest_fen, interest_subsidy_fen=subsidy,
                                paid_on=request.paid_on, created_by=actor.sub))
    loan = await uow.loans.get(loan.id, within=None)
    _record(uow, loan, "repaid", actor=actor.sub, amount_fen=request.principal_fen)
    return loan


async def extend_loan(uow: FundsUow, loan_id: uuid.UUID, request: ExtensionCreate, *, actor: Principal,
                      expected_version: int | None) -> Loan:
    """展期: move the due date once, by at most twelve months (If-Match required)."""
    async with uow:
        loan = await _extend(uow, loan_id, request, actor=actor, expected_version=expected_version)
        await uow.commit()
    return loan


async def _extend(uow: FundsUow, loan_id: uuid.UUID, request: ExtensionCreate, *, actor: Principal,
                  expected_version: int | None) -> Loan:
    await uow.serialise_writes()
    loan = await uow.loans.get(loan_id, within=actor.division)
    if expected_version is not None:
        require_version(loan.version, expected_version)
    if errors := domain.extension_errors(_facts(loan), new_due_on=request.new_due_on):
        raise LoanChangeRefused(loan.id, [str(e) for e in errors])
    uow.loans.add(LoanTermChange(id=uuid7(), loan_id=loan.id, kind="extension", previous_due_on=loan.due_on,
                                 new_due_on=request.new_due_on, reason=request.reason,
                                 decided_on=request.decided_on or today(), created_by=actor.sub))
    loan.due_on = request.new_due_on
    loan.extension_count += 1
    loan.status = domain.LoanStatus.EXTENDED
    _record(uow, loan, "extended", actor=actor.sub, amount_fen=None)
    return loan


async def renew_loan(uow: FundsUow, loan_id: uuid.UUID, request: RenewalCreate, *, actor: Principal,
                     expected_version: int | None) -> Loan:
    """无还本续贷: a current loan in its last month runs another term without repaying the principal."""
    async with uow:
        loan = await _renew(uow, loan_id, request, actor=actor, expected_version=expected_version)
        await uow.commit()
    return loan


async def _renew(uow: FundsUow, loan_id: uuid.UUID, request: RenewalCreate, *, actor: Principal,
                 expected_version: int | None) -> Loan:
    await uow.serialise_writes()
    loan = await uow.loans.get(loan_id, within=actor.division)
    if expected_version is not None:
        require_version(loan.version, expected_version)
    decided = request.decided_on or today()
    if errors := domain.renewal_errors(_facts(loan), on=decided):
        raise LoanChangeRefused(loan.id, [str(e) for e in errors])
    new_due = domain.renewed_due_on(_facts(loan))
    uow.loans.add(LoanTermChange(id=uuid7(), loan_id=loan.id, kind="renewal", previous_due_on=loan.due_on,
                                 new_due_on=new_due, reason=request.reason, decided_on=decided, created_by=actor.sub))
    loan.due_on = new_due
    loan.renewal_count += 1
    loan.status = domain.LoanStatus.RENEWED
    _record(uow, loan, "renewed", actor=actor.sub, amount_fen=None)
    return loan


async def mark_overdue(uow: FundsUow, *, on: date | None = None, batch: int = 500) -> int:
    """Mark open loans past their due date with principal outstanding as overdue (one event each)."""
    day = on or today()
    marked = 0
    while True:
        async with uow:
            await uow.serialise_writes()
            loans = await uow.loans.due_before(day, statuses=[domain.LoanStatus.CURRENT, domain.LoanStatus.EXTENDED,
                                                              domain.LoanStatus.RENEWED], limit=batch)
            for loan in loans:
                if domain.becomes_overdue(status=loan.status, due_on=loan.due_on, outstanding_fen=loan.outstanding_fen,
                                          today=day):
                    loan.status = domain.LoanStatus.OVERDUE
                    _record(uow, loan, "overdue", actor="system:overdue-scan", amount_fen=None)
                    marked += 1
            await uow.commit()
        if len(loans) < batch:
            break
    if marked:
        log.info("loans marked overdue: %d", marked)
    return marked
