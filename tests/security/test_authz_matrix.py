"""Authorization matrix: every route of every service's OpenAPI document, called with no token, with a
token carrying no scope of the service, with each demo role, and with a county officer of another county.

New routes are covered automatically (the test walks the OpenAPI paths); only PUBLIC routes are exempt
from authentication. Each service runs in-process on a fresh migrated PostgreSQL database.
"""
from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import text

from fupin_shared.auth.issuer import DEMO_CLIENTS
from fupin_shared.bus import InProcessTransport
from fupin_shared.testing import ServiceHarness

pytestmark = pytest.mark.pg

PUBLIC = re.compile(r"^(/public(/.*)?|/healthz|/readyz|/metrics|/auth/token|/\.well-known/jwks\.json|"
                    r"/openapi\.json|/docs.*|/redoc.*)$")
WRITE_METHODS = {"post", "put", "patch", "delete"}
# Reference data without personal data that a service serves without a token (reported, kept explicit).
# funds' code lists (labels of codes) and the tasks' printable responsibility matrix (a published plan).
PUBLIC_PER_SERVICE = {("funds", "/v1/code-lists"), ("tasks", "/v1/matrix.html")}
# POST routes that only read (a search with a body): they need the read scope, not a write scope
READ_ONLY_POSTS = {("registry", "/v1/dci/registry/search"), ("registry", "/v1/dci/registry/txn/status")}
OWN_COUNTY, OTHER_COUNTY = "441223000000", "441224000000"
OTHER_VILLAGE = "441224100200"


@dataclass(frozen=True)
class Service:
    name: str
    app_module: str
    settings_module: str
    settings_class: str


SERVICES = [
    Service("registry", "fupin_registry.app", "fupin_registry.settings", "RegistrySettings"),
    Service("funds", "fupin_funds.app", "fupin_funds.settings", "FundsSettings"),
    Service("tasks", "fupin_tasks.app", "fupin_tasks.settings", "TasksSettings"),
    Service("assessment", "fupin_assessment.app", "fupin_assessment.settings", "AssessmentSettings"),
    Service("monitoring", "fupin_monitoring.app", "fupin_monitoring.settings", "MonitoringSettings"),
]


@pytest.fixture(params=SERVICES, ids=lambda s: s.name)
async def service(request, migrated_pg, key_file, topic_prefix, tmp_path) -> AsyncIterator[tuple[Service, ServiceHarness]]:
    import importlib

    spec: Service = request.param
    app_module = importlib.import_module(spec.app_module)
    settings_cls = getattr(importlib.import_module(spec.settings_module), spec.settings_class)
    url = await migrated_pg(app_module.MIGRATIONS)
    transport = InProcessTransport()
    harness = ServiceHarness(app_module.create_app,
                             settings_cls(database_url=url, auth_key_file=key_file, topic_prefix=topic_prefix,
                                          bus="memory", data_dir=tmp_path), transport=transport)
    harness.bus = transport  # type: ignore[attr-defined]
    async with harness.running():
        yield spec, harness


def operations(openapi: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, op) for path, item in openapi["paths"].items() for method, op in item.items()
            if method in {"get", "post", "put", "patch", "delete"}]


def fill(path: str, op: dict[str, Any], ident: str) -> str:
    """Path parameters: uuids get ``ident`` (the other county's record), integers 1, codes the other county."""
    params = {p["name"]: p for p in op.get("parameters", []) if p.get("in") == "path"}

    def value(match: re.Match[str]) -> str:
        schema = params.get(match.group(1), {}).get("schema", {})
        types = {schema.get("type")} | {s.get("type") for s in schema.get("anyOf", [])}
        if schema.get("format") == "uuid" or any(s.get("format") == "uuid" for s in schema.get("anyOf", [])):
            return ident
        if "integer" in types:
            return "2024" if "year" in match.group(1) else "1"
        if re.search(r"division|code|county|village", match.group(1)):
            return OTHER_COUNTY
        return ident
    return re.sub(r"\{([^}]+)\}", value, path)


class _Streaming:
    """Stand-in for a response that is still streaming (the SSE stream) after the deadline: authorized."""
    status_code, text = 200, ""


async def request(client, method: str, url: str, headers: dict[str, str], params: dict[str, str] | None = None):  # noqa: ANN001, ANN201
    try:
        return await asyncio.wait_for(client.request(method.upper(), url, headers=headers, params=params,
                                                     **({"json": {}} if method in WRITE_METHODS else {})), 3)
    except TimeoutError:
        return _Streaming()


def role_headers(harness: ServiceHarness, client_id: str) -> dict[str, str]:
    client = DEMO_CLIENTS[client_id]
    return harness.auth(client_id=client_id, scopes=list(client.scopes), division=client.division,
                        **({"unit": client.unit} if client.unit else {}))


