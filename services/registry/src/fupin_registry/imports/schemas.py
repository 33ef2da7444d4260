"""Response models of import jobs."""
from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel

from fupin_registry.imports.models import ImportJob, ImportRowError


class RowErrorRead(BaseModel):
    row: int
    """Row number in the file; the header is row 1."""
    column: str | None
    reason: str
    household_no: str | None

    @classmethod
    def of(cls, e: ImportRowError) -> "RowErrorRead":
        return cls(row=e.row, column=e.column, reason=e.reason, household_no=e.household_no)


class ImportRead(BaseModel):
    id: uuid.UUID
    status: str
    """queued, running, done or failed."""
    filename: str
    file_format: str
    size_bytes: int
    sha256: str
    division: str
    progress: float
    """0..1, from the bytes read."""
    rows_read: int
    """Last data row committed (a restarted job resumes after it)."""
    households_created: int
    households_unchanged: int
    """Already imported with the same rows: nothing written."""
    households_updated: int
    """Already registered with other data: the household was updated (with its events)."""
    households_rejected: int
    persons_created: int
    rows_rejected: int
    error_count: int
    errors: list[RowErrorRead]
    """The first row errors; all of them at ``/v1/imports/{id}/errors``."""
    failure: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def of(cls, job: ImportJob, errors: list[ImportRowError]) -> "ImportRead":
        progress = 1.0 if job.status == "done" else (
            min(1.0, job.bytes_read / job.size_bytes) if job.size_bytes else 0.0)
        return cls(id=job.id, status=job.status, filename=job.filename, file_format=job.file_format,
                   size_bytes=job.size_bytes, sha256=job.sha256, division=job.division, progress=round(progress, 4),
                   rows_read=job.rows_read, households_created=job.households_created,
                   households_unchanged=job.households_unchanged, households_updated=job.households_updated,
                   households_rejected=job.households_rejected,
                   persons_created=job.persons_created, rows_rejected=job.rows_rejected, error_count=job.error_count,
                   errors=[RowErrorRead.of(e) for e in errors], failure=job.failure, created_at=job.created_at,
                   started_at=job.started_at, finished_at=job.finished_at)


class ImportPage(BaseModel):
    items: list[ImportRead]
    next_cursor: str | None = None


class RowErrorPage(BaseModel):
    items: list[RowErrorRead]
    next_cursor: str | None = None
