"""SELECTs on import jobs and their row errors."""
from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_registry.imports.models import ImportJob, ImportRowError
from fupin_shared.auth.principal import division_range
from fupin_shared.http.problems import NotFound


class ImportJobNotFound(NotFound):
    slug, title = "import-not-found", "No such import job"


class ImportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, job: ImportJob) -> None:
        self.session.add(job)

    async def get(self, job_id: uuid.UUID, *, within: str) -> ImportJob:
        low, high = division_range(within)
        job = await self.session.scalar(select(ImportJob).where(ImportJob.id == job_id,
                                                                ImportJob.division.between(low, high)))
        if job is None:
            raise ImportJobNotFound(f"Import {job_id} does not exist or is outside your division.")
        return job

    async def page(self, *, within: str, after: uuid.UUID | None, limit: int) -> list[ImportJob]:
        low, high = division_range(within)
        query = select(ImportJob).where(ImportJob.division.between(low, high))
        if after is not None:
            query = query.where(ImportJob.id < after)
        return list((await self.session.scalars(query.order_by(ImportJob.id.desc()).limit(limit + 1))).all())

    async def errors(self, job_id: uuid.UUID, *, after: int | None, limit: int) -> list[ImportRowError]:
        query = select(ImportRowError).where(ImportRowError.job_id == job_id)
        if after is not None:
            query = query.where(ImportRowError.id > after)
        return list((await self.session.scalars(query.order_by(ImportRowError.id).limit(limit + 1))).all())

    async def unfinished(self) -> list[ImportJob]:
        """Queued or interrupted jobs of spooled files (a generated load, without a file, is resumed by its loader)."""
        return list((await self.session.scalars(select(ImportJob).where(
            ImportJob.status.in_(("queued", "running")), ImportJob.spool_path.is_not(None))
            .order_by(ImportJob.id))).all())

    async def latest(self, *, file_format: str, sha256: str) -> ImportJob | None:
        """The most recent job of this content."""
        return await self.session.scalar(select(ImportJob).where(
            ImportJob.file_format == file_format, ImportJob.sha256 == sha256).order_by(ImportJob.id.desc()).limit(1))
