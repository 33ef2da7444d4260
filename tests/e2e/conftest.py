"""The full stack for end-to-end tests: brought up by deploy/local/stack.sh once per session and
stopped afterwards (unless it was already running before the session)."""
from __future__ import annotations

import importlib.util
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("fupin_e2e_client", Path(__file__).with_name("client.py"))
client_module = importlib.util.module_from_spec(_spec)
sys.modules["fupin_e2e_client"] = client_module
_spec.loader.exec_module(client_module)


@pytest.fixture(scope="session")
def running_stack() -> Iterator[None]:
    was_running = client_module.stack("status").returncode == 0
    if not was_running:
        up = client_module.stack("up")
        assert up.returncode == 0, f"stack.sh up failed:\n{up.stdout}\n{up.stderr}"
    try:
        yield
    finally:
        if not was_running:
            down = client_module.stack("down")
            assert down.returncode == 0, f"stack.sh down failed:\n{down.stdout}\n{down.stderr}"


@pytest.fixture(scope="session")
def admin_token(running_stack: None) -> str:
    return client_module.token("city-admin")


@pytest.fixture(scope="session")
def county_token(running_stack: None) -> str:
    """广宁县's officer: registry:read registry:write funds:read in 441223000000, no pii:read."""
    return client_module.token("county-officer")


@pytest.fixture(scope="session")
def villages(admin_token: str) -> dict[str, list[str]]:
    """Every village of the stack's registry, by county code."""
    return client_module.villages_by_county(admin_token)


@pytest.fixture
async def api(admin_token: str) -> AsyncIterator["client_module.StackClient"]:
    async with client_module.StackClient(admin_token) as client:
        yield client


@pytest.fixture
async def county_api(county_token: str) -> AsyncIterator["client_module.StackClient"]:
    async with client_module.StackClient(county_token) as client:
        yield client
