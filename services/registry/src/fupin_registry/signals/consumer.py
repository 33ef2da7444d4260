"""Event-driven re-matching: the ``signals`` consumer group reads the registry's own topic, and after each
batch that registered, added, amended or brought back members it matches the kept unmatched signals
whose person is now in the registry (:func:`fupin_registry.signals.service.rematch_signals`)."""
from __future__ import annotations

import logging
from typing import Any

from fupin_registry.signals import service
from fupin_shared.app import ConsumerSpec
from fupin_shared.consuming import HandlerRegistry
from fupin_shared.contracts.registry import HouseholdRegistered, HouseholdReturned, MemberAdded, MemberUpdated
from fupin_shared.events import Envelope

log = logging.getLogger("fupin.registry.signals")
MEMBER_EVENTS = {c.event_type() for c in (HouseholdRegistered, HouseholdReturned, MemberAdded, MemberUpdated)}


async def _rematch(runtime: Any, events: list[Envelope]) -> None:
    """After the batch committed. Matching is state-based: a round that fails (database away) leaves the
    signals unmatched, and the next batch with member events matches them all."""
    if any(e.type in MEMBER_EVENTS for e in events):
        try:
            await service.rematch_signals(runtime.uow)
        except Exception:  # noqa: BLE001 - the consumer keeps consuming; the next round catches up
            log.exception("re-matching signals failed; retried after the next member events")


REMATCH = ConsumerSpec(name="signals", sources=["registry"], handlers=HandlerRegistry(), on_applied=_rematch)
