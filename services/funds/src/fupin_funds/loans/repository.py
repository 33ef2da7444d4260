"""Every SELECT and guarded UPDATE of micro-credit; division scoping on every read."""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import case, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_funds.loans.domain import LoanStatus
from fupin_funds.loans.errors import LoanNotFound
from fupin_funds.loans.models import Loan, LoanRepayment, LoanTermChange
from fupin_shared.auth.principal import division_range


class LoanRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: Any) -> None:
        self.session.add(row)

    async def get(self, loan_id: uuid.UUID, *, within: str | None) -> Loan:
        query = select(Loan).where(Loan.id == loan_id)
        if within is not None:
            low, high = division_range(within)
            query = query.where(Loan.division_code.between(low, high))
        row = await self.session.scalar(query.execution_options(populate_existing=True))
        if row is None:
            raise LoanNotFound(loan_id)
        return row

    async def active_of(self, household_id: uuid.UUID) -> Loan | None:
        return await self.session.scalar(select(Loan).where(Loan.household_id == household_id, Loan.active.is_(True)))

    async def page(self, *, within: str, status: str | None, household_id: uuid.UUID | None, year: int | None,
                   after: uuid.UUID | None, limit: int) -> list[Loan]:
        low, high = division_range(within)
        query = select(Loan).where(Loan.division_code.between(low, high))
        if status:
            query = query.where(Loan.status == status)
        if household_id is not None:
            query = query.where(Loan.household_id == household_id)
        if year is not None:
            query = query.where(Loan.year == year)
        if after is not None:
            query = query.where(Loan.id > after)
        return list((await self.session.scalars(query.order_by(Loan.id).limit(limit + 1))).all())

    async def repayments(self, loan_id: uuid.UUID) -> list[LoanRepayment]:
        return list((await self.session.scalars(select(LoanRepayment).where(LoanRepayment.loan_id == loan_id)
                                                .order_by(LoanRepayment.id))).all())

    async def term_changes(self, loan_id: uuid.UUID) -> list[LoanTermChange]:
        return list((await self.session.scalars(select(LoanTermChange).where(LoanTermChange.loan_id == loan_id)
                                                .order_by(LoanTermChange.id))).all())

    async def repay(self, loan_id: uuid.UUID, *, principal_fen: int, interest_fen: int, subsidy_fen: int,
                    paid_on: date) -> bool:
        """Reduce the outstanding principal if it covers the repayment (guarded: concurrent repayments never
        take it below zero); the loan closes when it reaches zero."""
        remaining = Loan.outstanding_fen - principal_fen
        result = await self.session.execute(
            update(Loan).where(Loan.id == loan_id, Loan.outstanding_fen >= principal_fen,
                               Loan.status != LoanStatus.REPAID)
            .values(outstanding_fen=remaining, interest_paid_fen=Loan.interest_paid_fen + interest_fen,
                    interest_subsidy_fen=Loan.interest_subsidy_fen + subsidy_fen, version=Loan.version + 1,
                    status=case((remaining == 0, LoanStatus.REPAID.value), else_=Loan.status),
                    active=case((remaining == 0, False), else_=Loan.active),
                    repaid_on=case((remaining == 0, paid_on), else_=Loan.repaid_on))
            .execution_options(synchronize_session=False))
        return result.rowcount == 1

    async def due_before(self, day: date, *, statuses: list[str], limit: int) -> list[Loan]:
        return list((await self.session.scalars(select(Loan).where(
            Loan.due_on < day, Loan.status.in_(statuses), Loan.outstanding_fen > 0).order_by(Loan.id).limit(limit)
        )).all())
