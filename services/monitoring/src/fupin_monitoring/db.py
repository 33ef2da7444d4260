"""Monitoring metadata, infrastructure tables and unit of work."""
from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from fupin_shared.contracts.base import Contract
from fupin_shared.db import UnitOfWork, make_base, utc_now
from fupin_shared.outbox import define_infrastructure_tables

Base = make_base()
INFRA = define_infrastructure_tables(Base)
SOURCE = "/fupin/monitoring"


def record_in(session: AsyncSession, event: Contract, *, subject: uuid.UUID | str, division: str | None,
              actor: str | None) -> None:
    """Append ``event`` to the outbox in ``session``'s transaction: the projector raises alerts
    inside the consumer's transaction, where there is no unit of work (same row as ``uow.record``)."""
    session.add(INFRA.Outbox(event_id=uuid.uuid4(), type=event.event_type(), source=SOURCE, subject=str(subject),
                             division=division, actor=actor, traceparent=None,
                             data=event.model_dump(mode="json"), occurred_at=utc_now()))


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
