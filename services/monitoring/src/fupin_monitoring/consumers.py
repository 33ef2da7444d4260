"""Projections: handlers applying other services' events to the read model (idempotently: the
consumer loop records each event id in the same transaction)."""
from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from fupin_monitoring.overview.models import HouseholdView, ViewState
from fupin_shared.app import ConsumerSpec
from fupin_shared.consuming import HandlerRegistry
from fupin_shared.contracts.registry import HouseholdRegistered, HouseholdUpdated
from fupin_shared.db import utc_now
from fupin_shared.events import Envelope

registry_events = HandlerRegistry()


async def _touch_state(session: AsyncSession, event: Envelope) -> None:
    state = await session.get(ViewState, "main")
    if state is None:
        session.add(ViewState(name="main", last_event_time=event.time, applied_at=utc_now(), events_applied=1))
    else:
        state.last_event_time = max(state.last_event_time, event.time)
        state.applied_at = utc_now()
        state.events_applied += 1


@registry_events.on(HouseholdRegistered.event_type(), HouseholdUpdated.event_type())
async def household_changed(session: AsyncSession, event: Envelope) -> None:
    data = event.data
    household_id = uuid.UUID(data["household_id"])
    view = await session.get(HouseholdView, household_id)
    if view is None:
        session.add(HouseholdView(household_id=household_id, village_code=data["village_code"],
                                  status=data["status"], persons=data["persons"], updated_at=event.time))
    elif event.time >= view.updated_at:
        view.village_code, view.status, view.persons = data["village_code"], data["status"], data["persons"]
        view.updated_at = event.time
    await _touch_state(session, event)


CONSUMERS = [ConsumerSpec(name="view", sources=["registry"], handlers=registry_events)]
