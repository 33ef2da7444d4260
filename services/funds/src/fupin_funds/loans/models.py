"""Micro-credit (扶贫小额信贷) tables: loans, repayments, term changes (展期 / 无还本续贷)."""
from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fupin_funds.db import Base
from fupin_shared.db import UtcDateTime, utc_now, uuid7

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class Loan(Base):
    __tablename__ = "loan"
    __table_args__ = (
        sa.CheckConstraint("principal_fen > 0 AND outstanding_fen >= 0 AND outstanding_fen <= principal_fen",
                           name="outstanding"),
        sa.Index("ix_loan_division_id", "division_code", "id"),
        sa.Index("ix_loan_household", "household_id"),
        # one outstanding poverty micro-loan per household, also under concurrent requests
        sa.Index("uq_loan_active_household", "household_id", unique=True,
                 postgresql_where=sa.text("active"), sqlite_where=sa.text("active")),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    household_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    division_code: Mapped[str] = mapped_column(sa.String(12))
    bank: Mapped[str] = mapped_column(sa.String(120))
    contract_no: Mapped[str] = mapped_column(sa.String(80))
    purpose: Mapped[str] = mapped_column(sa.String(200))
    principal_fen: Mapped[int] = mapped_column(BIG)
    outstanding_fen: Mapped[int] = mapped_column(BIG)
    issued_on: Mapped[date] = mapped_column(sa.Date)
    term_months: Mapped[int] = mapped_column(sa.Integer)
    original_due_on: Mapped[date] = mapped_column(sa.Date)
    due_on: Mapped[date] = mapped_column(sa.Date)
    annual_rate_bp: Mapped[int] = mapped_column(sa.Integer)
    subsidy_rate_bp: Mapped[int] = mapped_column(sa.Integer)
    status: Mapped[str] = mapped_column(sa.String(20))
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    extension_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    renewal_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    interest_paid_fen: Mapped[int] = mapped_column(BIG, default=0)
    interest_subsidy_fen: Mapped[int] = mapped_column(BIG, default=0)
    repaid_on: Mapped[date | None] = mapped_column(sa.Date)
    year: Mapped[int] = mapped_column(sa.Integer)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, onupdate=utc_now)
    created_by: Mapped[str] = mapped_column(sa.String(120))

    __mapper_args__ = {"version_id_col": version}


class LoanRepayment(Base):
    __tablename__ = "loan_repayment"
    __table_args__ = (sa.CheckConstraint("principal_fen >= 0 AND interest_fen >= 0 AND interest_subsidy_fen >= 0",
                                         name="nonnegative"),)

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    loan_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("loan.id"), index=True)
    principal_fen: Mapped[int] = mapped_column(BIG)
    interest_fen: Mapped[int] = mapped_column(BIG)
    interest_subsidy_fen: Mapped[int] = mapped_column(BIG)
    paid_on: Mapped[date] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    created_by: Mapped[str] = mapped_column(sa.String(120))


class LoanTermChange(Base):
    __tablename__ = "loan_term_change"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    loan_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("loan.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    previous_due_on: Mapped[date] = mapped_column(sa.Date)
    new_due_on: Mapped[date] = mapped_column(sa.Date)
    reason: Mapped[str] = mapped_column(sa.String(500))
    decided_on: Mapped[date] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    created_by: Mapped[str] = mapped_column(sa.String(120))
