"""Pure rules of audit and spot-check findings (task 20: 跟踪审计, 专项抽查; task 27): each is linked to an
allocation or a project, carries a rectification deadline, and is closed once the rectification is accepted."""
from __future__ import annotations

from datetime import date
from enum import StrEnum


class FindingStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class FindingError(StrEnum):
    DEADLINE_BEFORE_FINDING = "rectify_by_before_found_on"
    FOUND_IN_FUTURE = "found_on_in_future"
    PROJECT_OUTSIDE_ALLOCATION = "project_outside_allocation_division"
    ALREADY_CLOSED = "already_closed"
    CLOSED_BEFORE_FOUND = "closed_on_before_found_on"
    CLOSED_IN_FUTURE = "closed_on_in_future"


def finding_errors(*, found_on: date, rectify_by: date, today: date) -> list[FindingError]:
    errors = []
    if rectify_by < found_on:
        errors.append(FindingError.DEADLINE_BEFORE_FINDING)
    if found_on > today:
        errors.append(FindingError.FOUND_IN_FUTURE)
    return errors


def closure_errors(*, status: str, found_on: date, closed_on: date, today: date) -> list[FindingError]:
    errors = []
    if status == FindingStatus.CLOSED:
        errors.append(FindingError.ALREADY_CLOSED)
    if closed_on < found_on:
        errors.append(FindingError.CLOSED_BEFORE_FOUND)
    if closed_on > today:
        errors.append(FindingError.CLOSED_IN_FUTURE)
    return errors


def overdue(*, status: str, rectify_by: date, today: date) -> bool:
    """Open past its rectification deadline."""
    return status == FindingStatus.OPEN and rectify_by < today


def closed_late(*, rectify_by: date, closed_on: date) -> bool:
    return closed_on > rectify_by
