"""Change feeds of de-identified microdata for the statistics bureau (scope ``feeds:read``)."""
from __future__ import annotations

import os
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, Response, StreamingResponse
from starlette.background import BackgroundTask

from fupin_registry.feeds import service
from fupin_shared.auth.deps import requires
from fupin_shared.auth.principal import Principal
from fupin_shared.http.problems import problem_responses
from fupin_shared.http.responses import json_response

router = APIRouter(prefix="/v1/feeds", tags=["feeds"])
FeedReader = Annotated[Principal, Depends(requires("feeds:read"))]
CURSOR_HEADER = "Feed-Cursor"


@router.get("/village-aggregates", responses=problem_responses())
async def village_aggregates(request: Request, actor: FeedReader) -> Response:
    """Households and persons per village and status; counts of 1 to 4 are withheld (``null``,
    named in ``suppressed``)."""
    rows = await service.village_aggregates(request.app.state.runtime, actor,
                                            request_id=request.headers.get("x-request-id"))
    return json_response({"items": rows})


@router.get("/{name}", response_class=Response, responses=problem_responses(400, 404))
async def pull_feed(request: Request, name: str, actor: FeedReader,
                    since: Annotated[str | None, Query(description="cursor of the previous pull (Feed-Cursor); "
                                                                   "empty = a snapshot of the current state")] = None,
                    format: Literal["ndjson", "csv", "parquet"] | None = None,  # noqa: A002
                    bom: bool = False) -> Response:
    """Records changed since ``since`` (all live records without it), ``op`` = ``upsert`` or
    ``delete`` (removed households, members who left), ordered by ``seq``. Resume with the
    ``Feed-Cursor`` header of the response. NDJSON by default; ``format=csv`` (``bom=true`` for
    Excel) or ``format=parquet``, or by ``Accept``."""
    accept = request.headers.get("accept", "")
    fmt = format or ("csv" if "text/csv" in accept else "parquet" if "parquet" in accept else "ndjson")
    runtime = request.app.state.runtime
    pull = await service.start(runtime, actor, name, since, request_id=request.headers.get("x-request-id"))
    headers = {CURSOR_HEADER: str(pull.high_water),
               "Link": f'<{request.url.path}?since={pull.high_water}&format={fmt}>; rel="next"'}
    if fmt == "csv":
        return StreamingResponse(service.csv_stream(pull, bom=bom), media_type="text/csv; charset=utf-8",
                                 headers={**headers, "Content-Disposition": f'attachment; filename="{name}.csv"'})
    if fmt == "parquet":
        path = await service.parquet_file(pull, str(runtime.settings.data_dir) if runtime.settings.data_dir else None)
        return FileResponse(path, media_type="application/vnd.apache.parquet", filename=f"{name}.parquet",
                            headers=headers, background=BackgroundTask(os.unlink, path))
    return StreamingResponse(service.ndjson(pull), media_type="application/x-ndjson", headers=headers)
