"""Built overviews per (division, year), kept as JSON-ready documents and valid for one version of the view.

- In a process that runs the view's consumer, every change of the figures passes through it
  (batches, alert scans, alert transitions, a rebuild) and calls ``changed()``: an entry is good
  until then, and a hit costs no query at all.
- In an API-only process (the consumer runs elsewhere), an entry older than ``ttl`` seconds is
  revalidated against the view's version — its freshness rows and the division's alert counts, two
  small indexed reads — and rebuilt only when that version moved.

``lag_ms`` is filled in fresh for each response; the document is serialised with orjson.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from fupin_monitoring.view.domain import view_version

Key = tuple[str, int | None]


@dataclass
class Entry:
    document: dict[str, Any]
    version: tuple[Any, ...]
    generation: int
    checked: float


class OverviewCache:
    def __init__(self, ttl: float, max_entries: int = 2048) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self.generation = 0
        self._entries: dict[Key, Entry] = {}
        self.hits = self.misses = self.revalidated = 0

    def changed(self) -> None:
        self.generation += 1

    def get(self, key: Key, *, local: bool) -> Entry | None:
        """A current entry, or None. ``local``: the view's consumer runs in this process."""
        if self.ttl <= 0:
            return None
        entry = self._entries.get(key)
        if entry is not None and entry.generation == self.generation and (
                local or time.monotonic() - entry.checked < self.ttl):
            self.hits += 1
            return entry
        return None

    def stale(self, key: Key) -> Entry | None:
        """An entry of this generation that only needs its version checked (API-only processes)."""
        entry = self._entries.get(key) if self.ttl > 0 else None
        return entry if entry is not None and entry.generation == self.generation else None

    def confirm(self, entry: Entry) -> Entry:
        """The view's version has not moved since ``entry`` was built: keep it for another ``ttl``."""
        entry.checked = time.monotonic()
        self.revalidated += 1
        return entry

    def put(self, key: Key, document: dict[str, Any], state: dict[str, Any] | None,
            alerts: dict[tuple[str, str], int], *, generation: int) -> Entry:
        """Keep what was built from reads started at ``generation`` (taken *before* reading: a change
        committed while the request read leaves the entry of the older generation, never current)."""
        self.misses += 1
        entry = Entry(document, view_version(state, alerts), generation, time.monotonic())
        if self.ttl > 0:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[key] = entry
        return entry


def cache_of(runtime: Any) -> OverviewCache:
    cache = runtime.extras.get("overview_cache")
    if cache is None:
        cache = runtime.extras["overview_cache"] = OverviewCache(getattr(runtime.settings, "overview_cache_seconds", 1.0))
    return cache
