"""Registry metadata, infrastructure tables and unit of work."""
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_shared.db import UnitOfWork, make_base
from fupin_shared.outbox import define_infrastructure_tables

Base = make_base()
INFRA = define_infrastructure_tables(Base)


class RegistryUow(UnitOfWork):
    infra = INFRA
    source = "/fupin/registry"

    def _open(self, session: AsyncSession) -> None:
        from fupin_registry.households.repository import HouseholdRepository

        self.households = HouseholdRepository(session, INFRA)
