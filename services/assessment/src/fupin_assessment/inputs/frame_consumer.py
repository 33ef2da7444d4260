"""The sampling frame's consumer: registry household and member events applied a batch at a time.

The registry publishes hundreds of thousands of events when a county imports its households; one
upsert per event kept a SQLite write lock for seconds per batch. This consumer keeps the spine's
guarantees (event ids claimed in ``processed_event`` in the same transaction, offsets committed
after) but folds a batch into the last state of each household and member and writes them with a
few multi-row upserts."""
from __future__ import annotations

import logging
import uuid
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_assessment.db import INFRA
from fupin_assessment.inputs.repository import InputRepository
from fupin_shared.consuming import Consumer, HandlerRegistry
from fupin_shared.contracts import registry as reg
from fupin_shared.events import Envelope

log = logging.getLogger(__name__)

HOUSEHOLD_EVENTS = (reg.HouseholdRegistered, reg.HouseholdUpdated, reg.HouseholdStatusChanged,
                    reg.HouseholdIdentified, reg.HouseholdExited, reg.HouseholdReturned, reg.HouseholdRemoved,
                    reg.IncomeRecorded, reg.GuaranteesAssessed, reg.MeasureRecorded)
MEMBER_EVENTS = (reg.MemberAdded, reg.MemberUpdated, reg.MemberLeft)
HOUSEHOLD_TYPES = frozenset(c.event_type() for c in HOUSEHOLD_EVENTS)
MEMBER_TYPES = frozenset(c.event_type() for c in MEMBER_EVENTS)


def fold(events: list[Envelope]) -> tuple[dict[uuid.UUID, dict[str, Any]], dict[uuid.UUID, dict[str, Any]]]:
    """The last state of each household and member in a batch (events of one household arrive in
    order: they share a partition). A member event that does not state the disability grade keeps
    the grade known before (``grade_known`` False)."""
    households: dict[uuid.UUID, dict[str, Any]] = {}
    members: dict[uuid.UUID, dict[str, Any]] = {}
    for event in events:
        if event.type not in HOUSEHOLD_TYPES and event.type not in MEMBER_TYPES:
            continue
        data = event.data
        household_id = uuid.UUID(data["household_id"])
        households[household_id] = {"household_id": household_id, "village_code": data["village_code"],
                                    "status": data["status"], "persons": int(data["persons"]), "at": event.time}
        if event.type in MEMBER_TYPES:
            member_id = uuid.UUID(data["member_id"])
            grade = data.get("disability_grade")
            changed = {c.lower() for c in data.get("changed") or ()}
            states_grade = (event.type == reg.MemberAdded.event_type() or grade is not None
                            or bool(changed & {"disability", "disability_grade"}))
            previous = members.get(member_id)
            row = {"member_id": member_id, "household_id": household_id,
                   "active": event.type != reg.MemberLeft.event_type(), "at": event.time,
                   "disability_grade": int(grade) if grade is not None else None, "grade_known": states_grade}
            if not states_grade and previous is not None and previous["grade_known"]:
                row["disability_grade"], row["grade_known"] = previous["disability_grade"], True
            members[member_id] = row
    return households, members


async def apply_frame(session: AsyncSession, events: list[Envelope]) -> None:
    households, members = fold(events)
    repo = InputRepository(session)
    await repo.upsert_households(list(households.values()))
    await repo.upsert_members([m for m in members.values() if m["grade_known"]], keep_grade=False)
    await repo.upsert_members([m for m in members.values() if not m["grade_known"]], keep_grade=True)


class FrameConsumer(Consumer):
    """A spine consumer whose batch is applied by :func:`apply_frame` (one transaction, ids claimed first)."""

    async def _apply_all(self, session: AsyncSession, events: list[Envelope], *, isolate: bool) -> list[Envelope]:
        claimed = await self._claim(session, events)
        fresh: list[Envelope] = []
        for event in events:
            if event.id in claimed:
                claimed.discard(event.id)
                fresh.append(event)
        if not isolate:
            await apply_frame(session, fresh)
            return fresh
        try:
            async with session.begin_nested():
                await apply_frame(session, fresh)
        except Exception as exc:  # noqa: BLE001 - recorded like the spine records a poison event
            log.exception("consumer %s: frame events failed", self.group)
            for event in fresh:
                await session.execute(update(INFRA.ProcessedEvent).where(
                    INFRA.ProcessedEvent.consumer_group == self.group,
                    INFRA.ProcessedEvent.event_id == event.id).values(error=repr(exc)[:2000]))
            return []
        return fresh


def frame_handlers() -> HandlerRegistry:
    """The types the frame consumer applies (for documentation and AsyncAPI readers)."""
    registry = HandlerRegistry()

    async def apply_one(session: AsyncSession, event: Envelope) -> None:
        await apply_frame(session, [event])

    registry.on(*sorted(HOUSEHOLD_TYPES | MEMBER_TYPES))(apply_one)
    return registry


async def run_frame_consumer(runtime: Any) -> None:
    """Background job: the frame consumer of ``fupin.registry.v1`` (group ``…assessment.frame``)."""
    settings = runtime.settings
    try:
        await runtime.transport.ensure_topics([settings.topic("registry")], partitions=settings.topic_partitions)
    except Exception:  # noqa: BLE001 - the consumer waits for the broker like the spine's
        log.warning("could not ensure the registry topic; consuming anyway")
    consumer = FrameConsumer(group=settings.group("frame"), topics=[settings.topic("registry")],
                             transport=runtime.transport, engine=runtime.engine,
                             processed_model=INFRA.ProcessedEvent, handlers=frame_handlers(),
                             batch_size=settings.relay_batch_size)
    runtime.consumers.append(consumer)
    await consumer.run()

