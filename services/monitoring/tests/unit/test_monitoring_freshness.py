"""The view's freshness folded from its rows per (topic, partition), and the overview cache's validity."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fupin_monitoring.overview.cache import OverviewCache
from fupin_monitoring.view.domain import freshness, view_version

T0 = datetime(2026, 11, 29, 4, 0, tzinfo=UTC)


def row(topic: str, partition: int, *, event_s: float, applied_s: float, events: int, year: int | None = None,
        lag_ms: int | None = 10) -> dict:
    return {"topic": topic, "partition": partition, "last_event_time": T0 + timedelta(seconds=event_s),
            "applied_at": T0 + timedelta(seconds=applied_s), "events_applied": events, "max_year": year,
            "lag_ms": lag_ms}


def test_as_of_is_the_oldest_partition_still_receiving_events_and_idle_partitions_do_not_hold_it_back() -> None:
    state = freshness([
        row("registry", 0, event_s=100.0, applied_s=100.3, events=500, year=2019, lag_ms=300),
        row("registry", 1, event_s=99.2, applied_s=99.5, events=480, year=2020, lag_ms=900),
        row("assessment", 0, event_s=-86_400, applied_s=-86_399, events=3, year=2018, lag_ms=5_000),  # idle for a day
    ])
    assert state is not None
    assert state["last_event_time"] == T0 + timedelta(seconds=99.2)
    assert state["applied_at"] == T0 + timedelta(seconds=100.3)
    assert state["events_applied"] == 983 and state["max_year"] == 2020
    assert state["lag_ms"] == 900  # the idle partition's old delay is not the view's
    assert freshness([]) is None


def test_the_version_moves_with_every_batch_and_every_alert_change() -> None:
    state = freshness([row("registry", 0, event_s=1, applied_s=1, events=10)])
    later = freshness([row("registry", 0, event_s=2, applied_s=2, events=11)])
    alerts = {("housing_unsafe", "open"): 2}
    assert view_version(state, alerts) == view_version(dict(state), dict(alerts))
    assert view_version(state, alerts) != view_version(later, alerts)
    assert view_version(state, alerts) != view_version(state, {("housing_unsafe", "assigned"): 2})


def test_an_api_only_entry_is_checked_after_its_ttl_and_any_change_drops_it(monkeypatch) -> None:  # noqa: ANN001
    now = [1000.0]
    monkeypatch.setattr("fupin_monitoring.overview.cache.time.monotonic", lambda: now[0])
    cache = OverviewCache(ttl=1.0)
    entry = cache.put(("441200000000", None), {"households_total": 3}, None, {}, generation=cache.generation)
    assert cache.get(("441200000000", None), local=False) is entry
    now[0] += 1.5
    assert cache.get(("441200000000", None), local=False) is None  # old: to be checked against the version
    assert cache.stale(("441200000000", None)) is entry
    assert cache.get(("441200000000", None), local=True) is entry  # the view runs here: changes pass through it
    cache.confirm(entry)
    assert cache.get(("441200000000", None), local=False) is entry
    cache.changed()
    assert cache.get(("441200000000", None), local=True) is None and cache.stale(("441200000000", None)) is None


def test_an_overview_read_while_a_batch_committed_is_not_kept_as_current() -> None:
    cache = OverviewCache(ttl=1.0)
    generation = cache.generation  # the request starts reading
    cache.changed()  # a batch commits meanwhile
    cache.put(("441200000000", None), {"households_total": 3}, None, {}, generation=generation)
    assert cache.get(("441200000000", None), local=True) is None
