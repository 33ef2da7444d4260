"""Helpers for tests: real databases and topics, tokens, deadline waits, in-process service apps."""
from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx
from fastapi import FastAPI

from fupin_shared.auth.issuer import ALL_SCOPES, Client, TokenIssuer
from fupin_shared.auth.principal import CITY
from fupin_shared.settings import ServiceSettings

T = TypeVar("T")

PG_BASE_URL = os.environ.get("FUPIN_TEST_PG_URL", "postgresql+asyncpg://fupin:fupin@127.0.0.1:55432/")
KAFKA_BOOTSTRAP = os.environ.get("FUPIN_TEST_KAFKA", "127.0.0.1:19092")
RUN_ID = os.environ.get("FUPIN_TEST_RUN_ID") or uuid.uuid4().hex[:8]


def _port_open(host: str, port: int) -> bool:
    with contextlib.closing(socket.socket()) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def pg_available() -> bool:
    return _port_open("127.0.0.1", int(PG_BASE_URL.rsplit(":", 1)[1].split("/")[0]))


def kafka_available() -> bool:
    host, port = KAFKA_BOOTSTRAP.split(":")
    return _port_open(host, int(port))


def test_key_file(tmp_root: Path) -> Path:
    return tmp_root / "keys" / "signing-key.json"


class _TestSettings(ServiceSettings):
    service_name = "test"


def mint_token(key_file: Path, *, client_id: str = "tester", scopes: list[str] | str | None = None,
               division: str = CITY, unit: str | None = None, ttl: int = 600, **overrides: Any) -> str:
    """A signed access token as the embedded issuer would make it (any scopes, any division)."""
    settings = _TestSettings(auth_key_file=key_file, **{k: v for k, v in overrides.items()
                                                          if k in ServiceSettings.model_fields})
    scope_list = scopes.split() if isinstance(scopes, str) else list(scopes or ALL_SCOPES)
    client = Client(client_id, "unused", tuple(scope_list), division, unit)
    extra = {k: v for k, v in overrides.items() if k not in ServiceSettings.model_fields}
    return TokenIssuer(settings, {}).issue(client, scope_list, ttl=ttl, extra=extra)["access_token"]


async def eventually(probe: Callable[[], Awaitable[T]], *, timeout: float = 15.0, interval: float = 0.05,
                     message: str = "condition not met") -> T:
    """Await ``probe`` until it returns a truthy value or the deadline passes (never a bare sleep)."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        last = await probe()
        if last:
            return last
        if time.monotonic() > deadline:
            raise AssertionError(f"{message} within {timeout}s (last value: {last!r})")
        await asyncio.sleep(interval)


async def create_database(name: str) -> str:
    """(Re)create a PostgreSQL database and return its SQLAlchemy URL."""
    import asyncpg

    dsn = PG_BASE_URL.replace("postgresql+asyncpg", "postgresql") + "postgres"
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return PG_BASE_URL + name


async def drop_database(name: str) -> None:
    import asyncpg

    dsn = PG_BASE_URL.replace("postgresql+asyncpg", "postgresql") + "postgres"
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


class ServiceHarness:
    """Runs one service app in-process (lifespan included) against a real database and bus, with an
    httpx client and token minting. ``app_factory(settings, transport=...)`` is the service's create_app."""

    def __init__(self, app_factory: Callable[..., FastAPI], settings: ServiceSettings, *,
                 transport: Any = None) -> None:
        self.app_factory = app_factory
        self.settings = settings
        self.transport = transport
        self.app: FastAPI | None = None
        self.client: httpx.AsyncClient

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator["ServiceHarness"]:
        self.app = self.app_factory(self.settings, transport=self.transport)
        async with self.app.router.lifespan_context(self.app):
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app),
                                         base_url="http://test") as client:
                self.client = client
                yield self

    @property
    def runtime(self) -> Any:
        assert self.app is not None
        return self.app.state.runtime

    def token(self, **kwargs: Any) -> str:
        return mint_token(self.settings.auth_key_file, issuer=self.settings.auth_issuer, **kwargs)

    def auth(self, **kwargs: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(**kwargs)}"}


_TEMPLATES: dict[str, str] = {}


async def migrated_database(migrations_dir: Path, name: str) -> str:
    """A database at the service's Alembic head, copied from a per-run template (fast per test)."""
    import asyncpg

    from fupin_shared.db.migrations import upgrade

    key = str(migrations_dir)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    if key not in _TEMPLATES:
        template = f"tpl_{RUN_ID}_{worker}_{migrations_dir.parent.name}"[:60]
        url = await create_database(template)
        await asyncio.to_thread(upgrade, migrations_dir, url)
        _TEMPLATES[key] = template
    dsn = PG_BASE_URL.replace("postgresql+asyncpg", "postgresql") + "postgres"
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{_TEMPLATES[key]}"')
    finally:
        await conn.close()
    return PG_BASE_URL + name
