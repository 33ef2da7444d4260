"""Read copies fed by the registry's events (``fupin.registry.v1``), applied idempotently by the consumer
loop (event id stored in the same transaction). The funds service never calls the registry."""
from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from fupin_funds.beneficiaries.models import BeneficiaryHousehold, VillageRecord
from fupin_shared.app import ConsumerSpec
from fupin_shared.consuming import HandlerRegistry
from fupin_shared.contracts import all_contracts
from fupin_shared.contracts.registry import VillageAssessed, VillageExited
from fupin_shared.events import Envelope

registry_events = HandlerRegistry()

HOUSEHOLD_FIELDS = {"household_id", "village_code", "status", "persons"}
HOUSEHOLD_EVENT_TYPES = sorted(
    event_type for event_type, contract in all_contracts().items()
    if contract.service == "registry" and HOUSEHOLD_FIELDS <= set(contract.model_fields))
"""Every registry event carrying a household's current village, status and persons (registered,
identified, status changed, exited, returned, removed, member and yearly-record events)."""


@registry_events.on(*HOUSEHOLD_EVENT_TYPES)
async def household_changed(session: AsyncSession, event: Envelope) -> None:
    data = event.data
    household_id = uuid.UUID(str(data["household_id"]))
    row = await session.get(BeneficiaryHousehold, household_id)
    if row is None:
        session.add(BeneficiaryHousehold(household_id=household_id, village_code=data["village_code"],
                                         status=data["status"], persons=int(data["persons"]), event_time=event.time,
                                         last_event_type=event.type))
    elif event.time >= row.event_time:
        # one household's events share a partition (key = household id) and arrive in order; the time check
        # keeps a replayed older event from undoing a newer state
        row.village_code, row.status, row.persons = data["village_code"], data["status"], int(data["persons"])
        row.event_time, row.last_event_type = event.time, event.type


@registry_events.on(VillageAssessed.event_type(), VillageExited.event_type())
async def village_changed(session: AsyncSession, event: Envelope) -> None:
    data = event.data
    row = await session.get(VillageRecord, data["village_code"])
    if row is None:
        row = VillageRecord(village_code=data["village_code"], provincial_poor_village=bool(
            data.get("provincial_poor_village", False)), last_year=None, exited_year=None, event_time=event.time)
        session.add(row)
    elif event.time < row.event_time:
        return
    row.provincial_poor_village = bool(data.get("provincial_poor_village", row.provincial_poor_village))
    row.event_time = event.time
    if event.type == VillageExited.event_type():
        row.exited_year = int(data["year"])
    else:
        row.last_year = max(int(data["year"]), row.last_year or 0)


CONSUMERS = [ConsumerSpec(name="registry-copy", sources=["registry"], handlers=registry_events)]
