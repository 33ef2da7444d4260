"""The spine's delivery guarantees on the real database and broker (and the same contract on the
embedded SQLite + in-process bus): outbox atomicity, re-send after a relay crash applied once,
resume after a consumer stop without loss or double counting, per-aggregate order."""
from __future__ import annotations

import asyncio
import uuid

import pytest
import sqlalchemy as sa

from fupin_shared.app import build_runtime
from fupin_shared.auth.principal import Principal
from fupin_shared.bus import InProcessTransport
from fupin_shared.bus.kafka import KafkaTransport
from fupin_shared.testing import eventually
from fupin_shared.testing.support import KAFKA_BOOTSTRAP
from spine_probe.service import MIGRATIONS, Note, NoteIn, NoteSeen, NoteWritten, ProbeSettings, definition, write_note

ACTOR = Principal(sub="tester", client_id="tester", scopes=frozenset({"probe:write"}), division="441200000000")
BACKENDS = [pytest.param("postgres-kafka", marks=[pytest.mark.pg, pytest.mark.kafka]), "sqlite-memory"]


@pytest.fixture(params=BACKENDS)
async def runtime(request, migrated_pg, topic_prefix, tmp_path, key_file):
    if request.param == "postgres-kafka":
        url = await migrated_pg(MIGRATIONS)
        transport = KafkaTransport(KAFKA_BOOTSTRAP)
        settings = ProbeSettings(database_url=url, bus="kafka", topic_prefix=topic_prefix, auth_key_file=key_file,
                                 relay_poll_seconds=0.05)
        rt = await build_runtime(definition(settings), transport=transport, migrate=False)
    else:
        transport = InProcessTransport()
        settings = ProbeSettings(data_dir=tmp_path, topic_prefix=topic_prefix, auth_key_file=key_file,
                                 relay_poll_seconds=0.05)
        rt = await build_runtime(definition(settings), transport=transport, migrate=True)
    await transport.ensure_topics([settings.topic()], partitions=3)
    yield rt
    for task in rt.tasks:
        task.cancel()
    await transport.stop()
    await rt.engine.dispose()


async def _count(rt, model, *where) -> int:
    async with rt.sessionmaker() as session:
        return (await session.execute(sa.select(sa.func.count()).select_from(model).where(*where))).scalar_one()


async def _topic_events(rt, group_suffix: str) -> list:
    """Everything on the topic, read by a brand-new group from the beginning."""
    subscription = await rt.transport.subscribe(f"{rt.settings.topic_prefix}reader-{group_suffix}", [rt.settings.topic()])
    seen: list = []
    try:
        for _ in range(20):
            batch = await subscription.fetch(timeout=0.5, max_records=1000)
            seen.extend(batch)
            if not batch and seen:
                break
    finally:
        await subscription.close()
    return seen


async def test_rolled_back_use_case_publishes_nothing_and_committed_one_publishes_exactly_its_event(runtime):
    with pytest.raises(RuntimeError):
        await write_note(runtime.uow(), NoteIn(division="441223101001", text="lost"), ACTOR, fail_after_record=True)
    assert await _count(runtime, runtime.definition.infra.Outbox) == 0
    assert await _count(runtime, Note) == 0

    note = await write_note(runtime.uow(), NoteIn(division="441223101001", text="kept"), ACTOR)
    assert await runtime.relay.publish_pending() == 1
    events = await _topic_events(runtime, "exact")
    assert [m.key for m in events] == [str(note.id).encode()]
    assert NoteWritten.event_type().encode() in events[0].value


