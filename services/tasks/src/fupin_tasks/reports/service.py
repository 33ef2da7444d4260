"""Report use cases: submit, revise, accept or return — load, decide, change, record, commit."""
from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fupin_shared.auth.principal import Principal
from fupin_shared.contracts.tasks import ReportChanged
from fupin_shared.db import utc_now, uuid7
from fupin_shared.http.etag import require_version
from sqlalchemy import insert

from fupin_tasks.config import TasksConfig
from fupin_tasks.db import TasksUow
from fupin_tasks.reports.domain import (
    ReportAction,
    ReportState,
    check_submittable,
    is_on_time,
    metric_progress,
    next_state,
)
from fupin_tasks.reports.errors import ReportAlreadyExists
from fupin_tasks.reports.models import Report
from fupin_tasks.reports.schemas import ReportRevise, ReportSubmit
from fupin_tasks.schedule.domain import Period
from fupin_tasks.targets.service import apply_report_figures


def report_changed(report: Report) -> ReportChanged:
    return ReportChanged(
        report_id=report.id, task_number=report.task_number, unit=report.unit, period=report.period,
        state=report.state, progress=report.status, due_on=report.due_on, submitted_at=report.submitted_at,
        on_time=report.on_time, plan_id=report.plan_id, period_kind=report.period_kind, role=report.role,
        division_code=report.division_code, reviewed_at=report.reviewed_at, reviewer=report.reviewer,
        version=report.version, metrics=dict(report.metrics or {}))


async def _record(uow: TasksUow, report: Report, actor: str) -> None:
    await uow.session.flush()  # the version column is current after the flush
    uow.record(report_changed(report), subject=str(report.task_number), division=report.division_code, actor=actor)


async def _acting_cell(uow: TasksUow, config: TasksConfig, actor: Principal, plan_id: str, task_number: int,
                       unit_name: str) -> tuple[str, str]:
    """(role, division) of the unit the actor writes for; refused unless the unit has a role on the task."""
    role = config.policy.require_role(unit_name, task_number, await uow.plans.role_of(plan_id, task_number, unit_name))
    unit = await uow.plans.unit(unit_name)
    config.policy.require_within_division(actor, unit.name, unit.division_code)
    return role, unit.division_code


async def submit_report(uow: TasksUow, task_number: int, request: ReportSubmit, *, actor: Principal,
                        config: TasksConfig, plan_id: str | None = None, now: datetime | None = None) -> Report:
    """A unit reports on a task it has a role in, for a period of the plan (quarterly analysis,
    half-year bulletin or annual report — plan task 26). On time when first submitted by the due date."""
    now = now or utc_now()
    period = Period.parse(request.period)
    unit_name = config.policy.acting_unit(actor, request.unit)
    async with uow:
        plan = await uow.plans.plan(plan_id)
        await uow.plans.task(plan.id, task_number)
        role, division = await _acting_cell(uow, config, actor, plan.id, task_number, unit_name)
        today = config.schedule.cadence.local_date(now)
        check_submittable(period, today=today, plan_start=plan.period_start, plan_end=plan.period_end)
        if (existing := await uow.reports.find(plan.id, task_number, unit_name, period.code)) is not None:
            raise ReportAlreadyExists(unit_name, task_number, period.code, existing.id)
        due_on = config.schedule.due_on(period)
        report = Report(
            id=uuid7(), plan_id=plan.id, task_number=task_number, unit=unit_name, role=role, division_code=division,
            period=period.code, period_kind=period.kind.value, period_end=period.end, due_on=due_on,
            state=ReportState.SUBMITTED.value, status=request.status.value, narrative=request.narrative,
            metrics=dict(request.metrics), first_submitted_at=now, first_submitted_on=today, submitted_at=now,
            submitted_by=actor.sub, on_time=is_on_time(today, due_on), revisions=0, created_at=now, updated_at=now)
        uow.reports.add(report)
        await _record(uow, report, actor.sub)
        await uow.commit()
    return report


async def revise_report(uow: TasksUow, task_number: int, report_id: uuid.UUID, request: ReportRevise, *,
                        actor: Principal, config: TasksConfig, expected_version: int,
                        now: datetime | None = None) -> Report:
    """The reporting unit revises its report (a returned one, or one not yet reviewed) and submits
    it again; an accepted report is immutable (409)."""
    now = now or utc_now()
    async with uow:
        report = await uow.reports.get(report_id, task_number=task_number, within=actor.division)
        config.policy.acting_unit(actor, report.unit)
        config.policy.require_within_division(actor, report.unit, report.division_code)
        require_version(report.version, expected_version)
        report.state = next_state(report.state, ReportAction.REVISE, report_id=report.id).value
        report.status, report.narrative, report.metrics = request.status.value, request.narrative, dict(request.metrics)
        report.submitted_at, report.submitted_by, report.revisions = now, actor.sub, report.revisions + 1
        report.reviewed_at = report.reviewer = report.review_comment = None
        await _record(uow, report, actor.sub)
        await uow.commit()
    return report


