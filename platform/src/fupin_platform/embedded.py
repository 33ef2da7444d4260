"""The embedded default: every service mounted under /<service> in one ASGI app, SQLite, the
in-process bus, the embedded token issuer, and demo data loaded once."""
from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator

from fastapi import FastAPI
from fastapi.responses import JSONResponse, RedirectResponse

from fupin_platform.services import installed, service_module
from fupin_shared.auth.issuer import TokenIssuer
from fupin_shared.bus import InProcessTransport
from fupin_shared.http.handlers import install_problem_handlers
from fupin_shared.settings import ServiceSettings

log = logging.getLogger(__name__)


class EmbeddedSettings(ServiceSettings):
    service_name = "platform"


def create_embedded_app(*, load_demo: bool = True) -> FastAPI:
    settings = EmbeddedSettings()
    transport = InProcessTransport(partitions=settings.topic_partitions)
    names = installed()
    apps = {name: service_module(name).create_app(transport=transport) for name in names}

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            for sub in apps.values():
                await stack.enter_async_context(sub.router.lifespan_context(sub))
            demo_task = asyncio.create_task(load_demos(apps), name="demo-data") if load_demo else None
            try:
                yield
            finally:
                if demo_task is not None and not demo_task.done():
                    demo_task.cancel()

    root = FastAPI(title="Fupin — embedded default", lifespan=lifespan, docs_url=None, redoc_url=None)
    install_problem_handlers(root)
    root.include_router(TokenIssuer(settings).router())

    @root.get("/healthz", tags=["operations"])
    async def healthz() -> JSONResponse:
        return JSONResponse({"status": "ok", "services": {name: "mounted" for name in apps}})

    if "monitoring" in apps and service_module("monitoring", "dashboard") is not None:
        root.include_router(service_module("monitoring", "dashboard").root_router(prefix="/monitoring"))
    else:
        @root.get("/", include_in_schema=False)
        async def index() -> RedirectResponse:
            return RedirectResponse("/monitoring/v1/overview")

    for name, sub in apps.items():
        root.mount(f"/{name}", sub)
    return root


DRAIN_SECONDS = 600.0
"""How long a service's demo events may take to be published before the next demo starts anyway."""


async def load_demos(apps: dict[str, FastAPI]) -> None:
    """Each service that ships demo data loads it once (idempotent), registry first. The next
    service's demo starts once this one's events are all published (its relay has drained its
    outbox), so a loader that waits for the earlier demos to flow through its consumers (monitoring
    freezing the year-end snapshots) finds every one of their events on the bus."""
    for name, sub in apps.items():
        demo = service_module(name, "demo")
        if demo is None:
            continue
        runtime = sub.state.runtime
        try:
            await demo.load_demo(runtime)
        except Exception:  # noqa: BLE001 - the platform stays up without demo data
            log.exception("demo data for %s failed", name)
        await _published(name, runtime)


async def _published(name: str, runtime, *, limit: float = DRAIN_SECONDS) -> None:  # noqa: ANN001
    deadline = time.monotonic() + limit
    while (pending := await runtime.relay.pending_count()) > 0:
        if time.monotonic() > deadline:
            log.warning("demo data for %s: %d events still unpublished after %.0f s", name, pending, limit)
            return
        runtime.relay.signal.set()
        await asyncio.sleep(0.2)
