"""Every SELECT on reports and overdue notices; division scoping applied to every read."""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from fupin_shared.auth.principal import division_range
from fupin_shared.outbox import InfrastructureTables
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_tasks.reports.errors import ReportNotFound
from fupin_tasks.reports.models import Report, ReportOverdueNotice

REPORT_EVENT_PREFIX = "fupin.tasks.report."


class ReportRepository:
    def __init__(self, session: AsyncSession, infra: InfrastructureTables) -> None:
        self.session = session
        self.infra = infra

    def add(self, row: object) -> None:
        self.session.add(row)

    async def get(self, report_id: uuid.UUID, *, task_number: int | None, within: str) -> Report:
        low, high = division_range(within)
        query = select(Report).where(Report.id == report_id, Report.division_code.between(low, high))
        if task_number is not None:
            query = query.where(Report.task_number == task_number)
        report = await self.session.scalar(query)
        if report is None:
            raise ReportNotFound(report_id)
        return report

    async def find(self, plan_id: str, task_number: int, unit: str, period: str) -> Report | None:
        return await self.session.scalar(select(Report).where(
            Report.plan_id == plan_id, Report.task_number == task_number, Report.unit == unit,
            Report.period == period))

    async def page(self, plan_id: str, *, within: str, task_number: int | None = None, unit: str | None = None,
                   period: str | None = None, state: str | None = None, status: str | None = None,
                   after: uuid.UUID | None = None, limit: int = 50) -> list[Report]:
        low, high = division_range(within)
        query = select(Report).where(Report.plan_id == plan_id, Report.division_code.between(low, high))
        for column, value in ((Report.task_number, task_number), (Report.unit, unit), (Report.period, period),
                              (Report.state, state), (Report.status, status)):
            if value is not None:
                query = query.where(column == value)
        if after is not None:
            query = query.where(Report.id > after)
        return list((await self.session.scalars(query.order_by(Report.id).limit(limit + 1))).all())

    async def submitted_on(self, plan_id: str) -> dict[tuple[int, str, str], date]:
        rows = await self.session.execute(select(Report.task_number, Report.unit, Report.period,
                                                 Report.first_submitted_on).where(Report.plan_id == plan_id))
        return {(t, u, p): d for t, u, p, d in rows}

    async def notices(self, plan_id: str) -> set[tuple[int, str, str]]:
        rows = await self.session.execute(select(ReportOverdueNotice.task_number, ReportOverdueNotice.unit,
                                                 ReportOverdueNotice.period)
                                          .where(ReportOverdueNotice.plan_id == plan_id))
        return {(t, u, p) for t, u, p in rows}

    async def history(self, report: Report) -> list[Any]:
        """Events of one report, oldest first (report events are keyed by their task number)."""
        Outbox = self.infra.Outbox
        rows = (await self.session.scalars(select(Outbox).where(
            Outbox.subject == str(report.task_number), Outbox.type.startswith(REPORT_EVENT_PREFIX))
            .order_by(Outbox.id))).all()
        rid = str(report.id)
        return [r for r in rows if r.data.get("report_id") == rid or (
            r.data.get("report_id") is None and r.data.get("unit") == report.unit
            and r.data.get("period") == report.period and r.data.get("plan_id") in (None, report.plan_id))]
