"""Reads and idempotent upserts of the read copies (snapshots, findings, sampling frame).

The consumer handlers write through these functions inside the consumer's transaction; upserts
are single statements (``INSERT … ON CONFLICT``) so a large registry backlog applies quickly, and
an older event never overwrites a newer one."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_assessment.assessments.domain import Finding as FindingFact
from fupin_assessment.assessments.domain import SnapshotView
from fupin_assessment.catalogue import county_of, subject_index
from fupin_assessment.inputs.models import FrameHousehold, FrameMember, Finding, Snapshot
from fupin_assessment.sampling.domain import FrameHousehold as FrameFact
from fupin_assessment.sampling.domain import normalise_status
from fupin_shared.auth.principal import division_prefix, division_range


def _insert(session: AsyncSession, table: Any) -> Any:
    return (pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert)(table)


def snapshot_view(row: Snapshot) -> SnapshotView:
    return SnapshotView(snapshot_id=str(row.snapshot_id), year=row.year, frozen_at=row.frozen_at, metrics=row.metrics)


def finding_fact(row: Finding) -> FindingFact:
    subjects: list[str] = []
    index = subject_index()
    if row.unit and row.unit in index:
        subjects.append(row.unit)
    county = county_of(row.division_code)
    if county is not None:
        subjects.append(county)
    return FindingFact(finding_id=str(row.finding_id), origin=row.origin, kind=row.kind, severity=row.severity,
                       year=row.year, subjects=tuple(subjects), closed=row.closed_on is not None,
                       overdue=row.overdue, summary=row.summary, rectify_by=row.rectify_by, closed_on=row.closed_on)


class InputRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- snapshots ---------------------------------------------------------------------------
    async def latest_snapshot(self, year: int) -> Snapshot | None:
        return await self.session.scalar(select(Snapshot).where(Snapshot.year == year)
                                         .order_by(Snapshot.frozen_at.desc(), Snapshot.received_at.desc()).limit(1))

    async def snapshot(self, snapshot_id: uuid.UUID) -> Snapshot | None:
        return await self.session.get(Snapshot, snapshot_id)

    async def snapshots(self, *, year: int | None, after: tuple[int, str] | None, limit: int) -> list[Snapshot]:
        query = select(Snapshot)
        if year is not None:
            query = query.where(Snapshot.year == year)
        rows = list((await self.session.scalars(query.order_by(Snapshot.year, Snapshot.snapshot_id))).all())
        if after is not None:
            rows = [r for r in rows if (r.year, str(r.snapshot_id)) > after]
        return rows[:limit + 1]

    async def put_snapshot(self, *, snapshot_id: uuid.UUID, year: int, frozen_at: datetime, event_id: uuid.UUID,
                           metrics: dict[str, dict[str, float]], received_at: datetime) -> None:
        """A snapshot is immutable: a redelivered or repeated one changes nothing."""
        stmt = _insert(self.session, Snapshot).values(
            snapshot_id=snapshot_id, year=year, frozen_at=frozen_at, received_at=received_at, event_id=event_id,
            subjects=len(metrics), metrics=metrics).on_conflict_do_nothing(index_elements=["snapshot_id"])
        await self.session.execute(stmt)

    # --- findings ----------------------------------------------------------------------------
    async def findings(self, year: int) -> list[FindingFact]:
        rows = (await self.session.scalars(select(Finding).where(Finding.year == year))).all()
        return [finding_fact(r) for r in rows]

    async def finding_rows(self, *, year: int | None, within: str, after: uuid.UUID | None,
                           limit: int) -> list[Finding]:
        query = select(Finding)
        if year is not None:
            query = query.where(Finding.year == year)
        if len(division_prefix(within)) > 4:
            # below the city only findings located in the caller's subtree; unit findings stay city-level
            low, high = division_range(within)
            query = query.where(Finding.division_code.between(low, high))
        if after is not None:
            query = query.where(Finding.finding_id > after)
        return list((await self.session.scalars(query.order_by(Finding.finding_id).limit(limit + 1))).all())

    async def record_finding(self, *, finding_id: uuid.UUID, origin: str, kind: str, year: int, severity: str,
                             summary: str, unit: str | None, division_code: str | None, rectify_by: date | None,
                             at: datetime) -> None:
        values = dict(finding_id=finding_id, origin=origin, kind=kind, year=year, severity=severity, summary=summary,
                      unit=unit, division_code=division_code, rectify_by=rectify_by, overdue=False, updated_at=at)
        stmt = _insert(self.session, Finding).values(**values)
        stmt = stmt.on_conflict_do_update(index_elements=["finding_id"], set_={
            "kind": stmt.excluded.kind, "year": stmt.excluded.year, "severity": stmt.excluded.severity,
            "summary": stmt.excluded.summary, "unit": stmt.excluded.unit,
            "division_code": stmt.excluded.division_code, "rectify_by": stmt.excluded.rectify_by})
        await self.session.execute(stmt)

    async def close_finding(self, finding_id: uuid.UUID, *, closed_on: date, at: datetime) -> bool:
        row = await self.session.get(Finding, finding_id)
        if row is None:
            return False
        row.closed_on, row.updated_at = closed_on, at
        return True

    async def mark_overdue(self, finding_id: uuid.UUID, *, at: datetime) -> bool:
        row = await self.session.get(Finding, finding_id)
        if row is None:
            return False
        if row.closed_on is None:
            row.overdue, row.updated_at = True, at
        return True

    # --- sampling frame ----------------------------------------------------------------------
    async def upsert_households(self, rows: list[dict[str, Any]]) -> None:
        """Households' last states (``household_id, village_code, status, persons, at``); an older
        state never overwrites a newer one. One cached statement, executed for many rows."""
        if not rows:
            return
        stmt = _insert(self.session, FrameHousehold)
        stmt = stmt.on_conflict_do_update(
            index_elements=["household_id"],
            set_={"village_code": stmt.excluded.village_code, "status": stmt.excluded.status,
                  "persons": stmt.excluded.persons, "updated_at": stmt.excluded.updated_at},
            where=FrameHousehold.updated_at <= stmt.excluded.updated_at)
        await self.session.execute(stmt, [
            {"household_id": r["household_id"], "village_code": r["village_code"],
             "status": normalise_status(r["status"]), "persons": r["persons"], "updated_at": r["at"]} for r in rows])

    async def upsert_members(self, rows: list[dict[str, Any]], *, keep_grade: bool) -> None:
        """Members' last states; ``keep_grade``: these events did not state the disability grade."""
        if not rows:
            return
        stmt = _insert(self.session, FrameMember)
        changes: dict[str, Any] = {"household_id": stmt.excluded.household_id, "active": stmt.excluded.active,
                                   "updated_at": stmt.excluded.updated_at}
        if not keep_grade:
            changes["disability_grade"] = stmt.excluded.disability_grade
        stmt = stmt.on_conflict_do_update(index_elements=["member_id"], set_=changes,
                                          where=FrameMember.updated_at <= stmt.excluded.updated_at)
        await self.session.execute(stmt, [
            {"member_id": r["member_id"], "household_id": r["household_id"], "disability_grade": r["disability_grade"],
             "active": r["active"], "updated_at": r["at"]} for r in rows])

    async def frame(self, *, within: str, statuses: set[str] | None = None) -> list[FrameFact]:
        """Households of the division (optionally of some statuses), each with whether an active
        member has a disability grade."""
        low, high = division_range(within)
        disabled = exists().where(FrameMember.household_id == FrameHousehold.household_id,
                                  FrameMember.active.is_(True), FrameMember.disability_grade > 0)
        query = select(FrameHousehold.household_id, FrameHousehold.village_code, FrameHousehold.status,
                       FrameHousehold.persons, disabled.label("has_disabled")).where(
            FrameHousehold.village_code.between(low, high))
        if statuses:
            query = query.where(FrameHousehold.status.in_(sorted(normalise_status(s) for s in statuses)))
        rows = await self.session.execute(query)
        return [FrameFact(str(r.household_id), r.village_code, r.status, int(r.persons), bool(r.has_disabled))
                for r in rows]

    async def frame_statuses(self) -> dict[str, int]:
        rows = await self.session.execute(select(FrameHousehold.status, func.count()).group_by(FrameHousehold.status))
        return {status: int(n) for status, n in rows}
