"""Exception handlers rendering problem+json; the request id and JSON logging."""
from __future__ import annotations

import contextvars
import logging
import sys
import time
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


class JsonFormatter(logging.Formatter):
    """One JSON object a line: ts (local time, to the second), level, logger, msg, request_id, extra ``http``."""

    def __init__(self) -> None:
        super().__init__()
        self._second = -1
        self._stamp = ""

    def stamp(self, created: float) -> str:
        second = int(created)
        if second != self._second:  # one strftime a second, not one a line
            self._second, self._stamp = second, time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(second))
        return self._stamp

    def entry(self, created: float, level: str, logger: str, msg: str) -> dict[str, Any]:
        entry: dict[str, Any] = {"ts": self.stamp(created), "level": level, "logger": logger, "msg": msg}
        if (rid := request_id_var.get()) is not None:
            entry["request_id"] = rid
        return entry

    def format(self, record: logging.LogRecord) -> str:
        entry = self.entry(record.created, record.levelname, record.name, record.getMessage())
        if (http := getattr(record, "http", None)) is not None:
            entry.update(http)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


class JsonLogHandler(logging.StreamHandler):
    """The JSON log handler of ``configure_logging``. ``write_request`` is the request log's fast path: the
    line its formatter would make from ``log.info("request", extra={"http": fields})``, without building a
    LogRecord (a tenth of a millisecond a request through ``Logger.info``)."""

    formatter: JsonFormatter

    def __init__(self) -> None:
        super().__init__(sys.stderr)
        self.setFormatter(JsonFormatter())

    def write_request(self, fields: dict[str, Any]) -> None:
        entry = self.formatter.entry(time.time(), "INFO", log.name, "request")
        entry.update(fields)
        line = orjson.dumps(entry, default=str).decode() + self.terminator
        with self.lock:
            self.stream.write(line)
            self.stream.flush()


def log_request(fields: dict[str, Any]) -> None:
    """The one JSON line of a request (logger ``fupin.http``, INFO): written straight by the JSON handler of
    ``configure_logging`` when it is the root logger's only handler, as configured (no filter, its formatter),
    otherwise through logging (another configuration, caplog)."""
    if not log.isEnabledFor(logging.INFO):
        return
    handlers = logging.root.handlers
    if (len(handlers) == 1 and type(handler := handlers[0]) is JsonLogHandler and handler.level <= logging.INFO
            and not handler.filters and type(handler.formatter) is JsonFormatter and not log.handlers
            and log.propagate):
        handler.write_request(fields)
    else:
        log.info("request", extra={"http": fields})


def configure_logging(level: str = "INFO", json_logs: bool = True) -> None:
    handler: logging.Handler = JsonLogHandler()
    if not json_logs:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("aiokafka").setLevel("WARNING")
    logging.getLogger("uvicorn.access").setLevel("WARNING")
