"""The overview: households and persons by status for a division, with the view's freshness."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from fupin_monitoring.deps import MonitoringReader, Uows
from fupin_monitoring.overview.schemas import Overview, StatusCount
from fupin_shared.auth.deps import check_division
from fupin_shared.http.problems import problem_responses
from fupin_shared.http.responses import json_response

router = APIRouter(prefix="/v1", tags=["overview"])


@router.get("/overview", response_model=Overview, responses=problem_responses())
async def overview(uows: Uows, actor: MonitoringReader,
                   division: Annotated[str | None, Query(description="12-digit division code")] = None,
                   year: Annotated[int | None, Query(ge=2014, le=2035)] = None) -> Response:
    """The division's figures as the view currently holds them; ``as_of`` is the time of the newest
    applied event and ``lag_ms`` how long it took from that event to the view."""
    within = check_division(actor, division)
    async with uows() as uow:
        counts = await uow.overview.households_by_status(within)
        state = await uow.overview.state()
    by_status = {s: StatusCount(households=n, persons=p) for s, (n, p) in sorted(counts.items())}
    lag = None
    if state is not None:
        lag = max(0, int((state.applied_at - state.last_event_time).total_seconds() * 1000))
    return json_response(Overview(
        division=within, year=year, households_by_status=by_status,
        households_total=sum(c.households for c in by_status.values()),
        persons_total=sum(c.persons for c in by_status.values()),
        as_of=state.last_event_time if state else None, lag_ms=lag))
