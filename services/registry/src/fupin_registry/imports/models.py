"""Import jobs and their per-row errors."""
from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fupin_registry.db import Base
from fupin_shared.db import UtcDateTime, utc_now, uuid7


class ImportJob(Base):
    """A bulk import of a CSV or XLSX file, run in the background, committed in batches."""

    __tablename__ = "import_job"
    __table_args__ = (sa.Index("ix_import_job_division_id", "division", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    division: Mapped[str] = mapped_column(sa.String(12))
    """The caller's division: rows outside it are refused."""
    actor: Mapped[str] = mapped_column(sa.String(120))
    filename: Mapped[str] = mapped_column(sa.String(255))
    file_format: Mapped[str] = mapped_column(sa.String(8))
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    spool_path: Mapped[str | None] = mapped_column(sa.String(500))
    status: Mapped[str] = mapped_column(sa.String(16), default="queued")
    rows_read: Mapped[int] = mapped_column(sa.Integer, default=0)
    """Data rows consumed and committed (a restarted job resumes after them)."""
    bytes_read: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    households_created: Mapped[int] = mapped_column(sa.Integer, default=0)
    households_unchanged: Mapped[int] = mapped_column(sa.Integer, default=0)
    households_updated: Mapped[int] = mapped_column(sa.Integer, default=0)
    """Household numbers already registered with other data: the household was updated."""
    households_rejected: Mapped[int] = mapped_column(sa.Integer, default=0)
    persons_created: Mapped[int] = mapped_column(sa.Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(sa.Integer, default=0)
    error_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    failure: Mapped[str | None] = mapped_column(sa.String(1000))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ImportRowError(Base):
    """Why one row of an import was refused (row numbers count the header as row 1)."""

    __tablename__ = "import_row_error"
    __table_args__ = (sa.Index("ix_import_row_error_job_id", "job_id", "id"),)

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True,
                                    autoincrement=True)
    job_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("import_job.id"))
    row: Mapped[int] = mapped_column(sa.Integer)
    column: Mapped[str | None] = mapped_column(sa.String(60))
    reason: Mapped[str] = mapped_column(sa.String(500))
    household_no: Mapped[str | None] = mapped_column(sa.String(30))

