"""Funds metadata, infrastructure tables and unit of work."""
from __future__ import annotations

from typing import Self

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_shared.db import UnitOfWork, make_base
from fupin_shared.outbox import define_infrastructure_tables

Base = make_base()
INFRA = define_infrastructure_tables(Base)


class FundsUow(UnitOfWork):
    infra = INFRA
    source = "/fupin/funds"

    _writing = False

    async def __aenter__(self) -> Self:
        self._writing = False
        self.cache: dict[object, object] = {}
        """Lookups of data that cannot change within the transaction's use (rules, a source's level)."""
        return await super().__aenter__()

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name

    async def serialise_writes(self) -> None:
        """Call first in every write use case. On SQLite it takes the database's write lock before
        the use case reads what it checks (one writer at a time, so check-then-write cannot race;
        the driver only begins a transaction at the first write). On PostgreSQL the use cases rely on
        row locks and guarded UPDATEs instead, and this does nothing."""
        if self._writing:
            return
        if self.dialect == "sqlite":
            await self.session.execute(text("UPDATE counter SET value = value + 1 WHERE name = 'sqlite_writer'"))
        self._writing = True

    async def commit(self) -> None:
        await super().commit()
        self._writing = False

    def _open(self, session: AsyncSession) -> None:
        from fupin_funds.assets.repository import AssetRepository
        from fupin_funds.audit.repository import FindingRepository
        from fupin_funds.beneficiaries.repository import BeneficiaryRepository
        from fupin_funds.disclosure.repository import DisclosureRepository
        from fupin_funds.history import HistoryRepository
        from fupin_funds.ledger.repository import LedgerRepository
        from fupin_funds.loans.repository import LoanRepository
        from fupin_funds.projects.repository import ProjectRepository

        self.ledger = LedgerRepository(session, self.cache)
        self.projects = ProjectRepository(session)
        self.disclosures = DisclosureRepository(session, self.cache)
        self.loans = LoanRepository(session)
        self.assets = AssetRepository(session)
        self.findings = FindingRepository(session)
        self.beneficiaries = BeneficiaryRepository(session, self.cache)
        self.history = HistoryRepository(session, INFRA)
