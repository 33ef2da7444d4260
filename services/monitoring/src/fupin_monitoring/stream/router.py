"""``GET /v1/stream``: server-sent events of view changes in the caller's division."""
from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Annotated

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from fupin_monitoring.deps import LiveLag, MonitoringReader, Runtime, Uows
from fupin_monitoring.divisions import within as in_scope
from fupin_monitoring.stream.broadcaster import Change
from fupin_shared.auth.deps import check_division
from fupin_shared.http.problems import problem_responses

router = APIRouter(prefix="/v1", tags=["stream"])
HEARTBEAT_SECONDS = 15.0


def sse(event: str, data: dict) -> bytes:
    return b"event: " + event.encode() + b"\ndata: " + orjson.dumps(data) + b"\n\n"


@router.get("/stream", responses={**problem_responses(), 200: {"content": {"text/event-stream": {}},
                                                              "description": "Server-sent events"}})
async def stream(request: Request, uows: Uows, actor: MonitoringReader, runtime: Runtime, live_lag: LiveLag,
                 division: Annotated[str | None, Query(description="12-digit division code")] = None) -> StreamingResponse:
    """Events ``view`` (the figures of divisions in your scope changed: refetch them) and ``alert``
    (an alert in your scope was raised or changed), a ``hello`` on connect, comments as heartbeats.
    Where the view's consumer runs in another process, changes are detected by polling the view's
    state once a second."""
    within = check_division(actor, division)
    broadcaster = runtime.extras["broadcaster"]
    local = runtime.extras.get("view") is not None

    async def events() -> AsyncIterator[bytes]:
        queue = broadcaster.listen()
        try:
            async with uows() as uow:
                state = await uow.overview.state()
            seen = state["events_applied"] if state else 0
            yield b"retry: 3000\n\n" + sse("hello", {"division": within, "events_applied": seen, "lag_ms": live_lag})
            beat = time.monotonic()
            while True:
                try:
                    change: Change | None = await asyncio.wait_for(queue.get(), timeout=1.0)
                except TimeoutError:
                    change = None
                if change is not None:
                    if change.visible_to(within):
                        visible = sorted(code for code in change.divisions if in_scope(code, within))
                        yield sse(change.kind, {**change.data, "divisions": visible[:50]})
                        beat = time.monotonic()
                    continue
                if not local:
                    async with uows() as uow:
                        state = await uow.overview.state()
                    if state and state["events_applied"] != seen:
                        seen = state["events_applied"]
                        yield sse("view", {"divisions": [within], "events_applied": seen, "lag_ms": state["lag_ms"]})
                        beat = time.monotonic()
                if time.monotonic() - beat > HEARTBEAT_SECONDS:
                    yield b": keep-alive\n\n"
                    beat = time.monotonic()
        finally:
            broadcaster.forget(queue)

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
