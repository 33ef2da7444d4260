"""Fixtures of the funds suite: the service running in-process against a fresh database (PostgreSQL from a
migrated template, or SQLite in a temporary directory) with the in-process bus."""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from fupin_funds.app import MIGRATIONS, create_app
from fupin_funds.settings import FundsSettings
from fupin_funds.testing import Funds
from fupin_shared.bus import InProcessTransport
from fupin_shared.testing import ServiceHarness


def funds_settings(url: str, key_file: Path, topic_prefix: str, tmp_path: Path) -> FundsSettings:
    return FundsSettings(database_url=url, auth_key_file=key_file, topic_prefix=topic_prefix, bus="memory",
                         data_dir=tmp_path, relay_poll_seconds=0.05, db_pool_size=20, db_max_overflow=40)


@pytest.fixture(scope="session")
def funds_key_file(tmp_path_factory) -> Path:  # noqa: ANN001
    """One signing key for the whole suite (generating an RSA key per test costs more than the test)."""
    return tmp_path_factory.mktemp("funds-keys") / "signing-key.json"


@pytest.fixture
async def funds_pg(migrated_pg, funds_key_file, topic_prefix, tmp_path) -> AsyncIterator[Funds]:  # noqa: ANN001
    url = await migrated_pg(MIGRATIONS)
    transport = InProcessTransport()
    harness = ServiceHarness(create_app, funds_settings(url, funds_key_file, topic_prefix, tmp_path), transport=transport)
    async with harness.running():
        yield Funds(harness, transport)


@pytest.fixture
async def funds_sqlite(funds_key_file, topic_prefix, tmp_path) -> AsyncIterator[Funds]:  # noqa: ANN001
    url = f"sqlite+aiosqlite:///{tmp_path / 'funds.db'}"
    transport = InProcessTransport()
    harness = ServiceHarness(create_app, funds_settings(url, funds_key_file, topic_prefix, tmp_path), transport=transport)
    async with harness.running():
        yield Funds(harness, transport)


@pytest.fixture(params=["pg", pytest.param("sqlite")])
async def funds_any(request, migrated_pg, funds_key_file, topic_prefix, tmp_path) -> AsyncIterator[Funds]:  # noqa: ANN001
    """The same test on PostgreSQL and on SQLite (the embedded default)."""
    if request.param == "pg":
        if "pg" not in request.keywords:
            request.applymarker(pytest.mark.pg)
        url = await migrated_pg(MIGRATIONS)
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / 'funds.db'}"
    transport = InProcessTransport()
    harness = ServiceHarness(create_app, funds_settings(url, funds_key_file, topic_prefix, tmp_path), transport=transport)
    async with harness.running():
        yield Funds(harness, transport)
