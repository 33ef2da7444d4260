"""Plan use cases: load a plan (idempotently) with its units, tasks, matrix and targets."""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fupin_shared.auth.principal import CITY
from fupin_shared.contracts.tasks import PlanLoaded
from fupin_shared.db import utc_now

from fupin_tasks.config import TasksConfig
from fupin_tasks.db import TasksUow
from fupin_tasks.plan.domain import PlanData, parse_plan
from fupin_tasks.plan.errors import InvalidPlan, PlanRevisionRemovesTasks
from fupin_tasks.plan.models import Plan, Task, TaskUnit, Unit
from fupin_tasks.targets.models import Target


@dataclass(frozen=True)
class LoadResult:
    plan_id: str
    change: str
    """``created`` | ``updated`` | ``unchanged``."""
    tasks: int
    units: int
    targets: int
    version: int


def read_plan_files(plan_file: Path, units_file: Path | None = None) -> tuple[Any, Any]:
    """A plan file, and its units list: the given file, a ``units`` key in the plan, or units.json
    beside the plan file; None when there is none (units are then taken from the tasks)."""
    try:
        plan_doc = json.loads(Path(plan_file).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidPlan([f"{plan_file}: cannot be read as JSON ({exc})"]) from exc
    if units_file is None and isinstance(plan_doc, dict) and "units" in plan_doc:
        return plan_doc, plan_doc["units"]
    if units_file is None and (Path(plan_file).parent / "units.json").exists():
        units_file = Path(plan_file).parent / "units.json"
    if units_file is None:
        return plan_doc, None
    try:
        return plan_doc, json.loads(Path(units_file).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidPlan([f"{units_file}: cannot be read as JSON ({exc})"]) from exc


async def load_plan(uow: TasksUow, plan_doc: Mapping[str, Any], units_doc: Sequence[Mapping[str, Any]] | None, *,
                    config: TasksConfig, actor: str, only_if_absent: bool = False) -> LoadResult:
    """Load a plan of the 2018–2020 plan's shape (the next plan too). Idempotent: loading the same
    content again changes nothing and publishes nothing; a corrected version of a loaded plan
    replaces its tasks, matrix and targets (progress kept) but may not drop tasks."""
    if units_doc is not None and not isinstance(units_doc, list):
        raise InvalidPlan(["units: must be a list of {name, kind, lead_of, participates_in}"])
    data = parse_plan(plan_doc, units_doc, config.profiles)
    async with uow:
        existing = await uow.plans.find_plan(data.id)
        if existing is not None and (only_if_absent or existing.content_hash == data.content_hash):
            return LoadResult(data.id, "unchanged", len(data.tasks), len(data.units), len(data.targets),
                              existing.version)
        if existing is not None:
            old_numbers = {t.number for t in await uow.plans.tasks(data.id)}
            if removed := sorted(old_numbers - {t.number for t in data.tasks}):
                raise PlanRevisionRemovesTasks(data.id, removed)
        plan = await _store(uow, data, existing, config)
        change = "created" if existing is None else "updated"
        uow.record(PlanLoaded(plan_id=data.id, tasks=len(data.tasks), units=len(data.units),
                              targets=len(data.targets), title=data.title, document_number=data.document_number,
                              period_start=data.period_start, period_end=data.period_end, change=change,
                              version=plan.version),
                   subject=data.id, division=CITY, actor=actor)
        await uow.commit()
    return LoadResult(data.id, change, len(data.tasks), len(data.units), len(data.targets), plan.version)


async def _store(uow: TasksUow, data: PlanData, existing: Plan | None, config: TasksConfig) -> Plan:
    now = utc_now()
    units = await uow.plans.units_by_name()
    for spec in data.units:
        unit = units.get(spec.name)
        if unit is None:
            uow.plans.add(Unit(name=spec.name, kind=spec.kind, division_code=spec.division_code,
                               collective=spec.collective, updated_at=now))
        elif (unit.kind, unit.division_code, unit.collective) != (spec.kind, spec.division_code, spec.collective):
            unit.kind, unit.division_code, unit.collective, unit.updated_at = (
                spec.kind, spec.division_code, spec.collective, now)
    fields = dict(title=data.title, document_number=data.document_number, issued_on=data.issued_on,
                  period_start=data.period_start, period_end=data.period_end, lead_unit_rule=data.lead_unit_rule,
                  content_hash=data.content_hash, document=dict(data.metadata), loaded_at=now)
    if existing is None:
        plan = Plan(id=data.id, version=1, **fields)
        uow.plans.add(plan)
    else:
        plan = existing
        for name, value in fields.items():
            setattr(plan, name, value)
        plan.version += 1
    await uow.session.flush()

    tasks = {t.number: t for t in await uow.plans.tasks(data.id)} if existing is not None else {}
    for spec in data.tasks:
        values = dict(section=spec.section, section_title=spec.section_title, title=spec.title, body=spec.body,
                      units_text=spec.units_text, target_ids=list(spec.target_ids), notes=list(spec.notes),
                      deadlines=[{"date": d.on.isoformat() if d.on else None, "text": d.text} for d in spec.deadlines])
        task = tasks.get(spec.number)
        if task is None:
            uow.plans.add(Task(plan_id=data.id, number=spec.number, **values))
        else:
            for name, value in values.items():
                setattr(task, name, value)
    await uow.session.flush()
    await uow.plans.replace_cells(data.id, [
        TaskUnit(plan_id=data.id, task_number=number, unit=unit, role=role.value, position=position)
        for number, unit, role, position in data.matrix()])

    targets = {t.id: t for t in await uow.targets.all(data.id)} if existing is not None else {}
    for spec in data.targets:
        feed = config.feeds.get(spec.id)
        values = dict(task_number=spec.task_number, related_tasks=list(spec.related_tasks), text=spec.text,
                      metric=spec.metric, value=spec.value, value_max=spec.value_max, unit=spec.unit,
                      comparator=spec.comparator, deadline=spec.deadline, source=spec.source,
                      feed=feed.figure if feed else None, feed_source=feed.source if feed else None)
        target = targets.get(spec.id)
        if target is None:
            uow.targets.add(Target(plan_id=data.id, id=spec.id, met=False, version=1, **values))
        else:
            for name, value in values.items():
                setattr(target, name, value)
            target.version += 1
    await uow.session.flush()
    return plan
