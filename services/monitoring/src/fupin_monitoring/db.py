"""Monitoring metadata, infrastructure tables and unit of work."""
from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_shared.contracts.base import Contract
from fupin_shared.db import UnitOfWork, make_base, utc_now
from fupin_shared.outbox import define_infrastructure_tables

Base = make_base()
INFRA = define_infrastructure_tables(Base)
SOURCE = "/fupin/monitoring"


def outbox_row(event: Contract, *, subject: uuid.UUID | str, division: str | None, actor: str | None) -> dict:
    """The outbox row ``uow.record`` would add for ``event``."""
    return {"event_id": uuid.uuid4(), "type": event.event_type(), "source": SOURCE, "subject": str(subject),
            "division": division, "actor": actor, "traceparent": None, "data": event.model_dump(mode="json"),
            "occurred_at": utc_now()}


async def record_all(session: AsyncSession, rows: list[dict]) -> None:
    """Append events to the outbox in ``session``'s transaction, in order: the projector raises alerts
    inside the consumer's transaction, where there is no unit of work."""
    if rows:
        await session.execute(sa.insert(INFRA.Outbox.__table__), rows)


class MonitoringUow(UnitOfWork):
    infra = INFRA
    source = SOURCE

    def _open(self, session: AsyncSession) -> None:
        from fupin_monitoring.alerts.repository import AlertRepository
        from fupin_monitoring.overview.repository import OverviewRepository
        from fupin_monitoring.snapshots.repository import SnapshotRepository

        self.overview = OverviewRepository(session)
        self.alerts = AlertRepository(session)
        self.snapshots = SnapshotRepository(session)


def load_tables() -> None:
    """Import every module that defines tables, so the metadata is complete (Alembic, rebuild)."""
    import fupin_monitoring.alerts.tables  # noqa: F401
    import fupin_monitoring.snapshots.tables  # noqa: F401
    import fupin_monitoring.view.tables  # noqa: F401
