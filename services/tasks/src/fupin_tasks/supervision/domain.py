"""Rules of supervision findings (督查巡查、约谈、投诉; plan task 27): each has a rectification
deadline; the responsible unit submits evidence of rectification; the office closes the finding
(销号) or rejects the evidence. A finding is overdue once its deadline passes with neither
accepted closure nor evidence submitted in time and still standing."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from enum import StrEnum
from typing import Any

from fupin_tasks.supervision.errors import FindingTransitionRefused, InvalidFindingDates


class FindingKind(StrEnum):
    SUPERVISION = "supervision"
    INSPECTION = "inspection"
    INTERVIEW = "interview"
    COMPLAINT = "complaint"


class Severity(StrEnum):
    MINOR = "minor"
    MAJOR = "major"
    SERIOUS = "serious"


class FindingState(StrEnum):
    OPEN = "open"
    EVIDENCE_SUBMITTED = "evidence_submitted"
    CLOSED = "closed"


class FindingAction(StrEnum):
    SUBMIT_EVIDENCE = "evidence_submitted"
    REJECT_EVIDENCE = "evidence_rejected"
    CLOSE = "closed"


_TRANSITIONS = {
    (FindingState.OPEN, FindingAction.SUBMIT_EVIDENCE): FindingState.EVIDENCE_SUBMITTED,
    (FindingState.EVIDENCE_SUBMITTED, FindingAction.SUBMIT_EVIDENCE): FindingState.EVIDENCE_SUBMITTED,
    (FindingState.EVIDENCE_SUBMITTED, FindingAction.REJECT_EVIDENCE): FindingState.OPEN,
    (FindingState.EVIDENCE_SUBMITTED, FindingAction.CLOSE): FindingState.CLOSED,
}


def next_state(state: str, action: FindingAction) -> FindingState:
    """open → evidence_submitted → closed, or back to open when the evidence is rejected. A finding
    is closed only on evidence; closed is final."""
    try:
        return _TRANSITIONS[(FindingState(state), action)]
    except KeyError:
        raise FindingTransitionRefused(state, action.value) from None


def check_dates(*, found_on: date, rectify_by: date, year: int) -> None:
    errors = []
    if rectify_by < found_on:
        errors.append({"pointer": "#/rectify_by", "detail": "cannot be before found_on"})
    if found_on.year != year:
        errors.append({"pointer": "#/year", "detail": f"must be the year of found_on ({found_on.year})"})
    if errors:
        raise InvalidFindingDates(errors)


def check_on_or_after(day: date, not_before: date, pointer: str) -> None:
    if day < not_before:
        raise InvalidFindingDates([{"pointer": pointer, "detail": f"cannot be before {not_before}"}])


def rectification_overdue(*, rectify_by: date, today: date, closed_on: date | None,
                          evidence: Iterable[Mapping[str, Any]]) -> bool:
    """As of ``today``: the deadline (inclusive) has passed, the finding is not closed, and no
    evidence submitted by the deadline still stands (not rejected by today)."""
    if rectify_by >= today:
        return False
    if closed_on is not None and closed_on <= today:
        return False
    for item in evidence:
        submitted = date.fromisoformat(str(item["submitted_on"]))
        rejected = item.get("rejected_on")
        still_standing = rejected is None or date.fromisoformat(str(rejected)) > today
        if submitted <= rectify_by and submitted <= today and still_standing:
            return False
    return True
