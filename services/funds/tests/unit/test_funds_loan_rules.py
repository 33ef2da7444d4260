"""Micro-credit rules (task 21): limits, repayments, 展期, 无还本续贷, overdue."""
from datetime import date

from fupin_funds.loans import domain
from fupin_funds.loans.domain import LoanError, LoanFacts

TODAY = date(2020, 6, 1)
LOAN = LoanFacts(status="current", outstanding_fen=3_000_000, issued_on=date(2018, 3, 10), due_on=date(2021, 3, 10),
                 term_months=36, extension_count=0, renewal_count=0)


def test_add_months_clamps_to_the_month_end():
    assert domain.add_months(date(2019, 1, 31), 1) == date(2019, 2, 28)
    assert domain.add_months(date(2018, 3, 10), 36) == date(2021, 3, 10)
    assert domain.add_months(date(2019, 11, 30), 3) == date(2020, 2, 29)


def test_policy_limits_50000_yuan_36_months():
    ok = dict(principal_fen=5_000_000, term_months=36, annual_rate_bp=435, subsidy_rate_bp=435,
              issued_on=TODAY, today=TODAY)
    assert domain.issue_errors(**ok) == []
    assert domain.issue_errors(**ok | {"principal_fen": 5_000_001}) == [LoanError.PRINCIPAL_TOO_HIGH]
    assert domain.issue_errors(**ok | {"term_months": 37}) == [LoanError.TERM_TOO_LONG]
    assert domain.issue_errors(**ok | {"subsidy_rate_bp": 500}) == [LoanError.SUBSIDY_ABOVE_RATE]
    assert domain.issue_errors(**ok | {"issued_on": date(2020, 6, 2)}) == [LoanError.ISSUED_IN_FUTURE]


def test_repayment_never_more_than_outstanding_or_outside_the_loan():
    assert domain.repayment_errors(LOAN, principal_fen=3_000_000, paid_on=TODAY, today=TODAY) == []
    assert domain.repayment_errors(LOAN, principal_fen=3_000_001, paid_on=TODAY, today=TODAY) == \
        [LoanError.MORE_THAN_OUTSTANDING]
    assert LoanError.PAID_BEFORE_ISSUE in domain.repayment_errors(LOAN, principal_fen=1, paid_on=date(2018, 1, 1),
                                                                  today=TODAY)
    repaid = LoanFacts("repaid", 0, LOAN.issued_on, LOAN.due_on, 36, 0, 0)
    assert LoanError.CLOSED in domain.repayment_errors(repaid, principal_fen=0, paid_on=TODAY, today=TODAY)


def test_status_after_repayment_and_interest_subsidy():
    assert domain.status_after_repayment("overdue", 0) == "repaid"
    assert domain.status_after_repayment("overdue", 1) == "overdue"
    assert domain.interest_subsidy(10_000, annual_rate_bp=435, subsidy_rate_bp=435) == 10_000
    assert domain.interest_subsidy(10_000, annual_rate_bp=500, subsidy_rate_bp=250) == 5_000
    assert domain.interest_subsidy(10_000, annual_rate_bp=0, subsidy_rate_bp=0) == 0


def test_extension_once_later_at_most_twelve_months():
    assert domain.extension_errors(LOAN, new_due_on=date(2022, 3, 10)) == []
    assert domain.extension_errors(LOAN, new_due_on=date(2022, 3, 11)) == [LoanError.EXTENSION_TOO_LONG]
    assert domain.extension_errors(LOAN, new_due_on=date(2021, 3, 10)) == [LoanError.DUE_NOT_LATER]
    extended = LoanFacts("extended", 1, LOAN.issued_on, LOAN.due_on, 36, 1, 0)
    assert LoanError.ALREADY_EXTENDED in domain.extension_errors(extended, new_due_on=date(2021, 6, 1))


def test_renewal_in_good_standing_in_the_month_before_maturity_once():
    assert domain.renewal_errors(LOAN, on=date(2021, 2, 20)) == []
    assert domain.renewal_errors(LOAN, on=date(2021, 1, 1)) == [LoanError.RENEWAL_OUTSIDE_WINDOW]
    overdue = LoanFacts("overdue", 1, LOAN.issued_on, LOAN.due_on, 36, 0, 0)
    assert LoanError.RENEWAL_NEEDS_GOOD_STANDING in domain.renewal_errors(overdue, on=date(2021, 3, 1))
    renewed = LoanFacts("current", 1, LOAN.issued_on, LOAN.due_on, 36, 0, 1)
    assert LoanError.ALREADY_RENEWED in domain.renewal_errors(renewed, on=date(2021, 3, 1))
    assert domain.renewed_due_on(LOAN) == date(2024, 3, 10)


def test_overdue_when_past_due_with_principal_outstanding():
    assert domain.becomes_overdue(status="current", due_on=date(2020, 5, 31), outstanding_fen=1, today=TODAY)
    assert not domain.becomes_overdue(status="current", due_on=date(2020, 6, 1), outstanding_fen=1, today=TODAY)
    assert not domain.becomes_overdue(status="current", due_on=date(2020, 5, 1), outstanding_fen=0, today=TODAY)
    assert not domain.becomes_overdue(status="repaid", due_on=date(2020, 5, 1), outstanding_fen=1, today=TODAY)
    assert not domain.becomes_overdue(status="overdue", due_on=date(2020, 5, 1), outstanding_fen=1, today=TODAY)
