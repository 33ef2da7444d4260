"""A memo of built overviews per (division, year), dropped whenever the view or an alert changes.

Where the view's consumer runs in this process, every change of the figures passes through it
(batches, alert scans, alert transitions), so an entry stays valid until the next change. Where it
does not (an API-only replica), entries expire after ``ttl`` seconds. ``lag_ms`` is always filled
in fresh for each response."""
from __future__ import annotations

import time
from typing import Any

from fupin_monitoring.overview.schemas import Overview


class OverviewCache:
    def __init__(self, ttl: float, max_entries: int = 2048) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self.generation = 0
        self._entries: dict[tuple[str, int | None], tuple[int, float, Overview]] = {}
        self.hits = self.misses = 0

    def changed(self) -> None:
        self.generation += 1

    def get(self, key: tuple[str, int | None], *, local: bool) -> Overview | None:
        if self.ttl <= 0:
            return None
        entry = self._entries.get(key)
        if entry is not None and entry[0] == self.generation and (local or time.monotonic() < entry[1]):
            self.hits += 1
            return entry[2]
        self.misses += 1
        return None

    def put(self, key: tuple[str, int | None], overview: Overview) -> None:
        if self.ttl <= 0:
            return
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[key] = (self.generation, time.monotonic() + self.ttl, overview)


def cache_of(runtime: Any) -> OverviewCache:
    cache = runtime.extras.get("overview_cache")
    if cache is None:
        cache = runtime.extras["overview_cache"] = OverviewCache(getattr(runtime.settings, "overview_cache_seconds", 1.0))
    return cache
