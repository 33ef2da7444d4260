"""Target use cases: progress from registry/funds figures or accepted reports; missed deadlines."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from fupin_shared.auth.principal import CITY
from fupin_shared.contracts.tasks import TargetMissed, TargetProgressed
from fupin_shared.db import utc_now

from fupin_tasks.db import TasksUow
from fupin_tasks.locks import serialize
from fupin_tasks.schedule.domain import Period, Schedule
from fupin_tasks.schedule.errors import CalendarNotCovered
from fupin_tasks.targets.domain import compute_figures, is_met, is_missed, judgement_day
from fupin_tasks.targets.models import Target

SYSTEM_ACTOR = "fupin-tasks"


def subject_of(target: Target) -> str:
    """Target events are keyed by their task; a plan goal without one by its own id."""
    return str(target.task_number) if target.task_number else target.id


def _progressed(target: Target) -> TargetProgressed:
    return TargetProgressed(
        task_number=target.task_number or 0, target_id=target.id, value=float(target.current_value or 0.0),
        target_value=target.value, deadline=target.deadline, met=target.met, plan_id=target.plan_id,
        metric=target.metric, unit=target.unit, comparator=target.comparator, source=target.progress_source,
        as_of=target.progress_as_of, related_tasks=list(target.related_tasks or []))


def set_progress(uow: TasksUow, target: Target, value: float, *, source: str, at: datetime,
                 period: str | None = None, actor: str = SYSTEM_ACTOR) -> bool:
    """Record a target's new figure and publish TargetProgressed; False when nothing changed."""
    met = is_met(target.comparator, target.value, target.value_max, value)
    if target.current_value == value and target.met == met and target.progress_source == source:
        return False
    target.current_value, target.met, target.progress_source = value, met, source
    target.progress_as_of, target.progress_period = at, period
    target.version += 1
    uow.record(_progressed(target), subject=subject_of(target), division=CITY, actor=actor)
    return True


async def refresh_fed_targets(uow: TasksUow) -> list[str]:
    """Recompute the targets registry and funds hold the figure for (from the read copies of their
    events) and publish TargetProgressed for each that changed. Safe to run any time."""
    changed: list[str] = []
    async with uow:
        await serialize(uow.session, "refresh-fed-targets")
        targets = await uow.targets.fed()
        if not targets:
            return changed
        figures = compute_figures(await uow.targets.counts(CITY))
        now = utc_now()
        for target in targets:
            value = figures.get(target.feed or "")
            if value is None:
                continue
            if set_progress(uow, target, value, source=target.feed_source or "registry", at=now):
                changed.append(target.id)
        if changed:
            await uow.commit()
    return changed


async def apply_report_figures(uow: TasksUow, plan_id: str, task_number: int, figures: Mapping[str, float], *,
                               period_code: str, period_end: date, at: datetime, actor: str) -> list[str]:
    """Inside an accepting unit of work: an accepted report's figures for its task's targets become
    their progress, unless the registry or funds feed them, or a later period already reported."""
    changed = []
    for target_id, value in figures.items():
        target = await uow.targets.get(plan_id, target_id)
        if target.feed is not None or target.task_number != task_number:
            continue
        _note_deadline_value(target, value, period_code, period_end)
        if target.progress_period is not None and _period_end(target.progress_period) > period_end:
            continue
        if set_progress(uow, target, value, source="report", at=at, period=period_code, actor=actor):
            changed.append(target_id)
    return changed


def _note_deadline_value(target: Target, value: float, period_code: str, period_end: date) -> None:
    """A reported figure for the latest period ending by the deadline is the figure at the deadline."""
    if target.deadline is None or period_end > target.deadline:
        return
    if target.deadline_period is None or _period_end(target.deadline_period) <= period_end:
        target.deadline_value, target.deadline_period = value, period_code


def _period_end(code: str) -> date:
    return Period.parse(code).end


def judged_on(target: Target, schedule: Schedule) -> date | None:
    """When the target's deadline can be judged (see ``targets.domain.judgement_day``)."""
    if target.deadline is None:
        return None
    period = Period.ending_on(target.deadline)
    report_due = None
    if period is not None and target.feed is None:
        try:
            report_due = schedule.due_on(period)
        except CalendarNotCovered:
            report_due = None
    return judgement_day(target.deadline, fed=target.feed is not None, report_due=report_due)


def value_at_deadline(target: Target) -> float | None:
    """The figure a deadline is judged on: a reported figure for a period ending by the deadline;
    for a fed target, the figure frozen at its first judgement (or the live one before that)."""
    if target.feed is not None:
        return target.deadline_value if target.deadline_value is not None else target.current_value
    return target.deadline_value


def deadline_missed(target: Target, *, today: date, schedule: Schedule) -> bool:
    """As of ``today``: the deadline has been judged and the figure at the deadline misses the target."""
    met = is_met(target.comparator, target.value, target.value_max, value_at_deadline(target))
    return is_missed(judged_on=judged_on(target, schedule), met_at_deadline=met, already_missed=False, today=today)


async def detect_missed_targets(uow: TasksUow, *, today: date, schedule: Schedule,
                                lead_units: Mapping[tuple[str, int], list[str]],
                                actor: str = SYSTEM_ACTOR) -> list[Target]:
    """Inside a detection unit of work: every target whose deadline is judged and missed is marked
    and TargetMissed published (once). Task 1's "by the end of 2019" target is judged when the 2019
    annual reports are due, on the figure they give."""
    missed = []
    for target in await uow.targets.with_deadline_before(today):
        day = judged_on(target, schedule)
        if day is None or day >= today:
            continue
        if target.feed is not None and target.deadline_value is None:
            target.deadline_value, target.deadline_period = target.current_value, "fed"
        value = value_at_deadline(target)
        met = is_met(target.comparator, target.value, target.value_max, value)
        if not is_missed(judged_on=day, met_at_deadline=met, already_missed=target.missed_on is not None,
                         today=today):
            continue
        target.missed_on = today
        target.version += 1
        leads = lead_units.get((target.plan_id, target.task_number or 0), [])
        uow.record(TargetMissed(task_number=target.task_number or 0, target_id=target.id, deadline=target.deadline,
                                value=value, plan_id=target.plan_id, target_value=target.value,
                                metric=target.metric, detected_on=today, lead_units=leads),
                   subject=subject_of(target), division=CITY, actor=actor)
        missed.append(target)
    return missed
