"""Folding registry events into the sampling frame's last states (pure)."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from fupin_assessment.inputs.frame_consumer import fold
from fupin_shared.contracts.base import Contract
from fupin_shared.contracts.registry import (HouseholdRegistered, HouseholdStatusChanged, MemberAdded, MemberLeft,
                                             MemberUpdated)
from fupin_shared.contracts.tasks import ReportOverdue
from fupin_shared.events import Envelope

T0 = datetime(2019, 6, 1, tzinfo=UTC)
H = uuid.UUID(int=1)
M = uuid.UUID(int=2)
BASE = {"household_id": H, "village_code": "441223101201", "persons": 3}


def env(event: Contract, n: int) -> Envelope:
    return Envelope(id=uuid.uuid4(), source="/fupin/x", type=event.event_type(), subject="s",
                    time=T0 + timedelta(seconds=n), data=event.model_dump(mode="json"))


def test_last_household_state_wins() -> None:
    households, members = fold([
        env(HouseholdRegistered(**BASE, status="identified"), 0),
        env(HouseholdStatusChanged(**BASE, status="pre-exit", from_status="identified", step="pre_exit"), 1)])
    assert households[H]["status"] == "pre-exit" and households[H]["at"] == T0 + timedelta(seconds=1)
    assert members == {}


def test_member_grade_is_kept_when_an_update_does_not_state_it() -> None:
    _, members = fold([env(MemberAdded(**BASE, status="identified", member_id=M, disability_grade=2), 0),
                       env(MemberUpdated(**BASE, status="identified", member_id=M, changed=["in_school"]), 1)])
    assert members[M]["disability_grade"] == 2 and members[M]["grade_known"] and members[M]["active"]


def test_member_update_alone_without_grade_keeps_the_stored_grade() -> None:
    _, members = fold([env(MemberUpdated(**BASE, status="identified", member_id=M, changed=["health"]), 0)])
    assert members[M]["grade_known"] is False


def test_member_grade_cleared_and_member_leaving() -> None:
    _, members = fold([env(MemberUpdated(**BASE, status="identified", member_id=M, changed=["disability_grade"]), 0)])
    assert members[M]["grade_known"] and members[M]["disability_grade"] is None
    _, members = fold([env(MemberLeft(**BASE, status="identified", member_id=M, reason="迁出"), 0)])
    assert members[M]["active"] is False


def test_other_events_are_ignored() -> None:
    assert fold([env(ReportOverdue(task_number=1, unit="市教育局", period="2019Q1", due_on=T0.date()), 0)]) == ({}, {})
