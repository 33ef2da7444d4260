"""In-process transport for the embedded default: partitioned logs and committed offsets per group,
so consumers behave as they do on Kafka (redelivery after a restart without commit included)."""
from __future__ import annotations

import asyncio
import zlib
from collections.abc import Sequence

from fupin_shared.bus.base import Message


class InProcessTransport:
    def __init__(self, partitions: int = 3) -> None:
        self._default_partitions = partitions
        self._logs: dict[str, list[list[Message]]] = {}
        self._committed: dict[tuple[str, str, int], int] = {}
        self._positions: dict[tuple[str, str, int], int] = {}
        # a fresh Event per publication wakes every waiting fetch; unlike a Condition, waiting on it
        # holds no lock, so a fetch cancelled at shutdown cannot be left re-acquiring one forever
        self._changed = asyncio.Event()

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def ensure_topics(self, topics: Sequence[str], *, partitions: int) -> None:
        for topic in topics:
            self._logs.setdefault(topic, [[] for _ in range(partitions)])

    async def publish(self, topic: str, records: Sequence[tuple[bytes, bytes]]) -> None:
        partitions = self._logs.setdefault(topic, [[] for _ in range(self._default_partitions)])
        for key, value in records:
            index = zlib.crc32(key or b"") % len(partitions)
            log = partitions[index]
            log.append(Message(topic, index, len(log), key, value))
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    async def subscribe(self, group: str, topics: Sequence[str]) -> "InProcessSubscription":
        await self.ensure_topics(topics, partitions=self._default_partitions)
        return InProcessSubscription(self, group, list(topics))

    # used by subscriptions
    def _pending(self, group: str, topics: list[str], max_records: int) -> list[Message]:
        out: list[Message] = []
        for topic in topics:
            for index, log in enumerate(self._logs.get(topic, [])):
                start = self._positions.get((group, topic, index), self._committed.get((group, topic, index), 0))
                chunk = log[start:start + max_records - len(out)]
                out.extend(chunk)
                if chunk:
                    self._positions[(group, topic, index)] = start + len(chunk)
                if len(out) >= max_records:
                    return out
        return out


class InProcessSubscription:
    def __init__(self, transport: InProcessTransport, group: str, topics: list[str]) -> None:
        self._t = transport
        self._group = group
        self._topics = topics
        # a new subscription resumes from the committed offsets, as a restarted Kafka consumer does
        for key in [k for k in transport._positions if k[0] == group]:
            del transport._positions[key]

    async def fetch(self, *, timeout: float, max_records: int) -> list[Message]:
        changed = self._t._changed  # taken before looking, so a publish in between wakes us
        batch = self._t._pending(self._group, self._topics, max_records)
        if batch:
            return batch
        try:
            await asyncio.wait_for(changed.wait(), timeout)
        except TimeoutError:
            return []
        return self._t._pending(self._group, self._topics, max_records)

    async def commit(self, messages: Sequence[Message]) -> None:
        for m in messages:
            key = (self._group, m.topic, m.partition)
            self._t._committed[key] = max(self._t._committed.get(key, 0), m.offset + 1)

    async def lag(self) -> int:
        total = 0
        for topic in self._topics:
            for index, log in enumerate(self._t._logs.get(topic, [])):
                total += len(log) - self._t._committed.get((self._group, topic, index), 0)
        return total

    async def close(self) -> None:
        for key in [k for k in self._t._positions if k[0] == self._group]:
            del self._t._positions[key]
