"""Every SELECT on supervision findings; division scoping applied to every read."""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from fupin_shared.auth.principal import division_range
from fupin_shared.outbox import InfrastructureTables
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_tasks.supervision.errors import FindingNotFound
from fupin_tasks.supervision.models import Finding


class FindingRepository:
    def __init__(self, session: AsyncSession, infra: InfrastructureTables) -> None:
        self.session = session
        self.infra = infra

    def add(self, row: Finding) -> None:
        self.session.add(row)

    async def get(self, finding_id: uuid.UUID, *, within: str) -> Finding:
        low, high = division_range(within)
        row = await self.session.scalar(select(Finding).where(
            Finding.id == finding_id, Finding.division_code.between(low, high)))
        if row is None:
            raise FindingNotFound(finding_id)
        return row

    async def any(self) -> bool:
        return await self.session.scalar(select(Finding.id).limit(1)) is not None

    async def page(self, *, within: str, kind: str | None, state: str | None, unit: str | None,
                   task_number: int | None, year: int | None, due_before: date | None,
                   after: uuid.UUID | None, limit: int) -> list[Finding]:
        low, high = division_range(within)
        query = select(Finding).where(Finding.division_code.between(low, high))
        for column, value in ((Finding.kind, kind), (Finding.state, state), (Finding.unit, unit),
                              (Finding.task_number, task_number), (Finding.year, year)):
            if value is not None:
                query = query.where(column == value)
        if due_before is not None:
            query = query.where(Finding.rectify_by < due_before, Finding.state != "closed")
        if after is not None:
            query = query.where(Finding.id > after)
        return list((await self.session.scalars(query.order_by(Finding.id).limit(limit + 1))).all())

    async def unclosed_due_before(self, today: date, *, within: str | None = None) -> list[Finding]:
        """Findings past their deadline and not closed as of ``today`` (closed later counts as open then)."""
        query = select(Finding).where(Finding.rectify_by < today)
        if within is not None:
            query = query.where(Finding.division_code.between(*division_range(within)))
        rows = (await self.session.scalars(query.order_by(Finding.rectify_by, Finding.id))).all()
        return [f for f in rows if f.closed_on is None or f.closed_on > today]

    async def history(self, finding_id: uuid.UUID) -> list[Any]:
        Outbox = self.infra.Outbox
        return list((await self.session.scalars(
            select(Outbox).where(Outbox.subject == str(finding_id)).order_by(Outbox.id))).all())
