"""Rules of work plans: a unit breaks its task into the year's milestones, each with an owner
(分解到年、落实到人, plan task 26)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from fupin_tasks.workplans.errors import InvalidMilestones


class MilestoneStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


@dataclass(frozen=True)
class Milestone:
    title: str
    due_on: date
    owner_name: str
    owner_post: str
    status: MilestoneStatus = MilestoneStatus.PLANNED
    done_on: date | None = None


def check_milestones(milestones: Sequence[Milestone], *, year: int, plan_start: int, plan_end: int) -> None:
    """The year lies in the plan period; every milestone falls due in that year; a done date only
    on a done milestone, and not before the year starts; titles unique."""
    errors = []
    if not plan_start <= year <= plan_end:
        errors.append({"pointer": "#/year", "detail": f"{year} is outside the plan period {plan_start}–{plan_end}"})
    seen = set()
    for i, m in enumerate(milestones):
        if m.due_on.year != year:
            errors.append({"pointer": f"#/milestones/{i}/due_on", "detail": f"must fall in {year}"})
        if m.done_on is not None and m.status is not MilestoneStatus.DONE:
            errors.append({"pointer": f"#/milestones/{i}/done_on", "detail": "only a done milestone has a done date"})
        if m.done_on is not None and m.done_on.year < year:
            errors.append({"pointer": f"#/milestones/{i}/done_on", "detail": f"cannot be before {year}"})
        if m.title in seen:
            errors.append({"pointer": f"#/milestones/{i}/title", "detail": "duplicate milestone title"})
        seen.add(m.title)
    if errors:
        raise InvalidMilestones(errors)


def done_count(milestones: Sequence[Milestone]) -> int:
    return sum(1 for m in milestones if m.status is MilestoneStatus.DONE)
