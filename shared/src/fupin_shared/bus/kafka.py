"""Kafka transport (aiokafka) with safe settings.

Producer: idempotent (acks=all), every call bounded by a timeout — aiokafka can hang forever when
the broker is gone (aio-libs/aiokafka#1101), so on a timeout the producer is discarded and rebuilt
and the caller (the relay) leaves its rows unpublished. Consumer: no auto-commit, earliest reset,
explicit per-partition offsets committed after the projection commits (#933).
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import CommitFailedError, KafkaError, TopicAlreadyExistsError

from fupin_shared.bus.base import Message

log = logging.getLogger(__name__)
TIMEOUT = 15.0


class KafkaTransport:
    def __init__(self, bootstrap: str, *, timeout: float = TIMEOUT) -> None:
        self._bootstrap = bootstrap
        self._timeout = timeout
        self._producer: AIOKafkaProducer | None = None

    async def start(self) -> None:
        return None  # the producer is created lazily, so a service starts while Kafka is down

    async def stop(self) -> None:
        await self._discard_producer()

    async def _get_producer(self) -> AIOKafkaProducer:
        if self._producer is None:
            producer = AIOKafkaProducer(
                bootstrap_servers=self._bootstrap, enable_idempotence=True, acks="all",
                linger_ms=2, request_timeout_ms=int(self._timeout * 1000), max_batch_size=1 << 20)
            try:
                await asyncio.wait_for(producer.start(), self._timeout)
            except BaseException:
                await _bounded(producer.stop(), 5)
                raise
            self._producer = producer
        return self._producer

    async def _discard_producer(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            await _bounded(producer.stop(), 5)

    async def ensure_topics(self, topics: Sequence[str], *, partitions: int) -> None:
        admin = AIOKafkaAdminClient(bootstrap_servers=self._bootstrap,
                                    request_timeout_ms=int(self._timeout * 1000))
        await asyncio.wait_for(admin.start(), self._timeout)
        try:
            existing = set(await asyncio.wait_for(admin.list_topics(), self._timeout))
            missing = [NewTopic(t, num_partitions=partitions, replication_factor=1)
                       for t in topics if t not in existing]
            if missing:
                try:
                    await asyncio.wait_for(admin.create_topics(missing), self._timeout)
                except TopicAlreadyExistsError:
                    pass
        finally:
            await _bounded(admin.close(), 5)

    async def publish(self, topic: str, records: Sequence[tuple[bytes, bytes]]) -> None:
        if not records:
            return
        try:
            producer = await self._get_producer()
            futures = [await producer.send(topic, key=key, value=value) for key, value in records]
            await asyncio.wait_for(asyncio.gather(*futures), self._timeout)
        except (TimeoutError, KafkaError, OSError):
            await self._discard_producer()
            raise

    async def subscribe(self, group: str, topics: Sequence[str]) -> "KafkaSubscription":
        consumer = AIOKafkaConsumer(
            *topics, bootstrap_servers=self._bootstrap, group_id=group,
            enable_auto_commit=False, auto_offset_reset="earliest",
            session_timeout_ms=10_000, heartbeat_interval_ms=2_000,
            request_timeout_ms=int(self._timeout * 1000), max_poll_records=1000)
        await asyncio.wait_for(consumer.start(), self._timeout * 2)
        return KafkaSubscription(consumer, self._timeout)


class KafkaSubscription:
    def __init__(self, consumer: AIOKafkaConsumer, timeout: float) -> None:
        self._consumer = consumer
        self._timeout = timeout

    async def fetch(self, *, timeout: float, max_records: int) -> list[Message]:
        batches = await self._consumer.getmany(timeout_ms=int(timeout * 1000), max_records=max_records)
        out = [Message(r.topic, r.partition, r.offset, r.key, r.value)
               for records in batches.values() for r in records]
        out.sort(key=lambda m: (m.topic, m.partition, m.offset))
        return out

    async def commit(self, messages: Sequence[Message]) -> None:
        offsets: dict[TopicPartition, int] = {}
        for m in messages:
            tp = TopicPartition(m.topic, m.partition)
            offsets[tp] = max(offsets.get(tp, 0), m.offset + 1)
        if not offsets:
            return
        try:
            await asyncio.wait_for(self._consumer.commit(offsets), self._timeout)
        except (CommitFailedError, TimeoutError, KafkaError) as exc:
            # the partitions moved or the broker is away: the events come again and the
            # processed-event table turns them into no-ops
            log.warning("offset commit failed, events will be redelivered: %s", exc)

    async def lag(self) -> int:
        partitions = [(tp, high) for tp in self._consumer.assignment()
                      if (high := self._consumer.highwater(tp)) is not None]
        # one round trip for all partitions, not one after another (a view reads dozens of them)
        committed = await asyncio.gather(*(self._consumer.committed(tp) for tp, _ in partitions))
        return sum(max(0, high - (done or 0)) for (_, high), done in zip(partitions, committed))

    async def close(self) -> None:
        await _bounded(self._consumer.stop(), 10)


async def _bounded(awaitable, seconds: float) -> None:
    try:
        await asyncio.wait_for(awaitable, seconds)
    except Exception as exc:  # noqa: BLE001 - shutdown must never hang or raise
        log.warning("bounded shutdown step did not finish cleanly: %r", exc)
