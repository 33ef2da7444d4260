"""Audit and spot-check findings: deadlines, closure, overdue."""
from datetime import date

from fupin_funds.audit import domain
from fupin_funds.audit.domain import FindingError


def test_deadline_not_before_the_finding_and_finding_not_in_the_future():
    assert domain.finding_errors(found_on=date(2019, 9, 1), rectify_by=date(2019, 9, 1), today=date(2020, 1, 1)) == []
    assert domain.finding_errors(found_on=date(2019, 9, 1), rectify_by=date(2019, 8, 31), today=date(2020, 1, 1)) == \
        [FindingError.DEADLINE_BEFORE_FINDING]
    assert domain.finding_errors(found_on=date(2020, 1, 2), rectify_by=date(2020, 3, 1), today=date(2020, 1, 1)) == \
        [FindingError.FOUND_IN_FUTURE]


def test_closure_once_dated_between_finding_and_today():
    ok = dict(found_on=date(2019, 9, 1), today=date(2020, 1, 1))
    assert domain.closure_errors(status="open", closed_on=date(2019, 10, 1), **ok) == []
    assert domain.closure_errors(status="closed", closed_on=date(2019, 10, 1), **ok) == [FindingError.ALREADY_CLOSED]
    assert domain.closure_errors(status="open", closed_on=date(2019, 8, 1), **ok) == [FindingError.CLOSED_BEFORE_FOUND]
    assert domain.closure_errors(status="open", closed_on=date(2020, 1, 2), **ok) == [FindingError.CLOSED_IN_FUTURE]


def test_overdue_and_late_closure():
    assert domain.overdue(status="open", rectify_by=date(2019, 12, 31), today=date(2020, 1, 1))
    assert not domain.overdue(status="open", rectify_by=date(2020, 1, 1), today=date(2020, 1, 1))
    assert not domain.overdue(status="closed", rectify_by=date(2019, 12, 31), today=date(2020, 1, 1))
    assert domain.closed_late(rectify_by=date(2019, 12, 31), closed_on=date(2020, 1, 1))
    assert not domain.closed_late(rectify_by=date(2019, 12, 31), closed_on=date(2019, 12, 31))
