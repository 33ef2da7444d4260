"""Read copies of registry and funds events that feed the targets (idempotently: the consumer loop
records each event id in the same transaction). After applied batches the fed targets are
recomputed and TargetProgressed published for those that changed."""
from __future__ import annotations

import uuid
from typing import Any

from fupin_shared.app import ConsumerSpec, ServiceRuntime
from fupin_shared.consuming import HandlerRegistry
from fupin_shared.contracts import funds as F
from fupin_shared.contracts import registry as R
from fupin_shared.events import Envelope
from sqlalchemy import bindparam, event, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from fupin_tasks.jobs import refresh_requested
from fupin_tasks.targets.domain import household_flags, housing_safe
from fupin_tasks.targets.models import FedAllocation, FedHousehold, FedVillage

handlers = HandlerRegistry()

# household-level events carry the household's current status and persons; member, income and
# measure events change neither, so they are not read here (fewer writes on a 45 000-household import)
HOUSEHOLD_EVENTS = [R.HouseholdRegistered, R.HouseholdUpdated, R.HouseholdStatusChanged, R.HouseholdIdentified,
                    R.HouseholdExited, R.HouseholdReturned, R.HouseholdRemoved]


def _pending(session: AsyncSession) -> dict[uuid.UUID, dict[str, Any]]:
    """Household rows changed in this batch, written in two statements when the batch commits (one
    statement per event would make a 45 000-household import crawl)."""
    pending = session.info.get("fed_households")
    if pending is None:
        pending = session.info["fed_households"] = {}
        event.listen(session.sync_session, "before_commit", _write_pending, once=True)
    return pending


def _write_pending(sync_session: Session) -> None:
    pending = sync_session.info.pop("fed_households", None)
    if not pending:
        return
    dialect = sync_session.get_bind().dialect.name
    insert = (pg_insert if dialect == "postgresql" else sqlite_insert)(FedHousehold)
    base = ("village_code", "persons", "status", "identified", "exited", "removed", "updated_at")
    statement = insert.on_conflict_do_update(
        index_elements=[FedHousehold.household_id], set_={k: insert.excluded[k] for k in base},
        where=FedHousehold.updated_at <= insert.excluded.updated_at)
    sync_session.execute(statement, [{"household_id": hid, **{k: row[k] for k in base}} for hid, row in pending.items()])
    checks = [{"hid": hid, **row["guarantees"]} for hid, row in pending.items() if row.get("guarantees")]
    if checks:
        table = FedHousehold.__table__
        sync_session.execute(
            update(table).where(table.c.household_id == bindparam("hid"),
                                or_(table.c.guarantee_year.is_(None), table.c.guarantee_year <= bindparam("year")))
            .values(guarantee_year=bindparam("year"), housing_safe=bindparam("housing"),
                    water_safe=bindparam("water"), medical_insured=bindparam("medical"),
                    schooling_ok=bindparam("schooling")), checks)


def _stage_household(session: AsyncSession, event: Envelope) -> dict[str, Any]:
    """A household's events share its key, so they arrive in order; within a batch the latest state
    wins, and at commit the time guard keeps a replayed older event from overwriting a newer state."""
    data = event.data
    household_id = uuid.UUID(str(data["household_id"]))
    village, status = str(data["village_code"]), str(data.get("status", ""))
    if len(village) != 12 or len(status) > 32:
        raise ValueError(f"household {household_id}: village {village!r} or status {status!r} is malformed")
    identified, exited, removed = household_flags(status)
    pending = _pending(session)
    row = pending.get(household_id)
    if row is None or event.time >= row["updated_at"]:
        row = {**(row or {}), "village_code": village, "persons": int(data.get("persons") or 0), "status": status,
               "identified": identified, "exited": exited, "removed": removed, "updated_at": event.time}
        pending[household_id] = row
    return row


@handlers.on(*[c.event_type() for c in HOUSEHOLD_EVENTS])
async def household_changed(session: AsyncSession, event: Envelope) -> None:
    _stage_household(session, event)


@handlers.on(R.GuaranteesAssessed.event_type())
async def guarantees_assessed(session: AsyncSession, event: Envelope) -> None:
    row = _stage_household(session, event)
    data = event.data
    year = int(data["year"])
    if row.get("guarantees") is None or year >= row["guarantees"]["year"]:
        row["guarantees"] = {"year": year, "housing": housing_safe(data.get("housing_safety")),
                             "water": bool(data.get("drinking_water")), "medical": bool(data.get("basic_medical")),
                             "schooling": bool(data.get("compulsory_education"))}


async def _village(session: AsyncSession, code: str, provincial: bool, at: Any) -> FedVillage:
    row = await session.get(FedVillage, code)
    if row is None:
        row = FedVillage(village_code=code, provincial_poor_village=provincial, updated_at=at)
        session.add(row)
    return row


@handlers.on(R.VillageAssessed.event_type())
async def village_assessed(session: AsyncSession, event: Envelope) -> None:
    row = await _village(session, event.data["village_code"], bool(event.data.get("provincial_poor_village")),
                         event.time)
    row.provincial_poor_village = bool(event.data.get("provincial_poor_village"))


@handlers.on(R.VillageExited.event_type())
async def village_exited(session: AsyncSession, event: Envelope) -> None:
    provincial = bool(event.data.get("provincial_poor_village", True))
    row = await _village(session, event.data["village_code"], provincial, event.time)
    row.provincial_poor_village = row.provincial_poor_village or provincial
    year = int(event.data["year"])
    row.exited_year = year if row.exited_year is None else min(row.exited_year, year)
    row.updated_at = event.time


async def _allocation(session: AsyncSession, allocation_id: Any) -> FedAllocation:
    key = uuid.UUID(str(allocation_id))
    row = await session.get(FedAllocation, key)
    if row is None:
        row = FedAllocation(allocation_id=key, known=False, amount_fen=0, disbursed_fen=0, reversal=False,
                            disclosed=False)
        session.add(row)
    return row


@handlers.on(F.AllocationMade.event_type())
async def allocation_made(session: AsyncSession, event: Envelope) -> None:
    data = event.data
    row = await _allocation(session, data["allocation_id"])
    row.known, row.division_code, row.year = True, data["division_code"], int(data["year"])
    row.parent_division_code = data.get("parent_division_code")
    row.amount_fen, row.reversal = int(data["amount_fen"]), data.get("reversal_of") is not None


@handlers.on(F.DisbursementMade.event_type())
async def disbursement_made(session: AsyncSession, event: Envelope) -> None:
    row = await _allocation(session, event.data["allocation_id"])
    row.disbursed_fen = (row.disbursed_fen or 0) + int(event.data["amount_fen"])


@handlers.on(F.DisclosurePublished.event_type())
async def disclosure_published(session: AsyncSession, event: Envelope) -> None:
    for allocation_id in event.data.get("allocation_ids") or []:
        row = await _allocation(session, allocation_id)
        row.disclosed = True


async def refresh_after_batch(runtime: ServiceRuntime, events: list[Envelope]) -> None:
    """Ask for the fed targets to be recomputed (``jobs.targets_refresher`` does it, at most every
    ``target_refresh_seconds``, so a bulk import yields a few TargetProgressed, not one per batch)."""
    refresh_requested(runtime).set()


CONSUMERS = [ConsumerSpec(name="targets", sources=["registry", "funds"], handlers=handlers,
                          on_applied=refresh_after_batch)]
