"""/healthz, /readyz, /metrics and the spine's per-request middleware (request id, metrics, log, gzip)."""
from __future__ import annotations

import os
import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, Histogram, generate_latest
from sqlalchemy import text
from starlette.datastructures import MutableHeaders
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fupin_shared.http.handlers import log_request, request_id_var

REQUESTS = Histogram("fupin_http_request_seconds", "HTTP request latency", ["service", "method", "route", "status"],
                     buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10))
_EXCLUDED = frozenset(DEFAULT_EXCLUDED_CONTENT_TYPES)


class HttpMiddleware:
    """The spine's one pure-ASGI layer around a service: per request it

    - gives the request an id (``X-Request-ID`` in, or a new one) in ``request_id_var`` and the scope's
      state, and answers it in ``X-Request-ID``;
    - observes the latency in ``fupin_http_request_seconds`` by service, method, route template, status;
    - writes one JSON log line (``log_request``: method, path, status, ms);
    - gzips bodies from ``gzip_min_bytes`` on when the request accepts gzip (Starlette's GZip, which then
      adds ``Vary: Accept-Encoding``); other requests pass straight through, with the same ``Vary`` on bodies
      that size that the GZip middleware adds for them.

    One layer instead of four (request id, metrics, GZip's identity responder, and CORS when no origin is
    configured — see ``create_service_app``): each layer costs a coroutine and a ``send`` wrapper a request.
    """

    def __init__(self, app: ASGIApp, service: str, gzip_min_bytes: int) -> None:
        self.app = app
        self.gzip_app = GZipMiddleware(app, minimum_size=gzip_min_bytes)
        self.gzip_min_bytes = gzip_min_bytes
        self.service = service
        self._observers: dict[tuple[str, str, int], Any] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = b""
        gzip = False
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                incoming = value
            elif name == b"accept-encoding" and b"gzip" in value:
                gzip = True
        # a new id: 32 random hex digits (uuid4().hex's form, without building a UUID)
        request_id = incoming.decode("latin-1") if 0 < len(incoming) <= 64 else os.urandom(16).hex()
        request_id_header = (b"x-request-id", request_id.encode("latin-1"))
        token = request_id_var.set(request_id)
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500
        held: list[Message] = []  # a response start waiting for its first body (to decide on Vary)

        async def _send(message: Message) -> None:
            nonlocal status
            kind = message["type"]
            if kind == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), request_id_header]
                if not gzip and self._may_vary(message):
                    held.append(message)
                    return
            elif held and kind == "http.response.body":
                start = held.pop()
                body = message.get("body", b"")
                if len(body) >= self.gzip_min_bytes or message.get("more_body", False):
                    _add_vary(start["headers"])
                await send(start)
            elif held:  # trailers or pathsend: the start goes first, as it is
                await send(held.pop())
            await send(message)

        try:
            await (self.gzip_app if gzip else self.app)(scope, receive, _send)
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            method = scope["method"]
            key = (method, template, status)
            if (observer := self._observers.get(key)) is None:
                observer = self._observers[key] = REQUESTS.labels(self.service, method, template, str(status))
            observer.observe(elapsed)
            log_request({"service": self.service, "method": method, "path": scope["path"], "status": status,
                         "ms": round(elapsed * 1000, 2)})
            request_id_var.reset(token)

    def _may_vary(self, start: Message) -> bool:
        """Whether a response to a request without gzip might need ``Vary: Accept-Encoding`` (a body GZip
        would have compressed for another client): not when it is encoded already, partial, of an excluded
        type, or declares a length under the minimum; undecided (``True``) until its body is seen otherwise."""
        if start["status"] == 206:
            return False
        length = None
        for name, value in start["headers"]:
            if name == b"content-encoding":
                return False
            if name == b"content-length":
                length = int(value)
            elif name == b"content-type":
                media_type = value.decode("latin-1").partition(";")[0].strip().lower()
                if media_type in _EXCLUDED or media_type.partition("/")[0] + "/*" in _EXCLUDED:
                    return False
        return length is None or length >= self.gzip_min_bytes


def _add_vary(raw: list[tuple[bytes, bytes]]) -> None:
    """``Vary: Accept-Encoding`` as GZip adds it: appended to a Vary the response has, else a header of its own."""
    if any(name == b"vary" for name, _ in raw):
        MutableHeaders(raw=raw).add_vary_header("Accept-Encoding")
    else:
        raw.append((b"vary", b"Accept-Encoding"))


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
