"""Re-matching of kept unmatched signals whose person is now in the registry
(:func:`fupin_registry.signals.service.rematch_signals`), two ways:

- event-driven: the ``signals`` consumer group reads the registry's own topic and re-matches after each
  batch that registered, added, amended or brought back members;
- a periodic sweep (every ``signal_sweep_seconds``, 5 minutes by default, and at start), so a re-match
  that failed after its member events (database away) is done at the next sweep, not lost."""
from __future__ import annotations

import asyncio
import logging
from typing import Any

from fupin_registry.signals import service
from fupin_shared.app import ConsumerSpec
from fupin_shared.consuming import HandlerRegistry
from fupin_shared.contracts.registry import HouseholdRegistered, HouseholdReturned, MemberAdded, MemberUpdated
from fupin_shared.events import Envelope
from fupin_shared.jobs import run_rounds

log = logging.getLogger("fupin.registry.signals")
MEMBER_EVENTS = {c.event_type() for c in (HouseholdRegistered, HouseholdReturned, MemberAdded, MemberUpdated)}


async def _rematch(runtime: Any, events: list[Envelope]) -> None:
    """After the batch committed. Matching is state-based: a round that fails (database away) leaves the
    signals unmatched, and the next batch with member events or the next sweep matches them."""
    if any(e.type in MEMBER_EVENTS for e in events):
        try:
            await service.rematch_signals(runtime.uow)
        except Exception:  # noqa: BLE001 - the consumer keeps consuming; the sweep catches up
            log.exception("re-matching signals failed; retried by the next member events or sweep")


REMATCH = ConsumerSpec(name="signals", sources=["registry"], handlers=HandlerRegistry(), on_applied=_rematch)


async def rematch_sweep(runtime: Any) -> None:
    """Background job: re-match the waiting signals at start and every ``signal_sweep_seconds`` (at once
    again while a sweep matched some); a failing sweep is logged and the next one tries again."""
    await run_rounds(lambda: service.rematch_signals(runtime.uow), asyncio.Event(), name="signal re-match sweep",
                     idle_seconds=runtime.settings.signal_sweep_seconds)
