"""``GET …/{id}/history``: the events of one aggregate, read from the outbox (oldest first)."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_shared.outbox import InfrastructureTables


class HistoryEntry(BaseModel):
    id: uuid.UUID
    type: str
    time: datetime
    sequence: int | None
    actor: str | None
    data: dict[str, Any]


class HistoryRepository:
    def __init__(self, session: AsyncSession, infra: InfrastructureTables) -> None:
        self.session = session
        self.infra = infra

    async def of(self, subject: uuid.UUID | str) -> list[HistoryEntry]:
        Outbox = self.infra.Outbox
        rows = (await self.session.scalars(
            select(Outbox).where(Outbox.subject == str(subject)).order_by(Outbox.id))).all()
        return [HistoryEntry(id=r.event_id, type=r.type, time=r.occurred_at, sequence=r.sequence,
                             actor=r.actor, data=r.data) for r in rows]
