"""HTTP for the overdue list by unit."""
from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from fupin_shared.auth.deps import check_division
from fupin_shared.db import utc_now
from fupin_shared.http.deps import Cursor
from fupin_shared.http.pagination import decode_cursor, page_of
from fupin_shared.http.problems import problem_responses
from fupin_shared.http.responses import json_response
from pydantic import BaseModel

from fupin_tasks.deps import Config, PageLimit, PlanParam, TasksReader, Uows
from fupin_tasks.overdue.service import overdue_snapshot

router = APIRouter(prefix="/v1", tags=["overdue"])

CITY_WIDE = "（全市目标）"


class OverdueEntry(BaseModel):
    kind: str
    """``report`` (not submitted by its due date), ``finding`` (rectification overdue) or ``target``
    (deadline passed, target not met; attributed to the task's lead units)."""
    task_number: int | None
    period: str | None
    role: str | None
    due_on: date
    working_days_overdue: int | None
    finding_id: str | None
    target_id: str | None
    title: str | None


class UnitOverdue(BaseModel):
    unit: str
    division_code: str
    reports: int
    findings: int
    targets: int
    items: list[OverdueEntry]


class OverduePage(BaseModel):
    plan_id: str
    as_of: date
    items: list[UnitOverdue]
    next_cursor: str | None = None


@router.get("/overdue", response_model=OverduePage, responses=problem_responses(400, 404, 409))
async def overdue(uows: Uows, actor: TasksReader, config: Config, plan: PlanParam = None,
                  as_of: Annotated[date | None, Query(description="Judge as of this date (default: today, UTC+8)")] = None,
                  division: Annotated[str | None, Query(description="12-digit division code")] = None,
                  unit: Annotated[str | None, Query(max_length=80)] = None,
                  kind: Annotated[str | None, Query(pattern="^(report|finding|target)$")] = None,
                  cursor: Cursor = None, limit: PageLimit = 50) -> Response:
    """What is overdue, by unit: reports not submitted by their working-day deadline, findings not
    rectified by their deadline, and targets whose deadline passed unmet. Units in name order."""
    within = check_division(actor, division)
    today = as_of or config.schedule.cadence.today(utc_now())
    filters = {"plan": plan, "as_of": today.isoformat(), "division": within, "unit": unit, "kind": kind}
    last = decode_cursor(cursor, filters)
    async with uows() as uow:
        plan_row = await uow.plans.plan(plan)
        items = await overdue_snapshot(uow, plan_row, today=today, config=config, within=within)
    groups: dict[str, UnitOverdue] = {}
    for item in sorted(items, key=lambda i: (i.due_on, i.task_number or 0, i.period or "")):
        name = item.unit or CITY_WIDE
        if (unit is not None and name != unit) or (kind is not None and item.kind != kind):
            continue
        group = groups.setdefault(name, UnitOverdue(unit=name, division_code=item.division_code, reports=0,
                                                    findings=0, targets=0, items=[]))
        setattr(group, item.kind + "s", getattr(group, item.kind + "s") + 1)
        group.items.append(OverdueEntry(kind=item.kind, task_number=item.task_number, period=item.period,
                                        role=item.role, due_on=item.due_on,
                                        working_days_overdue=item.working_days_overdue, finding_id=item.finding_id,
                                        target_id=item.target_id, title=item.title))
    ordered = [groups[name] for name in sorted(groups) if last is None or name > last[0]]
    page, next_cursor = page_of(ordered[:limit + 1], limit, lambda g: [g.unit], filters)
    return json_response(OverduePage(plan_id=plan_row.id, as_of=today, items=page, next_cursor=next_cursor))
