"""Fixtures of the tasks suite: a running tasks service on PostgreSQL (or SQLite), tokens, counts."""
from __future__ import annotations

from collections.abc import AsyncIterator
from types import SimpleNamespace

import pytest
from fupin_shared.testing import ServiceHarness
from fupin_tasks.app import MIGRATIONS, create_app
from fupin_tasks.db import INFRA
from fupin_tasks.settings import TasksSettings
from sqlalchemy import func, select, text

OFFICE_UNIT = "市扶贫开发领导小组办公室"
RW = ["tasks:read", "tasks:write"]


def _settings(url: str, key_file, topic_prefix: str, tmp_path) -> TasksSettings:  # noqa: ANN001
    return TasksSettings(database_url=url, auth_key_file=key_file, topic_prefix=topic_prefix, bus="memory",
                         data_dir=tmp_path, overdue_initial_delay_seconds=3600, relay_poll_seconds=0.05)


@pytest.fixture
async def tasks_pg(migrated_pg, key_file, topic_prefix, tmp_path) -> AsyncIterator[ServiceHarness]:
    url = await migrated_pg(MIGRATIONS)
    harness = ServiceHarness(create_app, _settings(url, key_file, topic_prefix, tmp_path))
    async with harness.running():
        yield harness


@pytest.fixture(params=["pg", "sqlite"])
async def any_tasks(request, migrated_pg, key_file, topic_prefix, tmp_path) -> AsyncIterator[ServiceHarness]:
    """The same test on PostgreSQL and on SQLite (the embedded default)."""
    if request.param == "pg":
        request.applymarker(pytest.mark.pg)
        url = await migrated_pg(MIGRATIONS)
    else:
        url = f"sqlite+aiosqlite:///{tmp_path}/tasks.db"
    harness = ServiceHarness(create_app, _settings(url, key_file, topic_prefix, tmp_path))
    async with harness.running():
        yield harness


_TOKENS: dict[tuple, dict[str, str]] = {}


def auth(harness: ServiceHarness, **kwargs) -> dict[str, str]:  # noqa: ANN003
    """Signing a token costs ~0.1 s (RSA), so each distinct one is made once per test run and key."""
    key = (str(harness.settings.auth_key_file), repr(sorted(kwargs.items())))
    if key not in _TOKENS:
        _TOKENS[key] = harness.auth(**kwargs)
    return _TOKENS[key]


def dept(harness: ServiceHarness, unit: str = "市教育局", scopes: list[str] | None = None) -> dict[str, str]:
    return auth(harness, scopes=scopes or RW, unit=unit, client_id=f"dept-{unit}")


def office(harness: ServiceHarness) -> dict[str, str]:
    return auth(harness, scopes=RW, unit=OFFICE_UNIT, client_id="office")


def admin(harness: ServiceHarness, **kwargs) -> dict[str, str]:  # noqa: ANN003
    return auth(harness, scopes=[*RW, "pii:read"], client_id="admin", **kwargs)


async def events(harness: ServiceHarness, type_suffix: str = "") -> list:
    Outbox = INFRA.Outbox
    async with harness.runtime.sessionmaker() as session:
        query = select(Outbox).order_by(Outbox.id)
        if type_suffix:
            query = query.where(Outbox.type.like(f"fupin.tasks.{type_suffix}%"))
        return list((await session.scalars(query)).all())


async def counts(harness: ServiceHarness, *tables: str) -> dict[str, int]:
    async with harness.runtime.engine.connect() as conn:
        return {t: (await conn.execute(text(f"SELECT count(*) FROM {t}"))).scalar_one() for t in tables}


@pytest.fixture
def tk() -> SimpleNamespace:
    return SimpleNamespace(dept=dept, office=office, admin=admin, events=events, counts=counts, func=func,
                           OFFICE_UNIT=OFFICE_UNIT)
