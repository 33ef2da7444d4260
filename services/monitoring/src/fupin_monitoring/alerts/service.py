"""Alert use cases: apply rule intents (inside the projector's transaction or the periodic
scan), assign and resolve (HTTP). Every change is an ``AlertChanged`` event in the same
transaction, and moves the per-division alert counters."""
from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from fupin_monitoring.alerts import domain
from fupin_monitoring.alerts import repository as repo
from fupin_monitoring.alerts.domain import AlertRules, Clear, Intent, Raise
from fupin_monitoring.alerts.errors import AlertNotFound, AlertTransitionRefused
from fupin_monitoring.db import MonitoringUow, outbox_row, record_all
from fupin_monitoring.divisions import chain
from fupin_monitoring.workdays import WorkCalendar
from fupin_shared.auth.principal import Principal
from fupin_shared.contracts.monitoring import AlertChanged
from fupin_shared.db import utc_now, uuid7
from fupin_shared.http.etag import require_version

SYSTEM = "monitoring-rules"


def alert_event(row: dict[str, Any]) -> AlertChanged:
    return AlertChanged(alert_id=row["id"], kind=row["kind"], state=row["state"], division_code=row["division_code"],
                        due_on=row["due_on"], household_id=row["household_id"], assignee=row["assignee"],
                        raised_on=row["raised_on"], year=row["year"], member_id=row["member_id"], unit=row["unit"],
                        resolution=row["resolution"], subject_key=row["subject_key"])


def _count(counts: dict[tuple[str, str, str], int], row: dict[str, Any], state: str, value: int) -> None:
    for code in chain(row["division_code"]):
        counts[(code, row["kind"], state)] += value


async def apply_intents(session: AsyncSession, intents: list[Intent], *, rules: AlertRules,
                        calendar: WorkCalendar) -> list[dict[str, Any]]:
    """Raise what is not already open for its subject, clear what is; returns the changed alerts."""
    if not intents:
        return []
    active = await repo.active_by_subject(session, (i.subject_key for i in intents))
    changed: dict[uuid.UUID, dict[str, Any]] = {}
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    events: list[dict[str, Any]] = []
    now = utc_now()
    for intent in intents:
        if isinstance(intent, Raise):
            if intent.subject_key in active:
                continue
            row = {"id": uuid7(), "kind": str(intent.kind), "state": domain.AlertState.OPEN,
                   "subject_key": intent.subject_key, "division_code": intent.division_code, "year": intent.year,
                   "household_id": uuid.UUID(intent.household_id) if intent.household_id else None,
                   "member_id": uuid.UUID(intent.member_id) if intent.member_id else None, "unit": intent.unit,
                   "detail": intent.detail, "raised_on": intent.raised_on,
                   "due_on": rules.due_on(str(intent.kind), intent.raised_on, calendar), "assignee": None,
                   "resolution": None, "note": None, "version": 1, "created_at": now, "updated_at": now,
                   "resolved_at": None}
            active[intent.subject_key] = row
            _count(counts, row, row["state"], 1)
        elif isinstance(intent, Clear):
            row = active.pop(intent.subject_key, None)
            if row is None:
                continue
            _count(counts, row, row["state"], -1)
            row.update(state=domain.AlertState.RESOLVED, resolution=f"cleared: {intent.reason}"[:500],
                       resolved_at=now, updated_at=now, version=row["version"] + 1)
            _count(counts, row, row["state"], 1)
        else:  # pragma: no cover - the union is closed
            continue
        changed[row["id"]] = row
        events.append(dict(row))
    await repo.save(session, list(changed.values()))
    await repo.add_counts(session, counts)
    await record_all(session, [outbox_row(alert_event(row), subject=row["id"], division=row["division_code"],
                                          actor=SYSTEM) for row in events])
    return events


async def _transition(uow: MonitoringUow, alert_id: uuid.UUID, action: str, *, actor: Principal,
                      expected_version: int | None, **changes: Any) -> dict[str, Any]:
    async with uow:
        row = await uow.alerts.get(alert_id, within=actor.division)
        if row is None:
            raise AlertNotFound(alert_id)
        if expected_version is not None:
            require_version(row["version"], expected_version)
        try:
            state = domain.next_state(row["state"], action)
        except domain.TransitionRefused as exc:
            raise AlertTransitionRefused(alert_id, exc.state, action) from None
        counts: dict[tuple[str, str, str], int] = defaultdict(int)
        _count(counts, row, row["state"], -1)
        now = utc_now()
        row.update(state=state, updated_at=now, version=row["version"] + 1, **changes)
        if state == domain.AlertState.RESOLVED:
            row["resolved_at"] = now
        _count(counts, row, row["state"], 1)
        await repo.save(uow.session, [row])
        await repo.add_counts(uow.session, counts)
        uow.record(alert_event(row), subject=row["id"], division=row["division_code"], actor=actor.sub)
        await uow.commit()
    return row


async def assign_alert(uow: MonitoringUow, alert_id: uuid.UUID, *, assignee: str, note: str | None,
                       actor: Principal, expected_version: int | None) -> dict[str, Any]:
    """Give an open (or assigned) alert to the person who will handle it (核实处置)."""
    return await _transition(uow, alert_id, "assign", actor=actor, expected_version=expected_version,
                             assignee=assignee, note=note)


async def resolve_alert(uow: MonitoringUow, alert_id: uuid.UUID, *, resolution: str, note: str | None,
                        actor: Principal, expected_version: int | None) -> dict[str, Any]:
    """Close an alert with what was done; a resolved alert is final (a recurrence raises a new one)."""
    return await _transition(uow, alert_id, "resolve", actor=actor, expected_version=expected_version,
                             resolution=resolution, note=note)


def today_in_china() -> date:
    from fupin_monitoring.workdays import china_date

    return china_date(utc_now())
