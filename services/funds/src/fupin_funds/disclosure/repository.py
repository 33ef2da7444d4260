"""Every SELECT of the disclosure area, and the feed counter."""
from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_funds.counters import Counter
from fupin_funds.disclosure.domain import Posting
from fupin_funds.disclosure.errors import DisclosureNotFound, DisclosureRuleNotFound
from fupin_funds.disclosure.models import Disclosure, DisclosureItem, DisclosureRule
from fupin_funds.ledger.models import Disbursement, FundAllocation, FundSource
from fupin_shared.auth.principal import division_range

PUBLISHED = "published"


def _in(column: Any, division: str) -> Any:
    low, high = division_range(division)
    return column.between(low, high)


class DisclosureRepository:
    def __init__(self, session: AsyncSession, cache: dict[object, object] | None = None) -> None:
        self.session = session
        self.cache = cache if cache is not None else {}

    def add(self, row: Any) -> None:
        self.session.add(row)

    async def rules(self) -> list[DisclosureRule]:
        """The rules (read once per unit of work)."""
        if "rules" not in self.cache:
            self.cache["rules"] = list((await self.session.scalars(
                select(DisclosureRule).order_by(DisclosureRule.kind))).all())
        return self.cache["rules"]  # type: ignore[return-value]

    async def rule(self, kind: str) -> DisclosureRule:
        row = await self.session.get(DisclosureRule, kind)
        if row is None:
            raise DisclosureRuleNotFound(kind)
        return row

    async def postings_of(self, project_id: uuid.UUID, *, kinds: set[str]) -> list[Posting]:
        rows = await self.session.execute(
            select(Disclosure.kind, Disclosure.notice_starts_on, Disclosure.notice_ends_on)
            .join(DisclosureItem, DisclosureItem.disclosure_id == Disclosure.id)
            .where(DisclosureItem.project_id == project_id, Disclosure.status == PUBLISHED,
                   Disclosure.kind.in_(sorted(kinds))))
        return [Posting(kind, starts, ends) for kind, starts, ends in rows]

    async def get(self, disclosure_id: uuid.UUID, *, within: str | None) -> Disclosure:
        query = select(Disclosure).where(Disclosure.id == disclosure_id)
        if within is not None:
            query = query.where(_in(Disclosure.division_code, within))
        row = await self.session.scalar(query)
        if row is None:
            raise DisclosureNotFound(disclosure_id)
        return row

    async def get_published(self, disclosure_id: uuid.UUID) -> Disclosure:
        row = await self.session.scalar(select(Disclosure).where(Disclosure.id == disclosure_id,
                                                                 Disclosure.status == PUBLISHED))
        if row is None:
            raise DisclosureNotFound(disclosure_id)
        return row

    async def page(self, *, within: str, year: int | None, kind: str | None, status: str | None,
                   after: uuid.UUID | None, limit: int) -> list[Disclosure]:
        query = select(Disclosure).where(_in(Disclosure.division_code, within))
        if year is not None:
            query = query.where(Disclosure.year == year)
        if kind:
            query = query.where(Disclosure.kind == kind)
        if status:
            query = query.where(Disclosure.status == status)
        if after is not None:
            query = query.where(Disclosure.id > after)
        return list((await self.session.scalars(query.order_by(Disclosure.id).limit(limit + 1))).all())

    async def feed(self, *, division: str | None, year: int | None, kind: str | None, after_seq: int,
                   limit: int, newest_first: bool = False) -> list[Disclosure]:
        """Published notices in publication order (``public_seq``), for the public feed and page."""
        query = select(Disclosure).where(Disclosure.status == PUBLISHED)
        if division is not None:
            query = query.where(_in(Disclosure.division_code, division))
        if year is not None:
            query = query.where(Disclosure.year == year)
        if kind:
            query = query.where(Disclosure.kind == kind)
        if newest_first:
            query = query.order_by(Disclosure.public_seq.desc())
        else:
            query = query.where(Disclosure.public_seq > after_seq).order_by(Disclosure.public_seq)
        return list((await self.session.scalars(query.limit(limit + 1))).all())

    async def public_years(self) -> list[int]:
        return list((await self.session.scalars(select(Disclosure.year).where(Disclosure.status == PUBLISHED)
                                                .distinct().order_by(Disclosure.year.desc()))).all())

    async def next_public_seq(self) -> int:
        """Bump the feed counter; its row lock (held to commit) makes publication order = commit order, so a
        reader resuming ``since`` a position can never miss a notice committed later with a lower number."""
        result = await self.session.execute(
            update(Counter).where(Counter.name == "disclosure_feed").values(value=Counter.value + 1)
            .returning(Counter.value))
        return int(result.scalar_one())

    # --- what a notice posts, from the ledger -------------------------------------------------

    async def allocations_made_by(self, division: str, year: int, ids: list[uuid.UUID] | None
                                  ) -> list[tuple[FundAllocation, FundSource]]:
        """Allocations a division made (its own sources' top-level ones, or from its allocations)."""
        query = select(FundAllocation, FundSource).join(FundSource, FundSource.id == FundAllocation.source_id).where(
            FundAllocation.reversal_of.is_(None), FundAllocation.year == year, FundAllocation.net_amount_fen > 0)
        if ids is not None:
            query = query.where(FundAllocation.id.in_(ids))
        else:
            query = query.where(FundAllocation.parent_division_code == division)
        rows = await self.session.execute(query.order_by(FundAllocation.division_code, FundAllocation.id))
        return [(allocation, source) for allocation, source in rows]

    async def project_funding_by_level(self, project_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, int]]:
        """Money allocated to each project, by the level of the source it came from (reversals netted)."""
        out: dict[uuid.UUID, dict[str, int]] = {pid: {} for pid in project_ids}
        if not project_ids:
            return out
        rows = await self.session.execute(
            select(FundAllocation.project_id, FundSource.level, func.sum(FundAllocation.amount_fen))
            .join(FundSource, FundSource.id == FundAllocation.source_id)
            .where(FundAllocation.project_id.in_(project_ids))
            .group_by(FundAllocation.project_id, FundSource.level))
        for pid, level, total in rows:
            out[pid][level] = int(total or 0)
        return out

    async def project_payments_by_level(self, project_ids: list[uuid.UUID], year: int
                                        ) -> dict[uuid.UUID, dict[str, int]]:
        out: dict[uuid.UUID, dict[str, int]] = {pid: {} for pid in project_ids}
        if not project_ids:
            return out
        rows = await self.session.execute(
            select(Disbursement.project_id, FundSource.level, func.sum(Disbursement.amount_fen))
            .join(FundSource, FundSource.id == Disbursement.source_id)
            .where(Disbursement.project_id.in_(project_ids), Disbursement.year == year)
            .group_by(Disbursement.project_id, FundSource.level))
        for pid, level, total in rows:
            out[pid][level] = int(total or 0)
        return out
