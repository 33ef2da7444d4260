"""Two consumer processes of one group applying the same events at once (a partition that moved
in a rebalance while the first still held it): each event is applied exactly once, and neither
side fails. The event ids are claimed in processed_event before the handlers run."""
from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from fupin_shared.bus.base import Message
from fupin_shared.consuming import Consumer, HandlerRegistry
from fupin_shared.db import create_engine_from_url, make_base
from fupin_shared.events import Envelope
from fupin_shared.outbox import define_infrastructure_tables

Base = make_base()
INFRA = define_infrastructure_tables(Base)
applied_count = sa.Table("applied_count", Base.metadata, sa.Column("event_id", sa.Uuid, primary_key=True),
                         sa.Column("times", sa.Integer, nullable=False))
EVENT_TYPE = "fupin.probe.thing.happened.v1"


def _messages(n: int) -> list[Message]:
    out = []
    for offset in range(n):
        envelope = Envelope(id=uuid.uuid4(), source="/fupin/probe", type=EVENT_TYPE, subject=str(offset),
                            time=datetime.now(UTC), data={"n": offset})
        out.append(Message("t", 0, offset, str(offset).encode(), envelope.to_json()))
    return out


def _handlers(delay: float) -> HandlerRegistry:
    handlers = HandlerRegistry()

    @handlers.on(EVENT_TYPE)
    async def count(session, event) -> None:  # noqa: ANN001
        await asyncio.sleep(delay)  # keep the two transactions overlapping
        await session.execute(sa.text(
            "INSERT INTO applied_count (event_id, times) VALUES (:id, 1) "
            "ON CONFLICT (event_id) DO UPDATE SET times = applied_count.times + 1").bindparams(
                sa.bindparam("id", type_=sa.Uuid)), {"id": event.id})

    return handlers


def _consumer(engine, delay: float) -> Consumer:  # noqa: ANN001
    return Consumer(group="g", topics=["t"], transport=None, engine=engine,  # type: ignore[arg-type]
                    processed_model=INFRA.ProcessedEvent, handlers=_handlers(delay))


@pytest.fixture(params=[pytest.param("postgres", marks=pytest.mark.pg), "sqlite"])
async def engine(request, pg_database, tmp_path):  # noqa: ANN001, ANN201
    url = pg_database if request.param == "postgres" else f"sqlite+aiosqlite:///{tmp_path / 'claim.db'}"
    engine = create_engine_from_url(url)
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)  # a test table set, not a service schema
    yield engine
    await engine.dispose()


async def test_concurrent_consumers_apply_each_event_exactly_once(engine, caplog) -> None:
    messages = _messages(40)
    first, second = _consumer(engine, 0.002), _consumer(engine, 0.002)
    results = await asyncio.gather(first.apply(messages), second.apply(messages))
    assert sum(results) == 40
    async with engine.connect() as conn:
        times = (await conn.execute(sa.select(applied_count.c.times))).scalars().all()
        processed = (await conn.execute(sa.select(sa.func.count()).select_from(INFRA.ProcessedEvent.__table__)
                                        .where(INFRA.ProcessedEvent.error.is_(None)))).scalar_one()
    assert sorted(times) == [1] * 40 and processed == 40
    # the overlap is not mistaken for a failing batch (no one-at-a-time retry, no dead letters)
    assert not [r for r in caplog.records if "one event at a time" in r.getMessage()]


async def test_a_redelivered_batch_changes_nothing_and_a_failing_event_is_recorded(engine) -> None:
    messages = _messages(5)
    consumer = _consumer(engine, 0)
    assert await consumer.apply(messages) == 5
    assert await consumer.apply(messages) == 0
    poison = _messages(1)

    @consumer._handlers.on(EVENT_TYPE)
    async def fail(session, event) -> None:  # noqa: ANN001
        raise ValueError("bad event")

    assert await consumer.apply(poison) == 0
    async with engine.connect() as conn:
        error = (await conn.execute(sa.select(INFRA.ProcessedEvent.error).where(
            INFRA.ProcessedEvent.event_id == Envelope.from_json(poison[0].value).id))).scalar_one()
    assert "bad event" in error
