"""Fixtures of the monitoring integration tests: the service on a real database (PostgreSQL, or
SQLite for the embedded subset) fed through the bus with the events other services publish."""
from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from fupin_monitoring.app import MIGRATIONS, create_app
from fupin_monitoring.settings import MonitoringSettings
from fupin_monitoring.synthetic import publish
from fupin_shared.bus import InProcessTransport
from fupin_shared.events import Envelope
from fupin_shared.testing import ServiceHarness, eventually


class Monitoring:
    """A running monitoring service and the bus its sources publish on."""

    def __init__(self, harness: ServiceHarness, transport: Any) -> None:
        self.h = harness
        self.transport = transport

    @property
    def client(self):  # noqa: ANN201
        return self.h.client

    @property
    def runtime(self):  # noqa: ANN201
        return self.h.runtime

    def auth(self, **kwargs: Any) -> dict[str, str]:
        return self.h.auth(**kwargs)

    async def view(self):  # noqa: ANN201
        def running():  # noqa: ANN202
            view = self.runtime.extras.get("view")
            return _value(view if view is not None and not view.stopped else None)

        return await eventually(running, timeout=20, message="view consumer not running")

    async def send(self, source: str, events: Sequence[Envelope]) -> None:
        """Publish ``events`` on ``source``'s topic and wait until the view has applied them all."""
        view = await self.view()
        before = view.seen_total
        await publish(self.transport, self.h.settings.topic(source), list(events))
        await eventually(lambda: _value(view.seen_total >= before + len(events)), timeout=60,
                         message="the view did not take in the events")
        await self.settled()

    async def settled(self) -> None:
        view = await self.view()

        await eventually(view.holds_everything, timeout=30, message="the view did not catch up")

    async def overview(self, **params: Any) -> dict[str, Any]:
        response = await self.client.get("/v1/overview", params=params, headers=self.auth())
        assert response.status_code == 200, response.text
        return response.json()


async def _value(view):  # noqa: ANN001, ANN202
    return view


PG = pytest.param("pg", marks=pytest.mark.pg)
BOTH = [pytest.param("sqlite"), PG]
"""Parametrise a test with ``@pytest.mark.parametrize("backend", BOTH, indirect=True)`` to run it on
SQLite (the embedded default) as well."""


@pytest.fixture(params=[PG])
def backend(request) -> str:  # noqa: ANN001
    return request.param


@pytest.fixture
async def database_url(backend: str, migrated_pg, tmp_path: Path) -> str:  # noqa: ANN001
    if backend == "pg":
        return await migrated_pg(MIGRATIONS)
    return f"sqlite+aiosqlite:///{tmp_path / 'monitoring.db'}"


@contextlib.asynccontextmanager
async def running_monitoring(url: str, key_file: Path, tmp_path: Path, *, transport: Any = None,
                             **settings: Any) -> AsyncIterator[Monitoring]:
    transport = transport or InProcessTransport()
    settings = {"bus": "memory", **settings}
    harness = ServiceHarness(create_app, MonitoringSettings(
        database_url=url, auth_key_file=key_file, data_dir=tmp_path, **settings), transport=transport)
    async with harness.running():
        yield Monitoring(harness, transport)


@pytest.fixture
async def monitoring(database_url: str, key_file: Path, tmp_path: Path) -> AsyncIterator[Monitoring]:
    async with running_monitoring(database_url, key_file, tmp_path) as m:
        yield m


@pytest.fixture
def start_monitoring(key_file: Path, tmp_path: Path):  # noqa: ANN201
    """``async with start_monitoring(url, transport=..., bus=...) as m``: a service of your own making."""
    def start(url: str, **kwargs: Any):  # noqa: ANN202
        return running_monitoring(url, key_file, tmp_path, **kwargs)
    return start
