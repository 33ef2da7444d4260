"""Every SELECT and guarded UPDATE of the ledger. Division scoping on every read.

The guarded UPDATEs are where "children never exceed their parent" and "disbursements never
exceed their allocation" hold under concurrency: ``UPDATE … SET allocated_fen = allocated_fen + :a
WHERE id = :id AND net_amount_fen - allocated_fen - disbursed_fen >= :a``. On PostgreSQL the UPDATE
takes the row lock and re-evaluates its condition on the newest committed row once a concurrent
writer commits, so of 50 requests racing for the last 100 yuan exactly those that fit match a
row; the others match none and are refused. On SQLite writers are serialised (one writer). The
CHECK constraint on the table is the backstop.
"""
from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, literal_column, not_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_funds.ledger.errors import AllocationNotFound, DisbursementNotFound, SourceNotFound
from fupin_funds.ledger.models import Disbursement, FundAllocation, FundSource, SourceAdjustment
from fupin_shared.auth.principal import division_range


def _available() -> Any:
    return FundAllocation.net_amount_fen - FundAllocation.allocated_fen - FundAllocation.disbursed_fen


def _in(column: Any, division: str) -> Any:
    low, high = division_range(division)
    return column.between(low, high)


class LedgerRepository:
    _source_facts: dict[uuid.UUID, tuple[str, str]] = {}
    """(level, category) per source id, for the whole process: both are fixed at registration."""

    def __init__(self, session: AsyncSession, cache: dict[object, object] | None = None) -> None:
        self.session = session
        self.cache = cache if cache is not None else {}

    def add(self, row: Any) -> None:
        self.session.add(row)

    # --- sources ----------------------------------------------------------------------------

    async def source(self, source_id: uuid.UUID, *, within: str | None) -> FundSource:
        query = select(FundSource).where(FundSource.id == source_id)
        if within is not None:
            query = query.where(_in(FundSource.division_code, within))
        row = await self.session.scalar(query.execution_options(populate_existing=True))
        if row is None:
            raise SourceNotFound(source_id)
        return row

    async def source_facts(self, source_id: uuid.UUID) -> tuple[str, str]:
        """(level, category) of a source — fixed at registration, so cached for the process."""
        facts = self._source_facts.get(source_id)
        if facts is None:
            row = (await self.session.execute(select(FundSource.level, FundSource.category).where(
                FundSource.id == source_id))).one_or_none()
            if row is None:
                raise SourceNotFound(source_id)
            facts = (row[0], row[1])
            if len(self._source_facts) > 50_000:
                self._source_facts.clear()
            self._source_facts[source_id] = facts
        return facts

    async def sources_page(self, *, within: str, year: int | None, level: str | None, category: str | None,
                           after: uuid.UUID | None, limit: int) -> list[FundSource]:
        query = select(FundSource).where(_in(FundSource.division_code, within))
        if year is not None:
            query = query.where(FundSource.year == year)
        if level:
            query = query.where(FundSource.level == level)
        if category:
            query = query.where(FundSource.category == category)
        if after is not None:
            query = query.where(FundSource.id > after)
        return list((await self.session.scalars(query.order_by(FundSource.id).limit(limit + 1))).all())

    async def source_adjustments(self, source_id: uuid.UUID) -> list[SourceAdjustment]:
        return list((await self.session.scalars(select(SourceAdjustment).where(
            SourceAdjustment.source_id == source_id).order_by(SourceAdjustment.id))).all())

    async def take_from_source(self, source_id: uuid.UUID, amount_fen: int) -> bool:
        result = await self.session.execute(
            update(FundSource).where(FundSource.id == source_id,
                                     FundSource.amount_fen - FundSource.allocated_fen >= amount_fen)
            .values(allocated_fen=FundSource.allocated_fen + amount_fen)
            .execution_options(synchronize_session=False))
        return result.rowcount == 1

    async def return_to_source(self, source_id: uuid.UUID, amount_fen: int) -> None:
        await self.session.execute(
            update(FundSource).where(FundSource.id == source_id)
            .values(allocated_fen=FundSource.allocated_fen - amount_fen)
            .execution_options(synchronize_session=False))

    async def adjust_source(self, source_id: uuid.UUID, delta_fen: int) -> bool:
        result = await self.session.execute(
            update(FundSource).where(FundSource.id == source_id,
                                     FundSource.amount_fen + delta_fen >= FundSource.allocated_fen)
            .values(amount_fen=FundSource.amount_fen + delta_fen)
            .execution_options(synchronize_session=False))
        return result.rowcount == 1

    # --- allocations -------------------------------------------------------------------------

    async def allocation(self, allocation_id: uuid.UUID, *, within: str | None) -> FundAllocation:
        query = select(FundAllocation).where(FundAllocation.id == allocation_id)
        if within is not None:
            query = query.where(_in(FundAllocation.division_code, within))
        row = await self.session.scalar(query.execution_options(populate_existing=True))
        if row is None:
            raise AllocationNotFound(allocation_id)
        return row

    async def allocations_page(self, *, within: str, year: int | None, source_id: uuid.UUID | None,
                               parent_id: uuid.UUID | None, project_id: uuid.UUID | None, top_level: bool | None,
                               include_reversals: bool, after: uuid.UUID | None, limit: int) -> list[FundAllocation]:
        query = select(FundAllocation).where(_in(FundAllocation.division_code, within))
        if year is not None:
            query = query.where(FundAllocation.year == year)
        if source_id is not None:
            query = query.where(FundAllocation.source_id == source_id)
        if parent_id is not None:
            query = query.where(FundAllocation.parent_allocation_id == parent_id)
        if project_id is not None:
            query = query.where(FundAllocation.project_id == project_id)
        if top_level is True:
            query = query.where(FundAllocation.parent_allocation_id.is_(None))
        if not include_reversals:
            query = query.where(FundAllocation.reversal_of.is_(None))
        if after is not None:
            query = query.where(FundAllocation.id > after)
        return list((await self.session.scalars(query.order_by(FundAllocation.id).limit(limit + 1))).all())

    async def allocations_by_ids(self, ids: list[uuid.UUID]) -> list[FundAllocation]:
        if not ids:
            return []
        return list((await self.session.scalars(select(FundAllocation).where(FundAllocation.id.in_(ids))
                                                .order_by(FundAllocation.id))).all())

    async def reversals_of(self, allocation_id: uuid.UUID) -> list[FundAllocation]:
        return list((await self.session.scalars(select(FundAllocation).where(
            FundAllocation.reversal_of == allocation_id).order_by(FundAllocation.id))).all())

    async def take_from_allocation(self, allocation_id: uuid.UUID, amount_fen: int, *, column: str) -> bool:
        """Add ``amount_fen`` to ``allocated_fen`` or ``disbursed_fen`` if it fits; False when it does not."""
        target = getattr(FundAllocation, column)
        result = await self.session.execute(
            update(FundAllocation).where(
                FundAllocation.id == allocation_id, FundAllocation.reversal_of.is_(None),
                _available() >= amount_fen)
            .values({column: target + amount_fen})
            .execution_options(synchronize_session=False))
        return result.rowcount == 1

    async def give_back_to_allocation(self, allocation_id: uuid.UUID, amount_fen: int, *, column: str) -> bool:
        target = getattr(FundAllocation, column)
        result = await self.session.execute(
            update(FundAllocation).where(FundAllocation.id == allocation_id, target >= amount_fen)
            .values({column: target - amount_fen})
            .execution_options(synchronize_session=False))
        return result.rowcount == 1

    async def shrink_allocation(self, allocation_id: uuid.UUID, amount_fen: int) -> bool:
        """Reduce a node's net amount by money it has neither passed on nor paid out."""
        result = await self.session.execute(
            update(FundAllocation).where(
                FundAllocation.id == allocation_id, FundAllocation.reversal_of.is_(None),
                _available() >= amount_fen)
            .values(net_amount_fen=FundAllocation.net_amount_fen - amount_fen)
            .execution_options(synchronize_session=False))
        return result.rowcount == 1

    async def subtree_disbursed(self, paths: list[str]) -> dict[str, int]:
        """Money paid out anywhere under each node (the node included), keyed by path."""
        out: dict[str, int] = {}
        for path in paths:
            total = await self.session.scalar(select(func.coalesce(func.sum(FundAllocation.disbursed_fen), 0)).where(
                FundAllocation.path.startswith(path, autoescape=True), FundAllocation.reversal_of.is_(None)))
            out[path] = int(total or 0)
        return out

    # --- disbursements -----------------------------------------------------------------------

    async def disbursement(self, disbursement_id: uuid.UUID, *, within: str | None) -> Disbursement:
        query = select(Disbursement).where(Disbursement.id == disbursement_id)
        if within is not None:
            query = query.where(_in(Disbursement.division_code, within))
        row = await self.session.scalar(query)
        if row is None:
            raise DisbursementNotFound(disbursement_id)
        return row

    async def reversal_of_disbursement(self, disbursement_id: uuid.UUID) -> Disbursement | None:
        return await self.session.scalar(select(Disbursement).where(Disbursement.reversal_of == disbursement_id))

    async def reversed_ids(self, ids: list[uuid.UUID]) -> set[uuid.UUID]:
        if not ids:
            return set()
        return set((await self.session.scalars(select(Disbursement.reversal_of).where(
            Disbursement.reversal_of.in_(ids)))).all())

    async def disbursements_page(self, *, within: str, year: int | None, allocation_id: uuid.UUID | None,
                                 project_id: uuid.UUID | None, household_id: uuid.UUID | None,
                                 purpose: str | None, after: uuid.UUID | None, limit: int) -> list[Disbursement]:
        query = select(Disbursement).where(_in(Disbursement.division_code, within))
        if year is not None:
            query = query.where(Disbursement.year == year)
        if allocation_id is not None:
            query = query.where(Disbursement.allocation_id == allocation_id)
        if project_id is not None:
            query = query.where(Disbursement.project_id == project_id)
        if household_id is not None:
            query = query.where(Disbursement.household_id == household_id)
        if purpose:
            query = query.where(Disbursement.purpose == purpose)
        if after is not None:
            query = query.where(Disbursement.id > after)
        return list((await self.session.scalars(query.order_by(Disbursement.id).limit(limit + 1))).all())

    async def paid_stages(self, household_id: uuid.UUID, purpose: str) -> list[str]:
        """Stages paid to a household for a purpose and not reversed."""
        reversed_ids = select(Disbursement.reversal_of).where(Disbursement.reversal_of.is_not(None)).scalar_subquery()
        rows = await self.session.scalars(select(Disbursement.stage).where(
            Disbursement.household_id == household_id, Disbursement.purpose == purpose,
            Disbursement.reversal_of.is_(None), Disbursement.stage.is_not(None),
            Disbursement.id.not_in(reversed_ids)).order_by(Disbursement.id))
        return [s for s in rows.all() if s is not None]

    async def project_disbursed_by_year(self, project_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
        if not project_ids:
            return {}
        rows = await self.session.execute(select(Disbursement.project_id, func.sum(Disbursement.amount_fen)).where(
            Disbursement.project_id.in_(project_ids)).group_by(Disbursement.project_id))
        return {pid: int(total) for pid, total in rows}

    # --- balances per division ---------------------------------------------------------------

    async def division_figures(self, division: str, year: int | None, *, group_length: int | None
                               ) -> dict[str, dict[str, int]]:
        """Money received, allocated onward and paid out in ``division`` (or in each of its children when
        ``group_length`` gives the code prefix length of the child level)."""
        low, high = division_range(division)

        def key(column: Any) -> Any:
            # literal lengths: PostgreSQL matches GROUP BY expressions textually, bound parameters differ
            return func.substr(column, literal_column("1"), literal_column(str(group_length or 0)))

        out: dict[str, dict[str, int]] = {}

        def slot(prefix: str) -> dict[str, int]:
            return out.setdefault(prefix, {"sources_fen": 0, "received_fen": 0, "disbursed_fen": 0})

        src = select(key(FundSource.division_code), func.sum(FundSource.amount_fen)).where(
            FundSource.division_code.between(low, high))
        if year is not None:
            src = src.where(FundSource.year == year)
        for prefix, total in await self.session.execute(src.group_by(key(FundSource.division_code))):
            slot(prefix)["sources_fen"] += int(total or 0)

        # money entering a group: the allocation lies in the group, the money came from outside it
        if group_length:
            entering = key(FundAllocation.parent_division_code) != key(FundAllocation.division_code)
        else:
            entering = not_(FundAllocation.parent_division_code.between(low, high))
        alloc = select(key(FundAllocation.division_code), func.sum(FundAllocation.amount_fen)).where(
            FundAllocation.division_code.between(low, high), entering)
        if year is not None:
            alloc = alloc.where(FundAllocation.year == year)
        for prefix, total in await self.session.execute(alloc.group_by(key(FundAllocation.division_code))):
            slot(prefix)["received_fen"] += int(total or 0)

        paid = select(key(Disbursement.division_code), func.sum(Disbursement.amount_fen)).where(
            Disbursement.division_code.between(low, high))
        if year is not None:
            paid = paid.where(Disbursement.year == year)
        for prefix, total in await self.session.execute(paid.group_by(key(Disbursement.division_code))):
            slot(prefix)["disbursed_fen"] += int(total or 0)
        return out

    # --- the ledger audit --------------------------------------------------------------------

    async def recomputed_sources(self, within: str) -> list[tuple[FundSource, int, int]]:
        """Each source with the sums of its top-level allocation entries and its adjustments."""
        top = select(FundAllocation.source_id, func.sum(FundAllocation.amount_fen).label("total")).where(
            FundAllocation.parent_allocation_id.is_(None)).group_by(FundAllocation.source_id).subquery()
        adj = select(SourceAdjustment.source_id, func.sum(SourceAdjustment.amount_fen).label("total")).group_by(
            SourceAdjustment.source_id).subquery()
        rows = await self.session.execute(
            select(FundSource, func.coalesce(top.c.total, 0), func.coalesce(adj.c.total, 0))
            .outerjoin(top, top.c.source_id == FundSource.id).outerjoin(adj, adj.c.source_id == FundSource.id)
            .where(_in(FundSource.division_code, within)))
        return [(source, int(allocated), int(adjusted)) for source, allocated, adjusted in rows]

    async def recomputed_allocations(self, within: str) -> list[tuple[FundAllocation, int, int, int]]:
        """Each node with: its reversals' sum, its child entries' sum, its disbursement entries' sum."""
        Child = FundAllocation.__table__.alias("child")
        rev = select(Child.c.reversal_of.label("node"), func.sum(Child.c.amount_fen).label("total")).where(
            Child.c.reversal_of.is_not(None)).group_by(Child.c.reversal_of).subquery()
        kids = select(Child.c.parent_allocation_id.label("node"), func.sum(Child.c.amount_fen).label("total")).where(
            Child.c.parent_allocation_id.is_not(None)).group_by(Child.c.parent_allocation_id).subquery()
        paid = select(Disbursement.allocation_id.label("node"), func.sum(Disbursement.amount_fen).label("total")
                      ).group_by(Disbursement.allocation_id).subquery()
        rows = await self.session.execute(
            select(FundAllocation, func.coalesce(rev.c.total, 0), func.coalesce(kids.c.total, 0),
                   func.coalesce(paid.c.total, 0))
            .outerjoin(rev, rev.c.node == FundAllocation.id).outerjoin(kids, kids.c.node == FundAllocation.id)
            .outerjoin(paid, paid.c.node == FundAllocation.id)
            .where(FundAllocation.reversal_of.is_(None), _in(FundAllocation.division_code, within)))
        return [(node, int(r), int(k), int(p)) for node, r, k, p in rows]

