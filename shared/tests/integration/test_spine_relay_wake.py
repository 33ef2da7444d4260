"""A commit in one process wakes the relay leading in another at once (PostgreSQL NOTIFY), not at
its next poll; a rolled-back write publishes nothing."""
from __future__ import annotations

import asyncio
import time

import pytest
import sqlalchemy as sa

from fupin_shared.app import build_runtime
from fupin_shared.auth.principal import Principal
from fupin_shared.bus.kafka import KafkaTransport
from fupin_shared.testing import eventually
from fupin_shared.testing.support import KAFKA_BOOTSTRAP
from spine_probe.service import MIGRATIONS, NoteIn, ProbeSettings, definition, write_note

pytestmark = [pytest.mark.pg, pytest.mark.kafka]
ACTOR = Principal(sub="tester", client_id="tester", scopes=frozenset({"probe:write"}), division="441200000000")
POLL = 60.0  # far longer than the test waits: only the notification can wake the relay


async def _runtime(url: str, topic_prefix: str, key_file):  # noqa: ANN001, ANN202
    settings = ProbeSettings(database_url=url, bus="kafka", topic_prefix=topic_prefix, auth_key_file=key_file,
                             relay_poll_seconds=POLL)
    return await build_runtime(definition(settings), transport=KafkaTransport(KAFKA_BOOTSTRAP), migrate=False)


async def test_a_commit_in_an_api_only_process_wakes_the_relay_leading_elsewhere(migrated_pg, topic_prefix, key_file):
    url = await migrated_pg(MIGRATIONS)
    worker, api = await _runtime(url, topic_prefix, key_file), await _runtime(url, topic_prefix, key_file)
    await worker.transport.ensure_topics([worker.settings.topic()], partitions=3)
    relay = asyncio.create_task(worker.relay.run())
    Outbox = worker.definition.infra.Outbox

    async def published(n: int) -> bool:
        async with worker.sessionmaker() as session:
            return (await session.scalar(sa.select(sa.func.count()).select_from(Outbox)
                                         .where(Outbox.published_at.is_not(None)))) == n

    try:
        # the first note may go out on the relay's first pass; after it the relay waits POLL seconds
        await write_note(api.uow(), NoteIn(division="441223101001", text="first"), ACTOR)
        await eventually(lambda: published(1), timeout=10)
        assert worker.relay.leading and not api.relay.leading

        with pytest.raises(RuntimeError):
            await write_note(api.uow(), NoteIn(division="441223101001", text="lost"), ACTOR, fail_after_record=True)
        written = time.monotonic()
        await write_note(api.uow(), NoteIn(division="441223101001", text="kept"), ACTOR)
        await eventually(lambda: published(2), timeout=10)
        assert time.monotonic() - written < POLL / 2
        async with worker.sessionmaker() as session:
            assert await session.scalar(sa.select(sa.func.count()).select_from(Outbox)) == 2
    finally:
        worker.relay.stop()
        await relay
        for rt in (worker, api):
            await rt.transport.stop()
            await rt.engine.dispose()
