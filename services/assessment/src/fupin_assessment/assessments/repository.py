"""Every SELECT of the assessment area lives here."""
from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import and_, delete, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_assessment.assessments.errors import AppealNotFound, AssessmentNotFound, SubjectNotFound
from fupin_assessment.assessments.models import (Appeal, Assessment, AssessmentSubject, DeductionRow,
                                                 IndicatorScore, Publication, PublishedResult)
from fupin_shared.auth.principal import division_range
from fupin_shared.outbox import InfrastructureTables


class AssessmentRepository:
    def __init__(self, session: AsyncSession, infra: InfrastructureTables) -> None:
        self.session = session
        self.infra = infra

    def add(self, row: Any) -> None:
        self.session.add(row)

    def add_all(self, rows: list[Any]) -> None:
        self.session.add_all(rows)

    async def insert_scores(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            await self.session.execute(insert(IndicatorScore), rows)

    async def find(self, year: int) -> Assessment | None:
        return await self.session.scalar(select(Assessment).where(Assessment.year == year))

    async def get(self, year: int) -> Assessment:
        row = await self.find(year)
        if row is None:
            raise AssessmentNotFound(year)
        return row

    async def page(self, *, after: int | None, limit: int) -> list[Assessment]:
        query = select(Assessment)
        if after is not None:
            query = query.where(Assessment.year > after)
        return list((await self.session.scalars(query.order_by(Assessment.year).limit(limit + 1))).all())

    async def subjects(self, assessment_id: uuid.UUID, *, within: str | None = None) -> list[AssessmentSubject]:
        query = select(AssessmentSubject).where(AssessmentSubject.assessment_id == assessment_id)
        if within is not None:
            low, high = division_range(within)
            query = query.where(AssessmentSubject.division_code.between(low, high))
        return list((await self.session.scalars(query.order_by(AssessmentSubject.position))).all())

    async def subject(self, assessment_id: uuid.UUID, year: int, key: str) -> AssessmentSubject:
        row = await self.session.get(AssessmentSubject, (assessment_id, key))
        if row is None:
            raise SubjectNotFound(year, key)
        return row

    async def scores(self, assessment_id: uuid.UUID, subject: str | None = None) -> list[IndicatorScore]:
        query = select(IndicatorScore).where(IndicatorScore.assessment_id == assessment_id)
        if subject is not None:
            query = query.where(IndicatorScore.subject == subject)
        return list((await self.session.scalars(
            query.order_by(IndicatorScore.subject, IndicatorScore.position))).all())

    async def score_points(self, assessment_id: uuid.UUID) -> list[tuple[str, float | None]]:
        """(subject, score) of every working score — what totals need, without the evidence."""
        rows = await self.session.execute(select(IndicatorScore.subject, IndicatorScore.score).where(
            IndicatorScore.assessment_id == assessment_id))
        return [(subject, score) for subject, score in rows]

    async def deduction_points(self, assessment_id: uuid.UUID) -> list[tuple[str, str, str, float]]:
        rows = await self.session.execute(select(DeductionRow.subject, DeductionRow.rule_code, DeductionRow.origin,
                                                 DeductionRow.points).where(DeductionRow.assessment_id == assessment_id))
        return [(subject, code, origin, points) for subject, code, origin, points in rows]

    async def score_page(self, assessment_id: uuid.UUID, *, subjects: list[str], statuses: list[str] | None,
                         after: tuple[int, str, int] | None, positions: dict[str, int],
                         limit: int) -> list[IndicatorScore]:
        """Working scores of the given subjects in (subject position, indicator position) order."""
        query = select(IndicatorScore).where(IndicatorScore.assessment_id == assessment_id,
                                             IndicatorScore.subject.in_(subjects))
        if statuses:
            query = query.where(IndicatorScore.status.in_(statuses))
        rows = list((await self.session.scalars(query)).all())
        rows.sort(key=lambda r: (positions[r.subject], r.position))
        if after is not None:
            rows = [r for r in rows if (positions[r.subject], r.subject, r.position) > after]
        return rows[:limit + 1]

    async def score(self, assessment_id: uuid.UUID, subject: str, code: str) -> IndicatorScore | None:
        return await self.session.scalar(select(IndicatorScore).where(
            IndicatorScore.assessment_id == assessment_id, IndicatorScore.subject == subject,
            IndicatorScore.indicator_code == code))

    async def deductions(self, assessment_id: uuid.UUID, subject: str | None = None, *,
                         manual: bool | None = None) -> list[DeductionRow]:
        query = select(DeductionRow).where(DeductionRow.assessment_id == assessment_id)
        if subject is not None:
            query = query.where(DeductionRow.subject == subject)
        if manual is not None:
            query = query.where(DeductionRow.manual.is_(manual))
        return list((await self.session.scalars(query.order_by(DeductionRow.subject, DeductionRow.id))).all())

    async def remove_deductions(self, ids: list[uuid.UUID]) -> None:
        """Working deductions are recomputed on every scoring run (the runs are in the history)."""
        if ids:
            await self.session.execute(delete(DeductionRow).where(DeductionRow.id.in_(ids)))

    async def publications(self, assessment_id: uuid.UUID, *, after: int | None = None,
                           limit: int = 500) -> list[Publication]:
        query = select(Publication).where(Publication.assessment_id == assessment_id)
        if after is not None:
            query = query.where(Publication.version > after)
        return list((await self.session.scalars(query.order_by(Publication.version).limit(limit + 1))).all())

    async def publication(self, assessment_id: uuid.UUID, version: int) -> Publication | None:
        return await self.session.get(Publication, (assessment_id, version))

    async def result(self, year: int, version: int, subject: str) -> PublishedResult | None:
        return await self.session.scalar(select(PublishedResult).where(
            PublishedResult.year == year, PublishedResult.version == version, PublishedResult.subject == subject))

    async def results(self, year: int, version: int, *, within: str, kind: str | None,
                      after: tuple[str, int, str] | None, limit: int) -> list[PublishedResult]:
        low, high = division_range(within)
        query = select(PublishedResult).where(PublishedResult.year == year, PublishedResult.version == version,
                                              PublishedResult.division_code.between(low, high))
        if kind is not None:
            query = query.where(PublishedResult.kind == kind)
        if after is not None:
            k, rank, subject = after
            query = query.where(or_(PublishedResult.kind > k,
                                    and_(PublishedResult.kind == k, PublishedResult.rank > rank),
                                    and_(PublishedResult.kind == k, PublishedResult.rank == rank,
                                         PublishedResult.subject > subject)))
        query = query.order_by(PublishedResult.kind, PublishedResult.rank, PublishedResult.subject).limit(limit + 1)
        return list((await self.session.scalars(query)).all())

    async def result_versions(self, year: int, subject: str) -> list[int]:
        return list((await self.session.scalars(select(PublishedResult.version).where(
            PublishedResult.year == year, PublishedResult.subject == subject)
            .order_by(PublishedResult.version))).all())

    async def appeals(self, year: int, *, within: str, subject: str | None, state: str | None,
                      after: uuid.UUID | None, limit: int) -> list[Appeal]:
        low, high = division_range(within)
        query = select(Appeal).where(Appeal.year == year, Appeal.division_code.between(low, high))
        if subject is not None:
            query = query.where(Appeal.subject == subject)
        if state is not None:
            query = query.where(Appeal.state == state)
        if after is not None:
            query = query.where(Appeal.id > after)
        return list((await self.session.scalars(query.order_by(Appeal.id).limit(limit + 1))).all())

    async def appeal(self, year: int, appeal_id: uuid.UUID, *, within: str) -> Appeal:
        low, high = division_range(within)
        row = await self.session.scalar(select(Appeal).where(
            Appeal.id == appeal_id, Appeal.year == year, Appeal.division_code.between(low, high)))
        if row is None:
            raise AppealNotFound(appeal_id)
        return row

    async def appeals_by_id(self, year: int, ids: list[uuid.UUID]) -> list[Appeal]:
        if not ids:
            return []
        return list((await self.session.scalars(select(Appeal).where(Appeal.year == year, Appeal.id.in_(ids)))).all())

    async def count_results(self, year: int, version: int) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(PublishedResult).where(
            PublishedResult.year == year, PublishedResult.version == version)) or 0)

    async def history(self, assessment_id: uuid.UUID) -> list[Any]:
        Outbox = self.infra.Outbox
        return list((await self.session.scalars(
            select(Outbox).where(Outbox.subject == str(assessment_id)).order_by(Outbox.id))).all())
