"""The provincial poor-village designations the registry publishes at startup: once per village,
not again after a restart or from a second replica, and again when a village's flag changes."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select, text

from fupin_registry.app import MIGRATIONS, create_app
from fupin_registry.db import INFRA
from fupin_registry.divisions.service import publish_designations
from fupin_registry.settings import RegistrySettings
from fupin_shared.bus import InProcessTransport
from fupin_shared.events import Envelope
from fupin_shared.contracts.registry import VillageDesignated
from fupin_shared.testing import ServiceHarness, eventually

DESIGNATED = VillageDesignated.event_type()
CITY_POOR_VILLAGES = 111


def harness(url: str, key_file: Path, tmp_path: Path, transport: InProcessTransport) -> ServiceHarness:
    return ServiceHarness(create_app, RegistrySettings(database_url=url, auth_key_file=key_file, bus="memory",
                                                       data_dir=tmp_path), transport=transport)


async def designations(h: ServiceHarness) -> list[tuple[str, bool]]:
    outbox = INFRA.Outbox
    async with h.runtime.engine.connect() as conn:
        rows = (await conn.execute(select(outbox.subject, outbox.data).where(outbox.type == DESIGNATED)
                                   .order_by(outbox.id))).all()
    return [(subject, data["provincial_poor_village"]) for subject, data in rows]


async def flagged(h: ServiceHarness) -> list[str]:
    async with h.runtime.engine.connect() as conn:
        return list((await conn.execute(text("SELECT code FROM division WHERE level = 'village' "
                                             "AND provincial_poor_village ORDER BY code"))).scalars())


@pytest.fixture(params=["sqlite", pytest.param("pg", marks=pytest.mark.pg)])
async def database_url(request, migrated_pg, tmp_path: Path) -> str:  # noqa: ANN001
    if request.param == "pg":
        return await migrated_pg(MIGRATIONS)
    return f"sqlite+aiosqlite:///{tmp_path}/registry.db"


async def test_each_poor_village_is_published_once_and_not_again_after_a_restart(database_url, key_file,
                                                                                 tmp_path) -> None:  # noqa: ANN001
    transport = InProcessTransport()
    first = harness(database_url, key_file, tmp_path, transport)
    async with first.running():
        recorded = await designations(first)
        poor = await flagged(first)
        assert len(poor) == CITY_POOR_VILLAGES
        assert recorded == [(code, True) for code in poor]

        async def published() -> bool:
            async with first.runtime.engine.connect() as conn:
                return (await conn.execute(text("SELECT count(*) FROM outbox WHERE type = :t AND published_at "
                                                "IS NULL"), {"t": DESIGNATED})).scalar_one() == 0
        await eventually(published, timeout=20, message="the designations were not published")
        reader = await transport.subscribe("designations-test", [first.settings.topic()])
        on_bus = [e for e in (Envelope.from_json(m.value) for m in await reader.fetch(timeout=1, max_records=10_000))
                  if e.type == DESIGNATED]
        assert sorted(e.subject for e in on_bus) == poor
    again = harness(database_url, key_file, tmp_path, transport)
    async with again.running():
        assert await designations(again) == recorded
        assert await publish_designations(again.runtime.uow()) == 0


async def change_flags(h: ServiceHarness) -> tuple[str, str]:
    """One poor village stops being one, a community becomes one (as a data migration would do)."""
    gone, new = (await flagged(h))[0], "441202001001"
    async with h.runtime.engine.begin() as conn:
        await conn.execute(text("UPDATE division SET provincial_poor_village = (code = :new) "
                                "WHERE code IN (:gone, :new)"), {"gone": gone, "new": new})
    return gone, new


async def test_a_changed_flag_is_published_once(database_url, key_file, tmp_path) -> None:  # noqa: ANN001
    h = harness(database_url, key_file, tmp_path, InProcessTransport())
    async with h.running():
        gone, new = await change_flags(h)
        assert await publish_designations(h.runtime.uow()) == 2
        assert await publish_designations(h.runtime.uow()) == 0
        recorded = await designations(h)
        assert recorded[-2:] == sorted([(gone, False), (new, True)]) and len(recorded) == CITY_POOR_VILLAGES + 2


@pytest.mark.pg
async def test_two_replicas_publishing_at_once_record_a_change_once(migrated_pg, key_file, tmp_path) -> None:  # noqa: ANN001
    """Replicas share PostgreSQL (the embedded SQLite default is one process): the advisory lock makes
    the second wait and then find the change recorded."""
    h = harness(await migrated_pg(MIGRATIONS), key_file, tmp_path, InProcessTransport())
    async with h.running():
        await change_flags(h)
        counts = await asyncio.gather(*(publish_designations(h.runtime.uow()) for _ in range(3)))
        assert sorted(counts) == [0, 0, 2]
        assert len(await designations(h)) == CITY_POOR_VILLAGES + 2