async def review_report(uow: TasksUow, task_number: int, report_id: uuid.UUID, action: ReportAction, *,
                        comment: str | None, actor: Principal, config: TasksConfig, expected_version: int,
                        now: datetime | None = None) -> Report:
    """The leading-group office accepts a submitted report (then immutable; its figures for the
    task's targets become their progress) or returns it for revision with a comment."""
    now = now or utc_now()
    async with uow:
        report = await uow.reports.get(report_id, task_number=task_number, within=actor.division)
        config.policy.may_review_unit(actor, report.unit)
        require_version(report.version, expected_version)
        report.state = next_state(report.state, action, report_id=report.id).value
        report.reviewed_at, report.reviewer, report.review_comment = now, actor.sub, comment
        if action is ReportAction.ACCEPT:
            await _apply_figures(uow, report, now, actor.sub)
        await _record(uow, report, actor.sub)
        await uow.commit()
    return report


async def _apply_figures(uow: TasksUow, report: Report, at: datetime, actor: str,
                         target_ids: list[str] | None = None) -> None:
    if target_ids is None:
        target_ids = (await uow.plans.task(report.plan_id, report.task_number)).target_ids or []
    figures = metric_progress(report.metrics or {}, target_ids)
    if figures:
        await apply_report_figures(uow, report.plan_id, report.task_number, figures, period_code=report.period,
                                   period_end=report.period_end, at=at, actor=actor)


@dataclass
class HistoricReport:
    """A report made before the system (paper or spreadsheet), with the steps it went through."""

    task_number: int
    unit: str
    period: str
    status: str
    narrative: str
    submitted_at: datetime
    metrics: Mapping[str, Any] = field(default_factory=dict)
    returned_at: datetime | None = None
    return_comment: str | None = None
    resubmitted_at: datetime | None = None
    accepted_at: datetime | None = None


async def backfill_reports(uow: TasksUow, items: Iterable[HistoricReport], *, config: TasksConfig, reviewer: str,
                           actor: str, plan_id: str | None = None) -> int:
    """Bulk path: record a history of reports in one transaction, each step checked by the same
    rules (state machine, roles, periods) as the live use cases and published as the same events.
    Rows are inserted in one statement with their final version; existing reports are skipped."""
    rows: list[dict[str, Any]] = []
    async with uow:
        plan = await uow.plans.plan(plan_id)
        cells = {(c.task_number, c.unit): c.role for c in await uow.plans.cells(plan.id)}
        units = await uow.plans.units_by_name()
        existing = await uow.reports.submitted_on(plan.id)
        target_ids = {t.number: list(t.target_ids or []) for t in await uow.plans.tasks(plan.id)}
        targets = await uow.targets.all(plan.id)  # held, so the session's (weak) identity map keeps them
        for item in items:
            period = Period.parse(item.period)
            if (item.task_number, item.unit, period.code) in existing:
                continue
            role = config.policy.require_role(item.unit, item.task_number, cells.get((item.task_number, item.unit)))
            submitted_on = config.schedule.cadence.local_date(item.submitted_at)
            check_submittable(period, today=submitted_on, plan_start=plan.period_start, plan_end=plan.period_end)
            due_on = config.schedule.due_on(period)
            report = Report(
                id=uuid7(), plan_id=plan.id, task_number=item.task_number, unit=item.unit, role=role,
                division_code=units[item.unit].division_code, period=period.code, period_kind=period.kind.value,
                period_end=period.end, due_on=due_on, state=ReportState.SUBMITTED.value, status=item.status,
                narrative=item.narrative, metrics=dict(item.metrics), first_submitted_at=item.submitted_at,
                first_submitted_on=submitted_on, submitted_at=item.submitted_at, submitted_by=actor,
                on_time=is_on_time(submitted_on, due_on), revisions=0, version=1, created_at=item.submitted_at,
                updated_at=item.submitted_at, reviewed_at=None, reviewer=None, review_comment=None)
            steps = [(report_changed(report), actor)]
            if item.returned_at is not None:
                report.state = next_state(report.state, ReportAction.RETURN).value
                report.reviewed_at, report.reviewer, report.review_comment = item.returned_at, reviewer, item.return_comment
                report.version, report.updated_at = report.version + 1, item.returned_at
                steps.append((report_changed(report), reviewer))
                if item.resubmitted_at is not None:
                    report.state = next_state(report.state, ReportAction.REVISE).value
                    report.submitted_at, report.revisions = item.resubmitted_at, report.revisions + 1
                    report.reviewed_at = report.reviewer = report.review_comment = None
                    report.version, report.updated_at = report.version + 1, item.resubmitted_at
                    steps.append((report_changed(report), actor))
            if item.accepted_at is not None and report.state == ReportState.SUBMITTED:
                report.state = next_state(report.state, ReportAction.ACCEPT).value
                report.reviewed_at, report.reviewer, report.review_comment = item.accepted_at, reviewer, None
                report.version, report.updated_at = report.version + 1, item.accepted_at
                await _apply_figures(uow, report, item.accepted_at, reviewer, target_ids[report.task_number])
                steps.append((report_changed(report), reviewer))
            for event, who in steps:
                uow.record(event, subject=str(report.task_number), division=report.division_code, actor=who)
            rows.append({column.key: getattr(report, column.key) for column in Report.__table__.columns})
        if rows:
            await uow.session.execute(insert(Report.__table__), rows)
        del targets
        await uow.commit()
    return len(rows)
