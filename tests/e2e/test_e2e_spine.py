"""The spine's vertical slice through real processes: registry API -> outbox -> relay -> Kafka ->
monitoring consumer -> projection -> monitoring API."""
from __future__ import annotations

import random
import time

import pytest

from fupin_shared.testing import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.pg, pytest.mark.xdist_group("stack")]


async def test_registered_household_reaches_the_monitoring_overview(api) -> None:
    village = random.choice(await api.villages())
    before = await api.overview(division=village)

    started = time.monotonic()
    household = await api.register_household(village, members=3)
    assert household["status"] and household["village_code"] == village

    async def seen():  # noqa: ANN202
        view = await api.overview(division=village)
        return view if view["households_total"] == before["households_total"] + 1 else None

    view = await eventually(seen, timeout=15, interval=0.1, message="household not in the monitoring overview")
    elapsed = time.monotonic() - started
    assert view["persons_total"] == before["persons_total"] + 4
    assert sum(s["households"] for s in view["households_by_status"].values()) == view["households_total"]
    assert view["as_of"] is not None and view["lag_ms"] is not None
    assert elapsed < 15


async def test_every_service_of_the_stack_is_ready(api) -> None:
    for name in ("registry", "monitoring"):
        ready = await api.ready(name)
        assert ready["status_code"] == 200 and ready["status"] == "ready", ready
        assert any(check.startswith("consumer:") or check == "relay" for check in ready["checks"])