async def seed_other_county(spec: Service, harness: ServiceHarness) -> list[str]:
    """Data of 441224 the 441223 officer must never see; returns strings that identify it."""
    admin = role_headers(harness, "city-admin")
    if spec.name == "registry":
        from fupin_registry.households import idnumber
        from datetime import date
        body = {"village_code": OTHER_VILLAGE, "labour_type": "labour", "poverty_causes": ["illness"],
                "head": {"name": "梁秘密", "id_number": idnumber.make("441224", date(1966, 3, 1), 17)},
                "members": [], "phone": "13912345678"}
        r = await harness.client.post("/v1/households", json=body, headers={**admin, "Idempotency-Key": "seed"})
        assert r.status_code == 201, r.text
        return [r.json()["id"], body["head"]["id_number"], "梁秘密"]
    if spec.name == "funds":
        from fupin_funds.testing import HUAIJI_VILLAGE, Funds
        funds = Funds(harness, harness.bus)  # type: ignore[attr-defined]
        ids = await funds.households(HUAIJI_VILLAGE, n=1)
        return [str(i) for i in ids]
    return [str(uuid.uuid4())]


async def test_every_route_is_authorized_and_county_scoped(service) -> None:
    spec, harness = service
    secrets = await seed_other_county(spec, harness)
    openapi = (await harness.client.get("/openapi.json")).json()
    ops = operations(openapi)
    assert ops, "no operations in the OpenAPI document"
    client = harness.client
    no_scope = harness.auth(scopes=["nothing:read"], division=OWN_COUNTY)
    # every write route needs a write scope (its service's, or webhooks:write / signals:write)
    without_write = harness.auth(scopes=[s for s in DEMO_CLIENTS["city-admin"].scopes if not s.endswith(":write")])
    roles = {cid: role_headers(harness, cid) for cid in DEMO_CLIENTS}
    failures: list[str] = []
    for path, method, op in ops:
        url = fill(path, op, secrets[0])
        public = bool(PUBLIC.match(path)) or (spec.name, path) in PUBLIC_PER_SERVICE
        call = lambda headers, u=url, m=method: request(client, m, u, headers)  # noqa: E731
        r = await call({})
        if not public and r.status_code != 401:
            failures.append(f"{method.upper()} {path} without token: {r.status_code}")
        if public:
            continue
        r = await call(no_scope)
        if r.status_code != 403:
            failures.append(f"{method.upper()} {path} with no scope of {spec.name}: {r.status_code}")
        if method in WRITE_METHODS and (spec.name, path) not in READ_ONLY_POSTS:
            r = await call(without_write)
            if r.status_code != 403:
                failures.append(f"{method.upper()} {path} without any write scope: {r.status_code}")
        for cid, headers in roles.items():
            r = await call(headers)
            if r.status_code >= 500:
                failures.append(f"{method.upper()} {path} as {cid}: {r.status_code} {r.text[:200]}")
        # the other county's data, through every read route (lists, gets, history, exports, feeds)
        if method == "get":
            officer = roles["county-officer"]
            for params in ({}, {"division": OTHER_COUNTY}, {"village_code": OTHER_VILLAGE}):
                r = await client.get(url, headers=officer, params=params)
                if r.status_code >= 500:
                    failures.append(f"GET {path} {params} as county-officer: {r.status_code}")
                leaked = [s for s in secrets if s in r.text]
                if r.status_code < 300 and leaked:
                    failures.append(f"GET {url} {params} as county-officer leaks {leaked}")
    assert not failures, "\n".join(failures)


async def test_registry_pii_unmasked_only_with_pii_read_and_logged(migrated_pg, key_file, topic_prefix, tmp_path):
    from datetime import date

    from fupin_registry.app import MIGRATIONS, create_app
    from fupin_registry.households import idnumber
    from fupin_registry.settings import RegistrySettings

    url = await migrated_pg(MIGRATIONS)
    harness = ServiceHarness(create_app, RegistrySettings(database_url=url, auth_key_file=key_file,
                                                          topic_prefix=topic_prefix, bus="memory", data_dir=tmp_path))
    async with harness.running():
        id_number = idnumber.make("441223", date(1961, 5, 4), 33)
        body = {"village_code": "441223101200", "labour_type": "labour", "poverty_causes": ["illness"],
                "head": {"name": "陈明白", "id_number": id_number}, "members": [], "phone": "13700001111"}
        admin = harness.auth(scopes=DEMO_CLIENTS["city-admin"].scopes)
        r = await harness.client.post("/v1/households", json=body, headers={**admin, "Idempotency-Key": "p"})
        assert r.status_code == 201, r.text
        hid = r.json()["id"]

        async def access_rows() -> int:
            async with harness.runtime.sessionmaker() as s:
                return (await s.execute(text("select count(*) from access_log"))).scalar_one()

        before = await access_rows()
        officer = role_headers(harness, "county-officer")  # no pii:read
        for target in (f"/v1/households/{hid}", "/v1/households"):
            r = await harness.client.get(target, headers=officer)
            assert r.status_code == 200, r.text
            assert id_number not in r.text and "陈明白" not in r.text and "13700001111" not in r.text
        assert await access_rows() == before, "masked reads must not be logged as personal-data access"
        r = await harness.client.get(f"/v1/households/{hid}", headers=admin)  # city-admin holds pii:read
        assert r.status_code == 200 and id_number in r.text
        assert await access_rows() == before + 1
