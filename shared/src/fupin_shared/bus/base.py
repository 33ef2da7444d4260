"""The transport interface every bus implements.

Ordering is per key: records with the same key land in the same partition in publish order.
Consumers commit explicitly, after their projection has committed.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Message:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes


class Subscription(Protocol):
    async def fetch(self, *, timeout: float, max_records: int) -> list[Message]: ...

    async def commit(self, messages: Sequence[Message]) -> None:
        """Commit the offsets after the last of ``messages`` in each partition."""

    async def lag(self) -> int:
        """Messages published but not yet committed by this group (best effort)."""

    async def close(self) -> None: ...


class Transport(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def ensure_topics(self, topics: Sequence[str], *, partitions: int) -> None: ...

    async def publish(self, topic: str, records: Sequence[tuple[bytes, bytes]]) -> None:
        """Publish ``(key, value)`` records in order; return only once all are acknowledged."""

    async def subscribe(self, group: str, topics: Sequence[str]) -> Subscription: ...
