"""/healthz, /readyz, /metrics and the per-request Prometheus middleware."""
from __future__ import annotations

import time

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, Histogram, generate_latest
from sqlalchemy import text

REQUESTS = Histogram("fupin_http_request_seconds", "HTTP request latency", ["service", "method", "route", "status"],
                     buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10))


class MetricsMiddleware:
    def __init__(self, app, service: str) -> None:  # noqa: ANN001
        self.app = app
        self.service = service

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500}

        async def _send(message) -> None:  # noqa: ANN001
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, _send)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            REQUESTS.labels(self.service, scope["method"], template, str(status["code"])).observe(
                time.perf_counter() - started)


def health_router() -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", summary="Liveness: the process answers")
    async def healthz(request: Request) -> dict[str, str]:
        return {"status": "ok", "service": request.app.state.runtime.settings.service_name}

    @router.get("/readyz", summary="Readiness: database reachable, workers running")
    async def readyz(request: Request) -> Response:
        runtime = request.app.state.runtime
        checks: dict[str, str] = {}
        try:
            async with runtime.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            checks["database"] = "ok"
        except Exception as exc:  # noqa: BLE001
            checks["database"] = f"error: {type(exc).__name__}"
        for task in runtime.tasks:
            checks[task.get_name()] = "ok" if not task.done() else "stopped"
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse({"status": "ready" if ready else "not-ready", "checks": checks},
                            status_code=200 if ready else 503)

    @router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        runtime = request.app.state.runtime
        if runtime.relay is not None:
            from fupin_shared.outbox.relay import PENDING

            PENDING.labels(runtime.settings.service_name).set(await runtime.relay.pending_count())
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router
