"""The overview and the figures of any division: one indexed read of its counters."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from fupin_monitoring.alerts.service import today_in_china
from fupin_monitoring.deps import LiveLag, MonitoringReader, Runtime, Uows
from fupin_monitoring.overview.cache import cache_of
from fupin_monitoring.overview.repository import division_snapshot
from fupin_monitoring.divisions import child_level, level_of
from fupin_monitoring.overview import service
from fupin_monitoring.overview.schemas import DivisionChildren, DivisionIndicators, Overview, Trends
from fupin_monitoring.view.domain import view_version
from fupin_shared.auth.deps import check_division
from fupin_shared.http.problems import problem_responses
from fupin_shared.http.responses import json_response

router = APIRouter(prefix="/v1", tags=["overview"])

Division = Annotated[str | None, Query(description="12-digit division code (default: the caller's)")]
Year = Annotated[int | None, Query(ge=2014, le=2035, description="Figures as at the end of this year")]
Code = Annotated[str, Path(pattern=r"^\d{12}$", description="12-digit division code")]


@router.get("/overview", response_model=Overview, responses=problem_responses())
async def overview(runtime: Runtime, actor: MonitoringReader, live_lag: LiveLag, division: Division = None,
                   year: Year = None) -> Response:
    """A division's figures: households and persons by status (as at the end of ``year``, or now),
    identifications, exits by path and returns of the year, 两不愁三保障 compliance, incomes against
    the line, village exits, funds allocated / disbursed / disclosed, task and report status, and
    alerts. ``as_of`` is the time of the newest event the view has applied, ``lag_ms`` how far the
    view trails the events (the delay of the newest applied batch; growing while events wait)."""
    within = check_division(actor, division)
    cache = cache_of(runtime)
    key = (within, year)
    local = runtime.extras.get("view") is not None and not runtime.extras["view"].stopped
    entry = cache.get(key, local=local)
    if entry is None and (stale := cache.stale(key)) is not None:
        _, state, alerts = await division_snapshot(runtime.engine, within, counters=False)
        if view_version(state, alerts) == stale.version:
            entry = cache.confirm(stale)
    if entry is None:
        generation = cache.generation
        rows, state, alerts = await division_snapshot(runtime.engine, within)
        flow_year = service.default_flow_year(year, state, today_in_china().year, rows)
        built = service.build_overview(within, rows, year=year, flow_year=flow_year, alert_counts=alerts,
                                       state=state, lag_ms=None)
        entry = cache.put(key, built.model_dump(mode="json"), state, alerts, generation=generation)
    document = entry.document
    if live_lag is not None:
        document = {**document, "lag_ms": live_lag}
    return json_response(document)


@router.get("/divisions/{code}/indicators", response_model=DivisionIndicators, responses=problem_responses(404))
async def division_indicators(code: Code, uows: Uows, actor: MonitoringReader, live_lag: LiveLag,
                              year: Year = None) -> Response:
    """The year-end metrics (``SNAPSHOT_METRICS``: exit rate, return rate, compliance, income,
    village exits, funds, disclosure timeliness, reports, open alerts) computed live for any
    division, and its published assessment result for the year if there is one."""
    within = check_division(actor, code, field="code")
    async with uows() as uow:
        rows = await uow.overview.rows(within)
        state = await uow.overview.state()
        open_alerts = service.active_alerts(await uow.overview.alert_counts(within))
        the_year = service.default_flow_year(year, state, today_in_china().year, rows)
        assessment = await uow.overview.assessment(the_year, within)
    return json_response(service.build_indicators(within, rows, year=the_year, open_alerts=open_alerts,
                                                  assessment=assessment, state=state, lag_ms=live_lag))


@router.get("/divisions/{code}/children", response_model=DivisionChildren, responses=problem_responses())
async def division_children(code: Code, uows: Uows, actor: MonitoringReader, live_lag: LiveLag,
                            year: Year = None) -> Response:
    """Drill-down: key figures of each child division (counties of the city, towns of a county,
    villages of a town) the view has data for."""
    within = check_division(actor, code, field="code")
    async with uows() as uow:
        state = await uow.overview.state()
        rows = await uow.overview.children_rows(within, service.SUMMARY_METRICS) if child_level(within) else {}
        codes = sorted(set(rows) | set(await uow.overview.child_codes(within)))
        alerts = await uow.overview.alert_counts_of(codes)
        own = await uow.overview.rows(within, metrics=service.SUMMARY_METRICS) if year is None else []
    flow_year = service.default_flow_year(year, state, today_in_china().year, own)
    children = [service.build_summary(c, rows.get(c, []), year=year, flow_year=flow_year, open_alerts=alerts.get(c, 0))
                for c in codes]
    as_of, lag = service.freshness(state, live_lag)
    return json_response(DivisionChildren(division=within, level=level_of(within), year=year, flow_year=flow_year,
                                          children=children, as_of=as_of, lag_ms=lag))


@router.get("/divisions/{code}/trends", response_model=Trends, responses=problem_responses())
async def division_trends(code: Code, uows: Uows, actor: MonitoringReader, live_lag: LiveLag) -> Response:
    """Year by year: identified, exited and poor households at each year's end, exits, returns and
    identifications in the year, funds, compliance."""
    within = check_division(actor, code, field="code")
    async with uows() as uow:
        rows = await uow.overview.rows(within)
        state = await uow.overview.state()
    return json_response(service.build_trends(within, rows, state=state, lag_ms=live_lag))
