"""The spine's one HTTP middleware (request id, metrics, JSON request log, gzip) and the CORS switch, on a
small in-memory app (no server, no database)."""
from __future__ import annotations

import gzip
import io
import logging

import httpx
import orjson
import pytest
from fastapi import FastAPI
from fastapi.responses import Response
from fastapi.middleware.cors import CORSMiddleware
from prometheus_client import REGISTRY

from fupin_shared.http.handlers import JsonFormatter, JsonLogHandler, log_request, request_id_var
from fupin_shared.http.observability import HttpMiddleware
from spine_probe.service import ProbeSettings, create_app

BIG = b"x" * 2000


def small_app() -> FastAPI:
    app = FastAPI()

    @app.get("/things/{thing_id}")
    async def thing(thing_id: int) -> Response:
        return Response(orjson.dumps({"id": thing_id, "request_id": request_id_var.get()}),
                        media_type="application/json")

    @app.get("/big")
    async def big() -> Response:
        return Response(BIG, media_type="text/plain")

    @app.get("/big-varied")
    async def big_varied() -> Response:
        return Response(BIG, media_type="text/plain", headers={"Vary": "Origin"})

    @app.get("/encoded")
    async def encoded() -> Response:
        return Response(gzip.compress(BIG), media_type="text/plain", headers={"Content-Encoding": "gzip"})

    @app.get("/boom")
    async def boom() -> Response:
        raise RuntimeError("boom")

    app.add_middleware(HttpMiddleware, service="unit", gzip_min_bytes=1024)
    return app


@pytest.fixture
async def client():
    transport = httpx.ASGITransport(app=small_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://unit") as c:
        yield c


def vary(response: httpx.Response) -> list[str]:
    return [t.strip().lower() for v in response.headers.get_list("vary") for t in v.split(",")]


async def test_a_request_id_is_taken_from_the_request_or_made_and_answered(client):
    r = await client.get("/things/1", headers={"X-Request-ID": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123" and r.json()["request_id"] == "abc-123"
    made = await client.get("/things/1", headers={"X-Request-ID": "x" * 65})  # too long: replaced
    assert len(made.headers["x-request-id"]) == 32 and made.json()["request_id"] == made.headers["x-request-id"]
    assert (await client.get("/things/1")).headers["x-request-id"] != made.headers["x-request-id"]


async def test_bodies_are_gzipped_only_for_requests_that_accept_gzip_with_one_vary_each(client):
    zipped = await client.get("/big", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip" and zipped.content == BIG
    assert vary(zipped).count("accept-encoding") == 1 and zipped.headers["x-request-id"]
    plain = await client.get("/big", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == BIG
    assert vary(plain).count("accept-encoding") == 1
    varied = await client.get("/big-varied", headers={"Accept-Encoding": "identity"})
    assert vary(varied) == ["origin", "accept-encoding"]
    small = await client.get("/things/7", headers={"Accept-Encoding": "identity"})
    assert small.json()["id"] == 7 and vary(small) == []
    encoded = await client.get("/encoded", headers={"Accept-Encoding": "identity"})
    assert encoded.headers["content-encoding"] == "gzip" and vary(encoded) == []


async def test_each_request_is_measured_by_route_template_and_status_and_logged(client, caplog):
    labels = {"service": "unit", "method": "GET", "route": "/things/{thing_id}", "status": "200"}
    before = REGISTRY.get_sample_value("fupin_http_request_seconds_count", labels) or 0
    failed = {**labels, "route": "/boom", "status": "500"}
    failed_before = REGISTRY.get_sample_value("fupin_http_request_seconds_count", failed) or 0
    with caplog.at_level(logging.INFO, logger="fupin.http"):
        await client.get("/things/3", headers={"X-Request-ID": "req-3"})
        await client.get("/things/4")
        assert (await client.get("/boom")).status_code == 500
    assert REGISTRY.get_sample_value("fupin_http_request_seconds_count", labels) == before + 2
    assert REGISTRY.get_sample_value("fupin_http_request_seconds_count", failed) == failed_before + 1
    lines = [r for r in caplog.records if r.name == "fupin.http" and r.getMessage() == "request"]
    first = lines[0].http
    assert (first["service"], first["method"], first["path"], first["status"]) == ("unit", "GET", "/things/3", 200)
    assert first["ms"] >= 0 and [r.http["status"] for r in lines] == [200, 200, 500]


def test_the_fast_request_line_is_the_line_logging_would_write(monkeypatch):
    handler = JsonLogHandler()
    handler.stream = io.StringIO()
    monkeypatch.setattr(logging.root, "handlers", [handler])
    http_log = logging.getLogger("fupin.http")
    fields = {"service": "unit", "method": "GET", "path": "/p", "status": 200, "ms": 1.5}
    token = request_id_var.set("rid-1")
    http_log.setLevel(logging.INFO)
    try:
        log_request(fields)
        record = http_log.makeRecord("fupin.http", logging.INFO, "", 0, "request", None, None, extra={"http": fields})
        expected = JsonFormatter().format(record)
    finally:
        http_log.setLevel(logging.NOTSET)
        request_id_var.reset(token)
    fast = handler.stream.getvalue()
    assert fast.endswith("\n") and fast.count("\n") == 1
    assert orjson.loads(fast) == orjson.loads(expected)
    assert orjson.loads(fast)["request_id"] == "rid-1" and orjson.loads(fast)["path"] == "/p"


def test_cors_is_installed_only_for_configured_origins(tmp_path):
    def middlewares(**settings) -> list[type]:
        app = create_app(ProbeSettings(data_dir=tmp_path, inline_workers=False, **settings))
        return [m.cls for m in app.user_middleware]

    assert middlewares() == [HttpMiddleware]
    assert middlewares(cors_origins=["https://portal.example"]) == [HttpMiddleware, CORSMiddleware]
