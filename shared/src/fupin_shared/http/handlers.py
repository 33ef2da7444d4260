"""Exception handlers rendering problem+json; request-id middleware and JSON logging."""
from __future__ import annotations

import contextvars
import json
import logging
import sys
import time
import uuid
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from fupin_shared.http.problems import PROBLEM_BASE, PROBLEM_JSON, DomainError, StaleVersion

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
log = logging.getLogger("fupin.http")


def problem_response(request: Request, status: int, body: dict[str, Any],
                     headers: dict[str, str] | None = None) -> Response:
    body.setdefault("instance", request.url.path)
    # the 500 handler runs outside the request-id middleware: fall back to the id kept in the scope
    body["request_id"] = request_id_var.get() or request.scope.get("state", {}).get("request_id")
    return Response(orjson.dumps(body), status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _pointer(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header"}:
        where, rest = parts[0], parts[1:]
        return ("#/" + "/".join(rest)) if where == "body" else f"{where}:{'/'.join(rest)}"
    return "#/" + "/".join(parts)


def _unstorable_input(exc: DBAPIError) -> bool:
    """PostgreSQL's class 22 (data exception) but division by zero: a value the statement was given that
    the column type cannot hold — a NUL in text (22021), an integer beyond int4 (22000, raised by asyncpg
    while encoding the argument), … The statements are fixed, so the value came from the request."""
    code = str(getattr(exc.orig, "pgcode", None) or getattr(exc.orig, "sqlstate", None) or "")
    return code.startswith("22") and code != "22012"


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> Response:
        return problem_response(request, exc.status, exc.body(), exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = [{"pointer": _pointer(tuple(e.get("loc", ()))), "detail": e.get("msg", "invalid")}
                  for e in exc.errors()]
        return problem_response(request, 422, {
            "type": PROBLEM_BASE + "validation-error", "title": "The request is not valid",
            "status": 422, "detail": f"{len(errors)} field(s) are not valid.", "errors": errors})

    @app.exception_handler(StaleDataError)
    async def _stale(request: Request, exc: StaleDataError) -> Response:
        # a concurrent writer committed between our read and our flush (version_id_col re-check)
        return problem_response(request, 412, StaleVersion(
            "The resource was changed by a concurrent request; read it again.").body())

    @app.exception_handler(DBAPIError)
    async def _database(request: Request, exc: DBAPIError) -> Response:
        if not _unstorable_input(exc):
            return await _unexpected(request, exc)
        log.warning("input the database cannot hold on %s %s: %s", request.method, request.url.path, exc.orig)
        return problem_response(request, 422, {
            "type": PROBLEM_BASE + "value-not-storable", "title": "The request is not valid", "status": 422,
            "detail": "A value of the request cannot be stored or compared (a NUL character in text, a number "
                      "out of range, …)."})

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        slug = {404: "not-found", 405: "method-not-allowed", 406: "not-acceptable",
                415: "unsupported-media-type"}.get(exc.status_code, f"http-{exc.status_code}")
        return problem_response(request, exc.status_code, {
            "type": PROBLEM_BASE + slug, "title": str(exc.detail) if exc.detail else slug,
            "status": exc.status_code, "detail": str(exc.detail)}, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(request, 500, {
            "type": PROBLEM_BASE + "internal-error", "title": "Internal error", "status": 500,
            "detail": "An unexpected error occurred; quote the request_id when reporting it."})


class RequestContextMiddleware:
    """Gives every request an id (``X-Request-ID`` in and out) and logs one JSON line per request."""

    def __init__(self, app, service: str) -> None:  # noqa: ANN001 - ASGI app
        self.app = app
        self.service = service

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if 0 < len(incoming) <= 64 else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status_holder = {"status": 500}

        async def _send(message) -> None:  # noqa: ANN001
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [(b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, _send)
        finally:
            log.info("request", extra={"http": {
                "service": self.service, "method": scope["method"], "path": scope["path"],
                "status": status_holder["status"], "ms": round((time.perf_counter() - started) * 1000, 2)}})
            request_id_var.reset(token)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {"ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"), "level": record.levelname,
                                 "logger": record.name, "msg": record.getMessage()}
        if (rid := request_id_var.get()) is not None:
            entry["request_id"] = rid
        if hasattr(record, "http"):
            entry.update(record.http)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(level: str = "INFO", json_logs: bool = True) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if json_logs else logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("aiokafka").setLevel("WARNING")
    logging.getLogger("uvicorn.access").setLevel("WARNING")
