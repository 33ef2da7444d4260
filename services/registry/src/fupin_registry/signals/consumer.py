"""Event-driven re-matching: the ``signals`` consumer group reads the registry's own topic, and after each
batch that registered, added, amended or brought back members it matches the kept unmatched signals
whose person is now in the registry (:func:`fupin_registry.signals.service.rematch_signals`)."""
from __future__ import annotations

from typing import Any

from fupin_registry.signals import service
from fupin_shared.app import ConsumerSpec
from fupin_shared.consuming import HandlerRegistry
from fupin_shared.contracts.registry import HouseholdRegistered, HouseholdReturned, MemberAdded, MemberUpdated
from fupin_shared.events import Envelope

MEMBER_EVENTS = {c.event_type() for c in (HouseholdRegistered, HouseholdReturned, MemberAdded, MemberUpdated)}


async def _rematch(runtime: Any, events: list[Envelope]) -> None:
    if any(e.type in MEMBER_EVENTS for e in events):
        await service.rematch_signals(runtime.uow)


REMATCH = ConsumerSpec(name="signals", sources=["registry"], handlers=HandlerRegistry(), on_applied=_rematch)
