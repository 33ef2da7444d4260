"""The embedded default: every service mounted under /<service> in one ASGI app, SQLite, the
in-process bus, the embedded token issuer, and demo data loaded once."""
from __future__ import annotations

import asyncio
import contextlib
import logging
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
            demo_task = asyncio.create_task(_load_demo(apps), name="demo-data") if load_demo else None
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


async def _load_demo(apps: dict[str, FastAPI]) -> None:
    """Each service that ships demo data loads it once (idempotent), registry first."""
    for name, sub in apps.items():
        demo = service_module(name, "demo")
        if demo is None:
            continue
        try:
            await demo.load_demo(sub.state.runtime)
        except Exception:  # noqa: BLE001 - the platform stays up without demo data
            log.exception("demo data for %s failed", name)
