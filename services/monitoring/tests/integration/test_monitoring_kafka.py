"""Projections through a real Kafka broker (KRaft): the view's group reads the registry and funds
topics from the earliest offset, applies every event once, measures and exports its lag, and a
rebuild replays the topics through a new group into fresh tables."""
from __future__ import annotations

import random
import uuid

import pytest

from fupin_monitoring import synthetic
from fupin_monitoring.app import MIGRATIONS
from fupin_monitoring.view.rebuild import rebuild
from fupin_shared.bus.kafka import KafkaTransport
from fupin_shared.contracts import registry as cr
from fupin_shared.testing.support import KAFKA_BOOTSTRAP

pytestmark = [pytest.mark.pg, pytest.mark.kafka]


async def test_kafka_events_reach_the_view_once_and_replay_into_an_equal_view(migrated_pg, start_monitoring,
                                                                            topic_prefix) -> None:  # noqa: ANN001
    url = await migrated_pg(MIGRATIONS)
    transport = KafkaTransport(KAFKA_BOOTSTRAP)
    try:
        async with start_monitoring(url, transport=transport, bus="kafka", kafka_bootstrap=KAFKA_BOOTSTRAP,
                                    topic_prefix=topic_prefix) as monitoring:
            rng = random.Random(11)
            villages = synthetic.villages(8)
            events = [e for i in range(40) for e in synthetic.household_history(rng, villages[i % 8])]
            await monitoring.send("registry", events)
            await monitoring.send("funds", list(synthetic.funds_history(rng, villages)))
            overview = await monitoring.overview()
            assert overview["households_total"] == 40
            assert overview["funds"]["allocated_fen"] == 8 * 100_000_000
            assert overview["lag_ms"] is not None and overview["lag_ms"] < 30_000
            await monitoring.send("registry", events[:50])  # redelivered: applied once
            assert (await monitoring.overview())["events_applied"] == overview["events_applied"]
            metrics = (await monitoring.client.get("/metrics")).text
            assert f'fupin_consumer_lag_ms{{group="{topic_prefix}fupin.monitoring.view"}}' in metrics

            report = await rebuild(monitoring.runtime)
            assert report.swapped and report.counter_differences == 0
            assert report.group.startswith(f"{topic_prefix}fupin.monitoring.rebuild-")
            assert report.events_replayed == overview["events_applied"]
            hid = uuid.uuid4()
            await monitoring.send("registry", [synthetic.envelope(cr.HouseholdRegistered(
                household_id=hid, village_code=villages[0], status="applied", persons=1, year=2020), subject=hid)])
            assert (await monitoring.overview())["households_total"] == 41
    finally:
        await transport.stop()
