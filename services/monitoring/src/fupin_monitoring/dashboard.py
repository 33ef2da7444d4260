"""The live dashboard (Chinese first, English switch): served at ``/`` of the monitoring service,
and at ``/`` of the embedded default through :func:`root_router` (API calls then go to
``/monitoring/v1/…`` and the token comes from the embedded issuer's ``/auth/token``).

Static files (HTML, JS, CSS and Apache ECharts, vendored from npm into ``static/``) are served by
the monitoring app itself; nothing is loaded from a CDN.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from fupin_shared.http.problems import NotFound

STATIC = Path(__file__).parent / "static"
ASSETS = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8",
          "echarts.min.js": "text/javascript; charset=utf-8", "echarts.LICENSE.txt": "text/plain; charset=utf-8"}


@lru_cache
def _template() -> str:
    return (STATIC / "index.html").read_text(encoding="utf-8")


def render(config: dict[str, Any]) -> HTMLResponse:
    body = _template().replace("__FUPIN_CONFIG__", json.dumps(config, ensure_ascii=False).replace("</", "<\\/"))
    body = body.replace("__STATIC__", config["staticBase"])
    return HTMLResponse(body, headers={"Cache-Control": "no-cache"})


def service_router() -> APIRouter:
    """``/`` and ``/static/*`` of the monitoring app (full stack: the dashboard on its own port)."""
    router = APIRouter(include_in_schema=False)

    @router.get("/")
    async def index(request: Request) -> HTMLResponse:
        settings = request.app.state.runtime.settings
        base = request.scope.get("root_path", "")
        return render({"apiBase": base, "staticBase": f"{base}/static", "tokenUrl": None,
                       "registryBase": settings.registry_url or None})

    @router.get("/static/{name}")
    async def asset(name: str) -> Response:
        if name not in ASSETS:
            raise NotFound(f"No asset {name}.")
        return FileResponse(STATIC / name, media_type=ASSETS[name],
                            headers={"Cache-Control": "public, max-age=3600"})

    return router


def root_router(prefix: str = "/monitoring") -> APIRouter:
    """``/`` of the embedded default: the dashboard, talking to the monitoring API under ``prefix``
    and fetching a token for a demo client (city-admin by default) from ``/auth/token``."""
    router = APIRouter(include_in_schema=False)

    @router.get("/")
    async def index() -> HTMLResponse:
        return render({"apiBase": prefix, "staticBase": f"{prefix}/static", "tokenUrl": "/auth/token",
                       "registryBase": "/registry"})

    return router
