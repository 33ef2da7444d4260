"""Read copies kept from other services' events (applied idempotently: the consumer loop records
each event id in the same transaction):

- monitoring: ``YearSnapshotFrozen`` → ``snapshot`` (assessment scores from its own copy);
- tasks and funds: supervision and audit findings → ``finding`` (deductions);
- registry: household and member events → ``frame_household`` / ``frame_member`` (sampling frame),
  applied a batch at a time by :mod:`fupin_assessment.inputs.frame_consumer` (a background job).
"""
from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from fupin_assessment.inputs.repository import InputRepository
from fupin_shared.app import ConsumerSpec
from fupin_shared.consuming import HandlerRegistry
from fupin_shared.contracts.funds import AuditFindingClosed, AuditFindingRecorded
from fupin_shared.contracts.monitoring import YearSnapshotFrozen
from fupin_shared.contracts.tasks import (SupervisionFindingClosed, SupervisionFindingOverdue,
                                          SupervisionFindingRecorded)
from fupin_shared.db import utc_now
from fupin_shared.events import Envelope

snapshot_events = HandlerRegistry()
finding_events = HandlerRegistry()


@snapshot_events.on(YearSnapshotFrozen.event_type())
async def snapshot_frozen(session: AsyncSession, event: Envelope) -> None:
    snap = YearSnapshotFrozen.model_validate(event.data)
    await InputRepository(session).put_snapshot(
        snapshot_id=snap.snapshot_id, year=snap.year, frozen_at=snap.frozen_at, event_id=event.id,
        metrics={subject: dict(values) for subject, values in snap.metrics.items()}, received_at=utc_now())


@finding_events.on(SupervisionFindingRecorded.event_type())
async def supervision_finding(session: AsyncSession, event: Envelope) -> None:
    f = SupervisionFindingRecorded.model_validate(event.data)
    summary = f"{f.kind}" + (f"（任务{f.task_number}）" if f.task_number else "")
    await InputRepository(session).record_finding(
        finding_id=f.finding_id, origin="supervision", kind=f.kind, year=f.year, severity=f.severity,
        summary=str(event.data.get("summary") or summary), unit=f.unit, division_code=f.division_code,
        rectify_by=f.rectify_by, at=event.time)


@finding_events.on(AuditFindingRecorded.event_type())
async def audit_finding(session: AsyncSession, event: Envelope) -> None:
    f = AuditFindingRecorded.model_validate(event.data)
    await InputRepository(session).record_finding(
        finding_id=f.finding_id, origin="audit", kind=str(event.data.get("kind") or "audit"), year=f.year,
        severity=f.severity, summary=f.summary, unit=None, division_code=f.division_code, rectify_by=f.rectify_by,
        at=event.time)


@finding_events.on(SupervisionFindingClosed.event_type(), AuditFindingClosed.event_type())
async def finding_closed(session: AsyncSession, event: Envelope) -> None:
    await InputRepository(session).close_finding(uuid.UUID(event.data["finding_id"]),
                                                 closed_on=_date(event.data["closed_on"]), at=event.time)


@finding_events.on(SupervisionFindingOverdue.event_type())
async def finding_overdue(session: AsyncSession, event: Envelope) -> None:
    await InputRepository(session).mark_overdue(uuid.UUID(event.data["finding_id"]), at=event.time)


def _date(raw: str) -> date:
    return date.fromisoformat(str(raw)[:10])


CONSUMERS = [
    ConsumerSpec(name="snapshots", sources=["monitoring"], handlers=snapshot_events),
    ConsumerSpec(name="findings", sources=["tasks", "funds"], handlers=finding_events),
]
