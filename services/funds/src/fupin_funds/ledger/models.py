"""Ledger tables: sources, source adjustments, allocation entries, disbursement entries.

Append-only: entries are never updated or deleted; a correction is a reversal entry. The only
columns that change are the running counters of a node (``allocated_fen``, ``disbursed_fen``,
``net_amount_fen``), changed by guarded UPDATEs in the same transaction as the entry that moves
them, and held to ``allocated + disbursed ≤ amount`` by a CHECK constraint.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fupin_funds.db import Base
from fupin_shared.db import UtcDateTime, utc_now, uuid7

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class FundSource(Base):
    __tablename__ = "fund_source"
    __table_args__ = (
        sa.CheckConstraint("amount_fen >= 0 AND allocated_fen >= 0 AND allocated_fen <= amount_fen",
                           name="within_amount"),
        sa.Index("ix_fund_source_division_year", "division_code", "year", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    level: Mapped[str] = mapped_column(sa.String(20))
    category: Mapped[str] = mapped_column(sa.String(40))
    year: Mapped[int] = mapped_column(sa.Integer)
    division_code: Mapped[str] = mapped_column(sa.String(12))
    document_no: Mapped[str] = mapped_column(sa.String(120))
    title: Mapped[str | None] = mapped_column(sa.String(200))
    registered_fen: Mapped[int] = mapped_column(BIG)
    """The amount at registration (never changes; corrections are adjustment entries)."""
    amount_fen: Mapped[int] = mapped_column(BIG)
    """Registered amount plus adjustments."""
    allocated_fen: Mapped[int] = mapped_column(BIG, default=0)
    received_on: Mapped[date | None] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    created_by: Mapped[str] = mapped_column(sa.String(120))


class SourceAdjustment(Base):
    __tablename__ = "fund_source_adjustment"
    __table_args__ = (sa.CheckConstraint("amount_fen <> 0", name="nonzero"),)

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    source_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("fund_source.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(BIG)
    reason: Mapped[str] = mapped_column(sa.String(500))
    document_no: Mapped[str | None] = mapped_column(sa.String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    created_by: Mapped[str] = mapped_column(sa.String(120))


class FundAllocation(Base):
    """An allocation entry. An original entry (``reversal_of`` null, amount > 0) is a node of the
    tree and carries its counters; a reversal entry (amount < 0) points at the node it reduces."""

    __tablename__ = "fund_allocation"
    __table_args__ = (
        sa.CheckConstraint(
            "(reversal_of IS NULL AND amount_fen > 0 AND net_amount_fen >= 0 AND allocated_fen >= 0 "
            "AND disbursed_fen >= 0 AND allocated_fen + disbursed_fen <= net_amount_fen) OR "
            "(reversal_of IS NOT NULL AND amount_fen < 0 AND net_amount_fen = 0 AND allocated_fen = 0 "
            "AND disbursed_fen = 0)", name="balanced"),
        sa.Index("ix_fund_allocation_division_id", "division_code", "id"),
        sa.Index("ix_fund_allocation_parent", "parent_allocation_id"),
        sa.Index("ix_fund_allocation_source", "source_id"),
        sa.Index("ix_fund_allocation_project", "project_id"),
        sa.Index("ix_fund_allocation_reversal_of", "reversal_of"),
        sa.Index("ix_fund_allocation_path", "path"),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    source_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("fund_source.id"))
    parent_allocation_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("fund_allocation.id"))
    reversal_of: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("fund_allocation.id"))
    path: Mapped[str] = mapped_column(sa.String(400))
    """Ancestor ids (hex, '/'-separated, ending with the node's own id): subtree sums by prefix."""
    division_code: Mapped[str] = mapped_column(sa.String(12))
    parent_division_code: Mapped[str] = mapped_column(sa.String(12))
    project_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    recipient: Mapped[str | None] = mapped_column(sa.String(200))
    """Who receives the money, as the allocation document names it (e.g. 古水镇人民政府)."""
    year: Mapped[int] = mapped_column(sa.Integer)
    document_no: Mapped[str | None] = mapped_column(sa.String(120))
    note: Mapped[str | None] = mapped_column(sa.String(500))
    amount_fen: Mapped[int] = mapped_column(BIG)
    net_amount_fen: Mapped[int] = mapped_column(BIG, default=0)
    allocated_fen: Mapped[int] = mapped_column(BIG, default=0)
    disbursed_fen: Mapped[int] = mapped_column(BIG, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    created_by: Mapped[str] = mapped_column(sa.String(120))

    @property
    def is_reversal(self) -> bool:
        return self.reversal_of is not None


class Disbursement(Base):
    """A payment out of an allocation (amount > 0) or the reversal of one (amount < 0, once)."""

    __tablename__ = "disbursement"
    __table_args__ = (
        sa.CheckConstraint("(reversal_of IS NULL AND amount_fen > 0) OR (reversal_of IS NOT NULL AND amount_fen < 0)",
                           name="signed"),
        sa.CheckConstraint("project_id IS NOT NULL OR household_id IS NOT NULL", name="has_payee"),
        sa.CheckConstraint("progress_pct IS NULL OR (progress_pct >= 0 AND progress_pct <= 100)", name="progress"),
        sa.UniqueConstraint("reversal_of", name="uq_disbursement_reversal_of"),
        sa.Index("ix_disbursement_division_id", "division_code", "id"),
        sa.Index("ix_disbursement_allocation", "allocation_id"),
        sa.Index("ix_disbursement_project", "project_id"),
        sa.Index("ix_disbursement_household", "household_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    allocation_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("fund_allocation.id"))
    source_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("fund_source.id"))
    reversal_of: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("disbursement.id"))
    division_code: Mapped[str] = mapped_column(sa.String(12))
    project_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    household_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    purpose: Mapped[str] = mapped_column(sa.String(40))
    stage: Mapped[str | None] = mapped_column(sa.String(40))
    progress_pct: Mapped[int | None] = mapped_column(sa.Integer)
    amount_fen: Mapped[int] = mapped_column(BIG)
    paid_on: Mapped[date] = mapped_column(sa.Date)
    year: Mapped[int] = mapped_column(sa.Integer)
    account_no: Mapped[str | None] = mapped_column(sa.String(40))
    """One-card (一卡通) account of a household payment: personal data, masked without pii:read."""
    payee: Mapped[str | None] = mapped_column(sa.String(200))
    voucher_no: Mapped[str | None] = mapped_column(sa.String(80))
    note: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    created_by: Mapped[str] = mapped_column(sa.String(120))
