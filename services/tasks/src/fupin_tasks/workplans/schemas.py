"""Request and response models of work plans. Owners' names are masked unless pii:read."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from fupin_shared.auth import mask_name
from pydantic import BaseModel, Field, StringConstraints

from fupin_tasks.schemas import Schema, UnitName
from fupin_tasks.workplans.domain import Milestone, MilestoneStatus
from fupin_tasks.workplans.models import WorkPlan


class OwnerIn(Schema):
    name: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    post: Annotated[str, StringConstraints(max_length=60)] = ""


class MilestoneIn(Schema):
    title: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    due_on: date
    owner: OwnerIn = Field(description="The person responsible (落实到人) and their post")
    status: MilestoneStatus = MilestoneStatus.PLANNED
    done_on: date | None = None

    def to_domain(self) -> Milestone:
        return Milestone(title=self.title, due_on=self.due_on, owner_name=self.owner.name, owner_post=self.owner.post,
                         status=self.status, done_on=self.done_on)


class WorkPlanCreate(Schema):
    unit: UnitName | None = None
    year: Annotated[int, Field(ge=2000, le=2100)]
    summary: Annotated[str, StringConstraints(max_length=5000)] = ""
    milestones: Annotated[list[MilestoneIn], Field(min_length=1, max_length=50)]


class WorkPlanRevise(Schema):
    summary: Annotated[str, StringConstraints(max_length=5000)] = ""
    milestones: Annotated[list[MilestoneIn], Field(min_length=1, max_length=50)]


class OwnerRead(BaseModel):
    name: str
    post: str


class MilestoneRead(BaseModel):
    title: str
    due_on: date
    owner: OwnerRead
    status: str
    done_on: date | None


class WorkPlanRead(BaseModel):
    id: uuid.UUID
    plan_id: str
    task_number: int
    unit: str
    role: str
    division_code: str
    year: int
    summary: str
    milestones: list[MilestoneRead]
    milestones_done: int
    created_by: str
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, w: WorkPlan, *, unmasked: bool) -> WorkPlanRead:
        items = [MilestoneRead(title=m["title"], due_on=m["due_on"], status=m["status"], done_on=m.get("done_on"),
                               owner=OwnerRead(name=m["owner_name"] if unmasked else mask_name(m["owner_name"]),
                                               post=m.get("owner_post", "")))
                 for m in w.milestones or []]
        return cls(id=w.id, plan_id=w.plan_id, task_number=w.task_number, unit=w.unit, role=w.role,
                   division_code=w.division_code, year=w.year, summary=w.summary, milestones=items,
                   milestones_done=sum(1 for m in items if m.status == "done"), created_by=w.created_by,
                   version=w.version, created_at=w.created_at, updated_at=w.updated_at)


class WorkPlanPage(BaseModel):
    items: list[WorkPlanRead]
    next_cursor: str | None = None
