"""Overdue detection: reports not submitted by their working-day deadline, findings not rectified
in time, targets whose deadline passed unmet. ``detect_overdue`` publishes each once (the periodic
job and ``fupin tasks detect-overdue --today`` call it); ``overdue_snapshot`` reads the same rules
as of any date without writing."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from fupin_shared.auth.principal import CITY, in_division
from fupin_shared.contracts.tasks import ReportOverdue, SupervisionFindingOverdue

from fupin_tasks.config import TasksConfig
from fupin_tasks.db import TasksUow
from fupin_tasks.locks import serialize
from fupin_tasks.plan.models import Plan
from fupin_tasks.reports.domain import Cell, Obligation, OverdueReport, obligations, overdue_reports
from fupin_tasks.reports.models import ReportOverdueNotice
from fupin_tasks.schedule.errors import CalendarNotCovered
from fupin_tasks.supervision.domain import rectification_overdue
from fupin_tasks.targets.service import SYSTEM_ACTOR, deadline_missed, detect_missed_targets

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DetectionResult:
    today: date
    reports: int
    findings: int
    targets: int


@dataclass(frozen=True)
class OverdueItem:
    kind: str
    unit: str | None
    division_code: str
    due_on: date
    task_number: int | None = None
    period: str | None = None
    role: str | None = None
    working_days_overdue: int | None = None
    finding_id: str | None = None
    target_id: str | None = None
    title: str | None = None


async def plan_obligations(uow: TasksUow, plan: Plan, config: TasksConfig) -> list[Obligation]:
    """The reporting obligations of a plan: every obliged (task, unit) for every required period."""
    units = await uow.plans.units_by_name()
    cells = [Cell(c.task_number, c.unit, c.role, units[c.unit].division_code, units[c.unit].collective)
             for c in await uow.plans.cells(plan.id)]
    from_day = plan.issued_on or date(plan.period_start, 1, 1)
    due_dates = {}
    for period in config.schedule.cadence.required_periods(from_day=from_day, last_year=plan.period_end):
        try:
            due_dates[period] = config.schedule.due_on(period)
        except CalendarNotCovered:
            log.warning("no working-day calendar for %s; its reports are not tracked until it is added", period)
    return obligations(cells, due_dates, obliged_roles=config.schedule.cadence.obliged_roles)


async def _overdue_reports(uow: TasksUow, plan: Plan, config: TasksConfig, today: date) -> list[OverdueReport]:
    duties = await plan_obligations(uow, plan, config)
    submitted = await uow.reports.submitted_on(plan.id)
    return overdue_reports(duties, submitted, today=today, calendar=config.schedule.calendar)


async def detect_overdue(uow: TasksUow, *, today: date, config: TasksConfig,
                         actor: str = SYSTEM_ACTOR) -> DetectionResult:
    """Publish ReportOverdue, SupervisionFindingOverdue and TargetMissed for everything overdue as
    of ``today`` that was not published before. Idempotent; judged by dates, so it gives the same
    answer whenever it runs for a given ``today``."""
    reports = findings = 0
    async with uow:
        await serialize(uow.session, "detect-overdue")
        plans = await uow.plans.plans()
        lead_units: dict[tuple[str, int], list[str]] = {}
        for plan in plans:
            notices = await uow.reports.notices(plan.id)
            for item in await _overdue_reports(uow, plan, config, today):
                duty = item.obligation
                if duty.key in notices:
                    continue
                uow.reports.add(ReportOverdueNotice(plan_id=plan.id, task_number=duty.task_number, unit=duty.unit,
                                                    period=duty.period.code, due_on=duty.due_on, detected_on=today))
                uow.record(ReportOverdue(task_number=duty.task_number, unit=duty.unit, period=duty.period.code,
                                         due_on=duty.due_on, plan_id=plan.id, period_kind=duty.period.kind.value,
                                         role=duty.role, division_code=duty.division_code, detected_on=today,
                                         working_days_overdue=item.working_days_overdue),
                           subject=str(duty.task_number), division=duty.division_code, actor=actor)
                reports += 1
            for cell in await uow.plans.cells(plan.id):
                if cell.role == "lead":
                    lead_units.setdefault((plan.id, cell.task_number), []).append(cell.unit)
        for finding in await uow.findings.unclosed_due_before(today):
            if finding.overdue_notified_on is not None or not rectification_overdue(
                    rectify_by=finding.rectify_by, today=today, closed_on=finding.closed_on,
                    evidence=finding.evidence or []):
                continue
            finding.overdue_notified_on = today
            uow.record(SupervisionFindingOverdue(finding_id=finding.id, rectify_by=finding.rectify_by,
                                                 unit=finding.unit, division_code=finding.division_code,
                                                 kind=finding.kind, task_number=finding.task_number,
                                                 detected_on=today),
                       subject=finding.id, division=finding.division_code, actor=actor)
            findings += 1
        missed = await detect_missed_targets(uow, today=today, schedule=config.schedule, lead_units=lead_units,
                                             actor=actor)
        await uow.commit()
    return DetectionResult(today=today, reports=reports, findings=findings, targets=len(missed))


async def overdue_snapshot(uow: TasksUow, plan: Plan, *, today: date, config: TasksConfig,
                           within: str = CITY) -> list[OverdueItem]:
    """Everything overdue as of ``today`` in a division, without writing (the ``/v1/overdue`` view)."""
    items: list[OverdueItem] = []
    for item in await _overdue_reports(uow, plan, config, today):
        duty = item.obligation
        if in_division(duty.division_code, within):
            items.append(OverdueItem(kind="report", unit=duty.unit, division_code=duty.division_code,
                                     due_on=duty.due_on, task_number=duty.task_number, period=duty.period.code,
                                     role=duty.role, working_days_overdue=item.working_days_overdue))
    for finding in await uow.findings.unclosed_due_before(today, within=within):
        if rectification_overdue(rectify_by=finding.rectify_by, today=today, closed_on=finding.closed_on,
                                 evidence=finding.evidence or []):
            days = (config.schedule.calendar.working_days_after(finding.rectify_by, today)
                    if config.schedule.calendar.covers(today) and config.schedule.calendar.covers(finding.rectify_by)
                    else None)
            items.append(OverdueItem(kind="finding", unit=finding.unit, division_code=finding.division_code,
                                     due_on=finding.rectify_by, task_number=finding.task_number,
                                     working_days_overdue=days, finding_id=str(finding.id), title=finding.title))
    units = await uow.plans.units_by_name()
    leads: dict[int, list[str]] = {}
    for cell in await uow.plans.cells(plan.id):
        if cell.role == "lead":
            leads.setdefault(cell.task_number, []).append(cell.unit)
    for target in await uow.targets.all(plan.id):
        if not deadline_missed(target, today=today, schedule=config.schedule):
            continue
        for unit in leads.get(target.task_number or 0, [None]):  # a plan goal has no lead unit of its own
            division = units[unit].division_code if unit else CITY
            if in_division(division, within):
                items.append(OverdueItem(kind="target", unit=unit, division_code=division, due_on=target.deadline,
                                         task_number=target.task_number, target_id=target.id, title=target.text))
    return items
