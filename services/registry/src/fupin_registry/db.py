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
        from fupin_registry.divisions.repository import DivisionRepository
        from fupin_registry.households.repository import HouseholdRepository, MemberRepository
        from fupin_registry.imports.repository import ImportRepository
        from fupin_registry.lines.repository import PovertyLineRepository
        from fupin_registry.records.repository import RecordRepository
        from fupin_registry.villages.repository import VillageRepository

        self.divisions = DivisionRepository(session)
        self.villages = VillageRepository(session)
        self.lines = PovertyLineRepository(session)
        self.households = HouseholdRepository(session, INFRA)
        self.members = MemberRepository(session)
        self.records = RecordRepository(session)
        self.imports = ImportRepository(session)
