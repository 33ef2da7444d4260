"""Every SELECT of audit findings; division scoping on every read."""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_funds.audit.errors import FindingNotFound
from fupin_funds.audit.models import AuditFinding
from fupin_shared.auth.principal import division_range


class FindingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: Any) -> None:
        self.session.add(row)

    async def get(self, finding_id: uuid.UUID, *, within: str | None) -> AuditFinding:
        query = select(AuditFinding).where(AuditFinding.id == finding_id)
        if within is not None:
            low, high = division_range(within)
            query = query.where(AuditFinding.division_code.between(low, high))
        row = await self.session.scalar(query)
        if row is None:
            raise FindingNotFound(finding_id)
        return row

    async def page(self, *, within: str, year: int | None, status: str | None, overdue_on: date | None,
                   allocation_id: uuid.UUID | None, project_id: uuid.UUID | None, after: uuid.UUID | None,
                   limit: int) -> list[AuditFinding]:
        low, high = division_range(within)
        query = select(AuditFinding).where(AuditFinding.division_code.between(low, high))
        if year is not None:
            query = query.where(AuditFinding.year == year)
        if status:
            query = query.where(AuditFinding.status == status)
        if overdue_on is not None:
            query = query.where(AuditFinding.status == "open", AuditFinding.rectify_by < overdue_on)
        if allocation_id is not None:
            query = query.where(AuditFinding.allocation_id == allocation_id)
        if project_id is not None:
            query = query.where(AuditFinding.project_id == project_id)
        if after is not None:
            query = query.where(AuditFinding.id > after)
        return list((await self.session.scalars(query.order_by(AuditFinding.id).limit(limit + 1))).all())
