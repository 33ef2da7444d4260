"""Year-end snapshots: freeze (monitoring:write) and read."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import Response
from pydantic import BaseModel
import uuid

from fupin_monitoring.alerts.service import today_in_china
from fupin_monitoring.deps import MonitoringReader, MonitoringWriter, Uows
from fupin_monitoring.snapshots import service
from fupin_monitoring.snapshots.errors import SnapshotNotFound
from fupin_shared.contracts.monitoring import SNAPSHOT_METRICS
from fupin_shared.http.deps import IdempotencyDep
from fupin_shared.http.problems import problem_responses
from fupin_shared.http.responses import json_response

router = APIRouter(prefix="/v1", tags=["snapshots"])
Year = Annotated[int, Path(ge=2000, le=2100)]


class SnapshotRead(BaseModel):
    year: int
    snapshot_id: uuid.UUID
    frozen: bool = True
    frozen_at: datetime
    frozen_by: str
    as_of: datetime | None
    events_applied: int
    metric_labels: dict[str, str]
    subjects: dict[str, str]
    metrics: dict[str, dict[str, float]]


class SnapshotSummary(BaseModel):
    year: int
    snapshot_id: uuid.UUID
    frozen_at: datetime
    frozen_by: str
    as_of: datetime | None
    events_applied: int


def _read(row: dict[str, Any], status_code: int = 200) -> Response:
    return json_response(SnapshotRead(metric_labels=SNAPSHOT_METRICS, **row), status_code=status_code,
                         headers={"Location": f"snapshots/{row['year']}"})


@router.post("/snapshots/{year}/freeze", status_code=201, response_model=SnapshotRead,
             responses=problem_responses(409))
async def freeze_snapshot(year: Year, uows: Uows, actor: MonitoringWriter, idempotency: IdempotencyDep) -> Response:
    """Freeze the year-end snapshot: every ``SNAPSHOT_METRICS`` figure for the city, each county and
    each reporting unit, as the view holds them now; published as ``YearSnapshotFrozen``. A year is
    frozen once (409 after that). Honors Idempotency-Key."""

    async def action(uow) -> Response:  # noqa: ANN001
        row = await service.freeze_snapshot(uow, year, actor=actor, today_year=today_in_china().year)
        return _read(row, status_code=201)

    return await idempotency.run(uows, client_id=actor.client_id, body={"year": year}, action=action)


@router.get("/snapshots", response_model=list[SnapshotSummary], responses=problem_responses())
async def list_snapshots(uows: Uows, actor: MonitoringReader) -> Response:
    """The frozen years, oldest first."""
    async with uows() as uow:
        rows = await uow.snapshots.years()
    return json_response([SnapshotSummary(**r) for r in rows])


@router.get("/snapshots/{year}", response_model=SnapshotRead, responses=problem_responses(404))
async def get_snapshot(year: Year, uows: Uows, actor: MonitoringReader) -> Response:
    """A frozen year's metrics (a county caller sees its own county's)."""
    async with uows() as uow:
        row = await uow.snapshots.get(year)
    if row is None:
        raise SnapshotNotFound(year)
    return _read(service.visible_part(row, actor))
