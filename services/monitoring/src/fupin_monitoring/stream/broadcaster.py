"""In-process fan-out of view changes to server-sent-event listeners, filtered by division."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from fupin_monitoring.divisions import within


@dataclass(frozen=True)
class Change:
    kind: str
    """``view`` (counters moved) or ``alert`` (an alert was raised or changed)."""
    divisions: frozenset[str]
    data: dict[str, Any] = field(default_factory=dict)

    def visible_to(self, scope: str) -> bool:
        return any(within(code, scope) for code in self.divisions)


class Broadcaster:
    """Each listener has a bounded queue; a slow listener loses old changes, never blocks the view."""

    def __init__(self, queue_size: int = 100) -> None:
        self._listeners: set[asyncio.Queue[Change]] = set()
        self._size = queue_size
        self.published = 0

    def listen(self) -> asyncio.Queue[Change]:
        queue: asyncio.Queue[Change] = asyncio.Queue(self._size)
        self._listeners.add(queue)
        return queue

    def forget(self, queue: asyncio.Queue[Change]) -> None:
        self._listeners.discard(queue)

    @property
    def listeners(self) -> int:
        return len(self._listeners)

    def publish(self, change: Change) -> None:
        self.published += 1
        for queue in list(self._listeners):
            if queue.full():
                try:
                    queue.get_nowait()
                except asyncio.QueueEmpty:
                    pass
            queue.put_nowait(change)
