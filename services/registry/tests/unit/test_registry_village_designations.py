"""Which provincial poor-village designations the registry publishes (pure rule)."""
from __future__ import annotations

from fupin_registry.divisions.domain import designation_changes

A, B, C = "441223101201", "441223101202", "441224102301"


def test_every_flagged_village_is_published_once_when_nothing_was() -> None:
    assert designation_changes({A: True, B: False, C: True}, {}) == [(A, True), (C, True)]


def test_nothing_is_published_when_the_recorded_flags_agree() -> None:
    assert designation_changes({A: True, B: False, C: True}, {A: True, C: True}) == []


def test_a_village_that_stops_being_poor_is_published_false_and_a_new_one_true() -> None:
    assert designation_changes({A: False, B: True, C: True}, {A: True, C: True}) == [(A, False), (B, True)]


def test_a_village_published_false_and_still_unflagged_needs_nothing() -> None:
    assert designation_changes({A: False}, {A: False}) == []
