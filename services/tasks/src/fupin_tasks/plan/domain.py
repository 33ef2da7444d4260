"""The plan as data: parsing and checking a plan document, and the responsibility matrix.

The plan states its own rule (document.lead_unit_rule): "列在任务分工首位的为牵头单位，其他为主要参加
单位" — the first listed unit leads, the others take part. ``lead_units`` of a task is that first
entry (a few tasks list several counties jointly in first place); ``participating_units`` the rest.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from fupin_tasks.plan.errors import InvalidPlan


class Role(StrEnum):
    LEAD = "lead"
    PARTICIPANT = "participant"


ROLE_LABELS = {Role.LEAD: ("牵头", "lead"), Role.PARTICIPANT: ("参与", "participant")}
UNIT_KINDS = {
    "government": ("党委和政府", "party committees and governments"),
    "county": ("县（市、区）党委和政府", "county-level party committee and government"),
    "department": ("市直部门", "city department"),
    "party": ("党委工作部门", "party body"),
    "bank": ("金融监管机构", "financial regulator"),
    "enterprise": ("企业", "enterprise"),
    "other": ("其他单位", "other body"),
}


@dataclass(frozen=True)
class Deadline:
    on: date | None
    text: str


@dataclass(frozen=True)
class TargetSpec:
    id: str
    text: str
    metric: str
    value: float | None
    unit: str | None
    deadline: date | None
    comparator: str | None
    source: str
    task_number: int | None
    related_tasks: tuple[int, ...] = ()
    value_max: float | None = None

    @property
    def quantitative(self) -> bool:
        return self.value is not None and self.comparator is not None


@dataclass(frozen=True)
class TaskSpec:
    number: int
    section: str
    section_title: str
    title: str
    body: str
    lead_units: tuple[str, ...]
    participating_units: tuple[str, ...]
    units_text: str
    deadlines: tuple[Deadline, ...]
    target_ids: tuple[str, ...]
    notes: tuple[str, ...]

    def role_of(self, unit: str) -> Role | None:
        if unit in self.lead_units:
            return Role.LEAD
        if unit in self.participating_units:
            return Role.PARTICIPANT
        return None


@dataclass(frozen=True)
class UnitSpec:
    name: str
    kind: str
    division_code: str
    collective: bool


@dataclass(frozen=True)
class PlanData:
    id: str
    title: str
    document_number: str
    issued_on: date | None
    period_start: int
    period_end: int
    lead_unit_rule: str
    tasks: tuple[TaskSpec, ...]
    targets: tuple[TargetSpec, ...]
    units: tuple[UnitSpec, ...]
    metadata: Mapping[str, Any] = field(default_factory=dict)
    content_hash: str = ""

    def task(self, number: int) -> TaskSpec | None:
        return next((t for t in self.tasks if t.number == number), None)

    def matrix(self) -> list[tuple[int, str, Role, int]]:
        """(task number, unit, role, position in the task's list) for every cell of the matrix."""
        cells = []
        for task in self.tasks:
            for position, unit in enumerate((*task.lead_units, *task.participating_units)):
                role = Role.LEAD if position < len(task.lead_units) else Role.PARTICIPANT
                cells.append((task.number, unit, role, position))
        return cells


@dataclass(frozen=True)
class UnitProfiles:
    """Facts about units the plan text does not state (collective names, county divisions)."""

    collective_units: frozenset[str] = frozenset()
    collective_prefixes: tuple[str, ...] = ("各",)
    divisions: Mapping[str, str] = field(default_factory=dict)
    city_division: str = "441200000000"

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> UnitProfiles:
        return cls(collective_units=frozenset(data.get("collective_units", [])),
                   collective_prefixes=tuple(data.get("collective_prefixes", ["各"])),
                   divisions=dict(data.get("divisions", {})),
                   city_division=data.get("city_division", "441200000000"))

    def is_collective(self, name: str) -> bool:
        """A name standing for many bodies (各级党委和政府, …): nobody reports in its name."""
        return name in self.collective_units or name.startswith(self.collective_prefixes)

    def division_of(self, name: str) -> str:
        return self.divisions.get(name, self.city_division)


def content_hash(plan_doc: Mapping[str, Any], units_doc: Sequence[Mapping[str, Any]] | None) -> str:
    canonical = json.dumps({"plan": plan_doc, "units": units_doc}, ensure_ascii=False, sort_keys=True,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def plan_id_of(plan_doc: Mapping[str, Any]) -> str:
    document = plan_doc.get("document") or {}
    if isinstance(document.get("id"), str) and document["id"].strip():
        return document["id"].strip()
    period = document.get("period") or {}
    return f"{period.get('start')}-{period.get('end')}"


def _date(value: Any, where: str, problems: list[str]) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problems.append(f"{where}: {value!r} is not a date (YYYY-MM-DD)")
        return None


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    return float(value) if isinstance(value, int | float) else None


def parse_plan(plan_doc: Mapping[str, Any], units_doc: Sequence[Mapping[str, Any]] | None,
               profiles: UnitProfiles) -> PlanData:
    """Check a plan document (the shape of plan.json, with units.json) and return it as data.

    Every problem is collected and reported at once (``InvalidPlan``); nothing is partially loaded.
    Checks: task numbers unique and consecutive from 1; every task has a section of the plan, a
    title and at least one lead unit; every target a task refers to exists; a unit listed twice on
    one task is refused; when a units list is given, every unit of the tasks is in it and its
    ``lead_of``/``participates_in`` agree with the tasks."""
    problems: list[str] = []
    if not isinstance(plan_doc, Mapping):
        raise InvalidPlan(["the plan must be a JSON object"])
    document = plan_doc.get("document")
    if not isinstance(document, Mapping):
        raise InvalidPlan(["document: missing (title, number, date, period, lead_unit_rule)"])
    period = document.get("period") or {}
    start, end = period.get("start"), period.get("end")
    if not (isinstance(start, int) and isinstance(end, int) and 2000 <= start <= end <= 2100):
        problems.append("document.period: start and end years are required (start <= end)")
        start = end = 0
    issued_on = _date(document.get("date"), "document.date", problems)
    for key in ("title", "lead_unit_rule"):
        if not isinstance(document.get(key), str) or not document[key].strip():
            problems.append(f"document.{key}: required")
    sections = {s.get("number"): s.get("title", "") for s in plan_doc.get("sections") or [] if isinstance(s, Mapping)}
    raw_tasks = plan_doc.get("tasks")
    if not isinstance(raw_tasks, list) or not raw_tasks:
        raise InvalidPlan([*problems, "tasks: at least one task is required"])

    raw_targets = [t for t in plan_doc.get("targets") or [] if isinstance(t, Mapping)]
    target_ids = [t.get("id") for t in raw_targets]
    if len(set(target_ids)) != len(target_ids) or any(not isinstance(i, str) or not i for i in target_ids):
        problems.append("targets: every target needs a unique id")
    target_owner: dict[str, int] = {}

    tasks: list[TaskSpec] = []
    numbers: list[int] = []
    for i, raw in enumerate(raw_tasks):
        where = f"tasks[{i}]"
        if not isinstance(raw, Mapping):
            problems.append(f"{where}: must be an object")
            continue
        number = raw.get("number")
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            problems.append(f"{where}.number: a positive integer is required")
            continue
        numbers.append(number)
        where = f"task {number}"
        leads = [u for u in raw.get("lead_units") or [] if isinstance(u, str) and u.strip()]
        participants = [u for u in raw.get("participating_units") or [] if isinstance(u, str) and u.strip()]
        if not leads:
            problems.append(f"{where}: lead_units must name the first listed unit")
        listed = [*leads, *participants]
        if len(set(listed)) != len(listed):
            problems.append(f"{where}: a unit is listed more than once")
        section = raw.get("section")
        if section not in sections:
            problems.append(f"{where}: section {section!r} is not a section of the plan")
        if not isinstance(raw.get("title"), str) or not raw["title"].strip():
            problems.append(f"{where}: title required")
        deadlines = []
        for d in raw.get("deadlines") or []:
            if isinstance(d, Mapping):
                deadlines.append(Deadline(on=_date(d.get("date"), f"{where}.deadlines", problems),
                                          text=str(d.get("text", ""))))
        refs = [str(t) for t in raw.get("targets") or []]
        for ref in refs:
            if ref not in target_ids:
                problems.append(f"{where}: target {ref} is not defined in targets")
            target_owner.setdefault(ref, number)
        tasks.append(TaskSpec(
            number=number, section=str(section), section_title=str(sections.get(section, "")),
            title=str(raw.get("title", "")).strip(), body=str(raw.get("body", "")), lead_units=tuple(leads),
            participating_units=tuple(participants), units_text=str(raw.get("units_text", "")),
            deadlines=tuple(deadlines), target_ids=tuple(refs),
            notes=tuple(str(n) for n in raw.get("notes") or [])))
    if sorted(numbers) != list(range(1, len(numbers) + 1)):
        problems.append(f"tasks: numbers must be unique and run from 1 to {len(numbers)}")

    targets = []
    for raw in raw_targets:
        tid = str(raw.get("id"))
        deadline = _date(raw.get("deadline"), f"target {tid}.deadline", problems)
        comparator = raw.get("comparator")
        if comparator not in (None, "=", ">=", "<=", "range"):
            problems.append(f"target {tid}: comparator {comparator!r} is not one of =, >=, <=, range")
        related = tuple(int(n) for n in raw.get("related_tasks") or [] if isinstance(n, int))
        targets.append(TargetSpec(
            id=tid, text=str(raw.get("text", "")), metric=str(raw.get("metric", "")), value=_number(raw.get("value")),
            unit=raw.get("unit"), deadline=deadline, comparator=comparator, source=str(raw.get("source", "")),
            task_number=target_owner.get(tid), related_tasks=related, value_max=_number(raw.get("value_max"))))

    names_in_tasks = {u for t in tasks for u in (*t.lead_units, *t.participating_units)}
    units: list[UnitSpec] = []
    if units_doc is not None:
        declared = {}
        for raw in units_doc:
            if not isinstance(raw, Mapping) or not isinstance(raw.get("name"), str):
                problems.append("units: every unit needs a name")
                continue
            declared[raw["name"]] = raw
        for name in sorted(names_in_tasks - set(declared)):
            problems.append(f"units: {name} appears in the tasks but not in the units list")
        for name, raw in declared.items():
            lead_of = sorted(t.number for t in tasks if name in t.lead_units)
            part_of = sorted(t.number for t in tasks if name in t.participating_units)
            if "lead_of" in raw and sorted(raw.get("lead_of") or []) != lead_of:
                problems.append(f"units: {name}.lead_of {raw.get('lead_of')} disagrees with the tasks {lead_of}")
            if "participates_in" in raw and sorted(raw.get("participates_in") or []) != part_of:
                problems.append(f"units: {name}.participates_in disagrees with the tasks {part_of}")
            kind = str(raw.get("kind") or "other")
            units.append(UnitSpec(name=name, kind=kind if kind in UNIT_KINDS else "other",
                                  division_code=profiles.division_of(name), collective=profiles.is_collective(name)))
    else:
        units = [UnitSpec(name=n, kind="other", division_code=profiles.division_of(n),
                          collective=profiles.is_collective(n)) for n in sorted(names_in_tasks)]
    if problems:
        raise InvalidPlan(problems)
    metadata = {k: plan_doc.get(k) for k in ("document", "general_requirements", "principles", "sections")}
    return PlanData(
        id=plan_id_of(plan_doc), title=str(document["title"]).strip(), document_number=str(document.get("number", "")),
        issued_on=issued_on, period_start=start, period_end=end, lead_unit_rule=str(document["lead_unit_rule"]),
        tasks=tuple(sorted(tasks, key=lambda t: t.number)), targets=tuple(targets),
        units=tuple(sorted(units, key=lambda u: u.name)), metadata=metadata,
        content_hash=content_hash(plan_doc, list(units_doc) if units_doc is not None else None))


def first_reporting_day(plan: PlanData) -> date:
    """Reporting starts with the first period ending on or after the plan's issue date."""
    return plan.issued_on or date(plan.period_start, 1, 1)
