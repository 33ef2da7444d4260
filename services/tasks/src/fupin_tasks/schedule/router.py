"""HTTP for the working-day calendar and the reporting cadence (both data, shown as they are used)."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from fupin_shared.http.problems import problem_responses
from fupin_shared.http.responses import json_response
from pydantic import BaseModel

from fupin_tasks.deps import Config, PlanParam, TasksReader, Uows
from fupin_tasks.schedule.domain import Period

router = APIRouter(prefix="/v1", tags=["calendar and cadence"])


class HolidayRead(BaseModel):
    name: str
    name_en: str
    off_from: date
    off_to: date
    makeup_workdays: list[date]


class CalendarYear(BaseModel):
    year: int
    holidays: list[HolidayRead]
    working_days: int
    weekend_days: list[int]


class DueDate(BaseModel):
    period: str
    period_kind: str
    label_zh: str
    period_end: date
    working_days_after_period_end: int
    due_on: date


class CadenceRead(BaseModel):
    plan_id: str
    kinds: list[dict]
    periods: list[DueDate]


def _due(config, period: Period) -> DueDate:  # noqa: ANN001
    rule = config.schedule.cadence.rules[period.kind]
    return DueDate(period=period.code, period_kind=period.kind.value, label_zh=period.label_zh, period_end=period.end,
                   working_days_after_period_end=rule.working_days_after_period_end,
                   due_on=config.schedule.due_on(period))


@router.get("/calendar", response_model=CalendarYear, responses=problem_responses(409))
async def calendar(actor: TasksReader, config: Config,
                   year: Annotated[int, Query(ge=2000, le=2100)] = 2019) -> Response:
    """Public holidays and make-up working days (调休) of a year, as due dates count them."""
    cal = config.schedule.calendar
    days = cal.working_days_after(date(year, 1, 1) - timedelta(days=1), date(year, 12, 31))
    return json_response(CalendarYear(
        year=year, working_days=days, weekend_days=sorted(cal.weekend),
        holidays=[HolidayRead(name=h.name, name_en=h.name_en, off_from=h.off_from, off_to=h.off_to,
                              makeup_workdays=list(h.work)) for h in cal.holidays_in(year)]))


@router.get("/cadence", response_model=CadenceRead, responses=problem_responses(404))
async def cadence(uows: Uows, actor: TasksReader, config: Config, plan: PlanParam = None) -> Response:
    """Which periods are reported and when each is due (N working days after the period ends)."""
    async with uows() as uow:
        plan_row = await uow.plans.plan(plan)
    from_day = plan_row.issued_on or date(plan_row.period_start, 1, 1)
    periods = config.schedule.cadence.required_periods(from_day=from_day, last_year=plan_row.period_end)
    kinds = [{"kind": k.value, "label_zh": r.label_zh, "label_en": r.label_en,
              "working_days_after_period_end": r.working_days_after_period_end, "required": list(r.required)}
             for k, r in config.schedule.cadence.rules.items()]
    return json_response(CadenceRead(plan_id=plan_row.id, kinds=kinds, periods=[_due(config, p) for p in periods]))


@router.get("/due-date", response_model=DueDate, responses=problem_responses(409, 422))
async def due_date(actor: TasksReader, config: Config,
                   period: Annotated[str, Query(pattern=r"^\d{4}(Q[1-4]|H[12])?$")]) -> Response:
    """The due date of any period's report."""
    return json_response(_due(config, Period.parse(period)))

