"""pytest plugin: markers that refuse to run without the real infrastructure, per-run ids, and
fixtures for migrated PostgreSQL databases and unique Kafka topic prefixes."""
from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import pytest

from fupin_shared.testing import support


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Under `make test` (FUPIN_TEST_INFRA=1) PostgreSQL and Kafka must be there: a missing broker is a
    # failure, never a skip.
    if os.environ.get("FUPIN_TEST_INFRA") == "1":
        return
    pg, kafka = support.pg_available(), support.kafka_available()
    for item in items:
        if ("pg" in item.keywords or "e2e" in item.keywords) and not pg:
            item.add_marker(pytest.mark.skip(reason="PostgreSQL not running (make infra-up, or make test)"))
        if ("kafka" in item.keywords or "e2e" in item.keywords) and not kafka:
            item.add_marker(pytest.mark.skip(reason="Kafka not running (make infra-up, or make test)"))


@pytest.fixture
def unique() -> str:
    """A short unique suffix for test data and topic names."""
    return uuid.uuid4().hex[:8]


@pytest.fixture
async def pg_database(unique: str) -> AsyncIterator[str]:
    """A fresh, empty PostgreSQL database for one test (migrated by the service under test)."""
    name = f"t_{support.RUN_ID}_{unique}"
    url = await support.create_database(name)
    yield url
    await support.drop_database(name)


@pytest.fixture
async def migrated_pg(unique: str):  # noqa: ANN201
    """Factory: ``url = await migrated_pg(MIGRATIONS_DIR)`` gives a fresh database at the service's
    Alembic head (copied from a template migrated once per run); dropped after the test."""
    made: list[str] = []

    async def make(migrations_dir):  # noqa: ANN001, ANN202
        name = f"t_{support.RUN_ID}_{unique}_{len(made)}"
        made.append(name)
        return await support.migrated_database(migrations_dir, name)

    yield make
    for name in made:
        await support.drop_database(name)


@pytest.fixture
def topic_prefix(unique: str) -> str:
    return f"t{support.RUN_ID}{unique}."


@pytest.fixture
def key_file(tmp_path):  # noqa: ANN001, ANN201
    return support.test_key_file(tmp_path)
