"""Pure rules of poverty micro-credit (扶贫小额信贷, task 21).

National policy: up to 50,000 yuan, up to three years, no collateral, benchmark rate with the
interest subsidised by the fiscal budget; renewal without repaying the principal (无还本续贷) at
maturity for borrowers in good standing, and an extension (展期) for those who cannot repay on time
for reasons beyond their control. Limits are data here, not scattered constants.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

MAX_PRINCIPAL_FEN = 5_000_000
MAX_TERM_MONTHS = 36
MAX_EXTENSION_MONTHS = 12
RENEWAL_WINDOW_DAYS = 30
"""A renewal is arranged in the last month before maturity."""


class LoanStatus(StrEnum):
    CURRENT = "current"
    EXTENDED = "extended"
    RENEWED = "renewed"
    OVERDUE = "overdue"
    REPAID = "repaid"


OPEN = frozenset({LoanStatus.CURRENT, LoanStatus.EXTENDED, LoanStatus.RENEWED, LoanStatus.OVERDUE})


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` (rounded up)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months + (1 if end.day > start.day else 0)


class LoanError(StrEnum):
    PRINCIPAL_TOO_HIGH = "principal_above_limit"
    TERM_TOO_LONG = "term_above_limit"
    SUBSIDY_ABOVE_RATE = "subsidy_above_rate"
    ISSUED_IN_FUTURE = "issued_on_in_future"
    CLOSED = "loan_closed"
    MORE_THAN_OUTSTANDING = "more_than_outstanding"
    PAID_BEFORE_ISSUE = "paid_before_issue"
    PAID_IN_FUTURE = "paid_in_future"
    ALREADY_EXTENDED = "already_extended"
    EXTENSION_TOO_LONG = "extension_above_limit"
    DUE_NOT_LATER = "new_due_not_later"
    RENEWAL_NEEDS_GOOD_STANDING = "renewal_needs_current_status"
    ALREADY_RENEWED = "already_renewed"
    RENEWAL_OUTSIDE_WINDOW = "renewal_outside_maturity_window"


def issue_errors(*, principal_fen: int, term_months: int, annual_rate_bp: int, subsidy_rate_bp: int,
                 issued_on: date, today: date) -> list[LoanError]:
    errors = []
    if principal_fen > MAX_PRINCIPAL_FEN:
        errors.append(LoanError.PRINCIPAL_TOO_HIGH)
    if term_months > MAX_TERM_MONTHS:
        errors.append(LoanError.TERM_TOO_LONG)
    if subsidy_rate_bp > annual_rate_bp:
        errors.append(LoanError.SUBSIDY_ABOVE_RATE)
    if issued_on > today:
        errors.append(LoanError.ISSUED_IN_FUTURE)
    return errors


@dataclass(frozen=True, slots=True)
class LoanFacts:
    status: str
    outstanding_fen: int
    issued_on: date
    due_on: date
    term_months: int
    extension_count: int
    renewal_count: int


def repayment_errors(loan: LoanFacts, *, principal_fen: int, paid_on: date, today: date) -> list[LoanError]:
    errors = []
    if loan.status not in OPEN:
        errors.append(LoanError.CLOSED)
    if principal_fen > loan.outstanding_fen:
        errors.append(LoanError.MORE_THAN_OUTSTANDING)
    if paid_on < loan.issued_on:
        errors.append(LoanError.PAID_BEFORE_ISSUE)
    if paid_on > today:
        errors.append(LoanError.PAID_IN_FUTURE)
    return errors


def status_after_repayment(status: str, outstanding_after: int) -> str:
    return LoanStatus.REPAID if outstanding_after == 0 else status


def interest_subsidy(interest_fen: int, *, annual_rate_bp: int, subsidy_rate_bp: int) -> int:
    """The part of the interest the budget pays (贴息), rounded down to the fen."""
    if annual_rate_bp <= 0:
        return 0
    return interest_fen * subsidy_rate_bp // annual_rate_bp


def extension_errors(loan: LoanFacts, *, new_due_on: date) -> list[LoanError]:
    """展期: once, to a later date, at most twelve months beyond the current due date."""
    errors = []
    if loan.status not in OPEN:
        errors.append(LoanError.CLOSED)
    if loan.extension_count > 0:
        errors.append(LoanError.ALREADY_EXTENDED)
    if new_due_on <= loan.due_on:
        errors.append(LoanError.DUE_NOT_LATER)
    elif new_due_on > add_months(loan.due_on, MAX_EXTENSION_MONTHS):
        errors.append(LoanError.EXTENSION_TOO_LONG)
    return errors


def renewal_errors(loan: LoanFacts, *, on: date) -> list[LoanError]:
    """无还本续贷: once, for a loan in good standing (current, never overdue), arranged in the month before it
    falls due; the new term is the original term."""
    errors = []
    if loan.status != LoanStatus.CURRENT:
        errors.append(LoanError.RENEWAL_NEEDS_GOOD_STANDING)
    if loan.renewal_count > 0:
        errors.append(LoanError.ALREADY_RENEWED)
    if not (loan.due_on - timedelta(days=RENEWAL_WINDOW_DAYS) <= on <= loan.due_on):
        errors.append(LoanError.RENEWAL_OUTSIDE_WINDOW)
    return errors


def renewed_due_on(loan: LoanFacts) -> date:
    return add_months(loan.due_on, min(loan.term_months, MAX_TERM_MONTHS))


def becomes_overdue(*, status: str, due_on: date, outstanding_fen: int, today: date) -> bool:
    return status in OPEN and status != LoanStatus.OVERDUE and outstanding_fen > 0 and due_on < today