async def test_relay_killed_between_send_and_mark_resends_and_the_consumer_applies_once(runtime):
    note = await write_note(runtime.uow(), NoteIn(division="441223101001", text="twice sent"), ACTOR)
    runtime.relay.fail_after_send = True
    with pytest.raises(RuntimeError):
        await runtime.relay.publish_pending()
    Outbox = runtime.definition.infra.Outbox
    assert await _count(runtime, Outbox, Outbox.published_at.is_(None)) == 1  # not marked: will be re-sent

    runtime.relay.fail_after_send = False
    runtime.relay._next_sequence = None  # a restarted relay re-reads the sequence
    assert await runtime.relay.publish_pending() == 1
    on_topic = await _topic_events(runtime, "dup")
    assert len(on_topic) == 2  # at-least-once: the same event twice on the topic

    [consumer] = runtime.build_consumers()
    task = asyncio.create_task(consumer.run())
    try:
        await eventually(lambda: _count(runtime, NoteSeen), message="event applied")
        async def both_processed() -> bool:
            return consumer.subscription is not None and await consumer.subscription.lag() == 0
        await eventually(both_processed, message="duplicate consumed")
    finally:
        consumer.stop()
        await asyncio.wait_for(task, 20)
    assert await _count(runtime, NoteSeen) == 1
    assert await _count(runtime, NoteSeen, NoteSeen.note_id == str(note.id)) == 1


async def test_consumer_stopped_mid_stream_resumes_without_loss_or_double_counting(runtime):
    for i in range(120):
        await write_note(runtime.uow(), NoteIn(division="441223101001", text=f"n{i}"), ACTOR)
    while await runtime.relay.publish_pending():
        pass

    first = runtime.build_consumers()[0]
    first._batch_size = 10
    task = asyncio.create_task(first.run())
    await eventually(lambda: _count(runtime, NoteSeen), message="some applied")
    first.stop()
    await asyncio.wait_for(task, 20)
    partial = await _count(runtime, NoteSeen)
    assert 0 < partial

    second = runtime.build_consumers()[0]
    task = asyncio.create_task(second.run())
    try:
        async def all_applied() -> bool:
            return await _count(runtime, NoteSeen) == 120
        await eventually(all_applied, timeout=30, message="all 120 applied")
    finally:
        second.stop()
        await asyncio.wait_for(task, 20)
    ProcessedEvent = runtime.definition.infra.ProcessedEvent
    assert await _count(runtime, ProcessedEvent) == 120
    async with runtime.sessionmaker() as session:
        distinct = (await session.execute(sa.select(sa.func.count(sa.distinct(NoteSeen.note_id))))).scalar_one()
    assert distinct == 120


async def test_one_aggregates_events_are_consumed_in_order(runtime):
    note = await write_note(runtime.uow(), NoteIn(division="441223101001", text="v0"), ACTOR)
    for i in range(1, 30):
        async with runtime.uow() as uow:
            row = await uow.session.get(Note, note.id)
            row.text = f"v{i}"
            uow.record(NoteWritten(note_id=note.id, text=row.text), subject=note.id, division=row.division)
            # interleave other aggregates so partitions and batches mix
            other = uuid.uuid4()
            uow.record(NoteWritten(note_id=other, text="other"), subject=other, division=row.division)
            await uow.commit()
    while await runtime.relay.publish_pending():
        pass
    [consumer] = runtime.build_consumers()
    task = asyncio.create_task(consumer.run())
    try:
        async def done() -> bool:
            return await _count(runtime, NoteSeen, NoteSeen.note_id == str(note.id)) == 30
        await eventually(done, timeout=30, message="30 events of the note applied")
    finally:
        consumer.stop()
        await asyncio.wait_for(task, 20)
    async with runtime.sessionmaker() as session:
        texts = (await session.scalars(sa.select(NoteSeen.text).where(NoteSeen.note_id == str(note.id))
                                       .order_by(NoteSeen.applied_order))).all()
    assert texts == [f"v{i}" for i in range(30)]


async def test_sequences_are_gapless_and_follow_outbox_order(runtime):
    for i in range(5):
        await write_note(runtime.uow(), NoteIn(division="441223101001", text=f"s{i}"), ACTOR)
    await runtime.relay.publish_pending()
    Outbox = runtime.definition.infra.Outbox
    async with runtime.sessionmaker() as session:
        sequences = (await session.scalars(sa.select(Outbox.sequence).order_by(Outbox.id))).all()
    assert sequences == [1, 2, 3, 4, 5]
