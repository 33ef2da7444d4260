"""``GET /v1/stream`` over a real HTTP server: server-sent events of view changes, scoped to the
caller's division."""
from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import uuid

import httpx
import pytest
import uvicorn

from fupin_monitoring.synthetic import envelope
from fupin_shared.contracts import registry as cr

pytestmark = pytest.mark.pg

GUANGNING = "441223000000"
MINE, OTHER = "441223101201", "441224102301"


def _port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def registered(village: str):  # noqa: ANN201
    hid = uuid.uuid4()
    return envelope(cr.HouseholdRegistered(household_id=hid, village_code=village, status="applied", persons=1,
                                           year=2019), subject=hid, division=village)


async def read_events(response: httpx.Response, out: asyncio.Queue) -> None:  # noqa: ANN001
    event = None
    async for line in response.aiter_lines():
        if line.startswith("event: "):
            event = line[7:]
        elif line.startswith("data: ") and event:
            await out.put((event, json.loads(line[6:])))
            event = None


async def test_stream_sends_view_changes_in_the_callers_division_only(monitoring) -> None:  # noqa: ANN001
    await monitoring.view()
    port = _port()
    server = uvicorn.Server(uvicorn.Config(monitoring.h.app, host="127.0.0.1", port=port, log_config=None,
                                           lifespan="off"))
    task = asyncio.create_task(server.serve())
    events: asyncio.Queue = asyncio.Queue()
    try:
        while not server.started:
            await asyncio.sleep(0.05)
        headers = monitoring.auth(scopes=["monitoring:read"], division=GUANGNING)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            refused = await client.get("/v1/stream", params={"division": "441224000000"}, headers=headers)
            assert refused.status_code == 403
            async with client.stream("GET", "/v1/stream", headers=headers) as response:
                assert response.status_code == 200
                assert response.headers["content-type"].startswith("text/event-stream")
                reader = asyncio.create_task(read_events(response, events))
                hello = await asyncio.wait_for(events.get(), 10)
                assert hello[0] == "hello" and hello[1]["division"] == GUANGNING
                await monitoring.send("registry", [registered(OTHER)])
                await monitoring.send("registry", [registered(MINE)])
                kind, data = await asyncio.wait_for(events.get(), 10)
                assert kind == "view" and MINE in data["divisions"] and data["events"] == 1
                assert all(code.startswith("441223") for code in data["divisions"])
                assert events.empty()
                reader.cancel()
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 20)
