"""The full-stack path: registry events on the real Kafka broker feed the tasks targets, and the
tasks relay publishes TargetProgressed to its own topic."""
import uuid
from datetime import UTC, datetime

import pytest
from fupin_shared.bus.kafka import KafkaTransport
from fupin_shared.contracts import registry as R
from fupin_shared.events import Envelope
from fupin_shared.testing import ServiceHarness, eventually
from fupin_shared.testing.support import KAFKA_BOOTSTRAP
from fupin_tasks.app import MIGRATIONS, create_app
from fupin_tasks.settings import TasksSettings

pytestmark = [pytest.mark.pg, pytest.mark.kafka]


async def test_village_exits_on_kafka_feed_g04_and_progress_is_published(migrated_pg, key_file, topic_prefix,
                                                                         tmp_path, tk):
    url = await migrated_pg(MIGRATIONS)
    settings = TasksSettings(database_url=url, auth_key_file=key_file, topic_prefix=topic_prefix, bus="kafka",
                             kafka_bootstrap=KAFKA_BOOTSTRAP, data_dir=tmp_path, overdue_initial_delay_seconds=3600,
                             relay_poll_seconds=0.05)
    transport = KafkaTransport(KAFKA_BOOTSTRAP)
    await transport.start()
    await transport.ensure_topics([settings.topic("registry"), settings.topic("funds"), settings.topic()],
                                  partitions=3)
    harness = ServiceHarness(create_app, settings, transport=transport)
    try:
        async with harness.running():
            records = []
            for code in ("441223101200", "441223102200"):
                event = Envelope(id=uuid.uuid4(), source="/fupin/registry", type=R.VillageExited.event_type(),
                                 subject=code, time=datetime.now(UTC),
                                 data=R.VillageExited(village_code=code, year=2019).model_dump(mode="json"))
                records.append((code.encode(), event.to_json()))
            await transport.publish(settings.topic("registry"), records)

            async def progressed():
                found = [e for e in await tk.events(harness, "target.progressed") if e.data["target_id"] == "G04"]
                return found and found[-1].published_at and found[-1]
            event = await eventually(progressed, timeout=30)
            assert event.data["value"] == 2 and event.data["source"] == "registry"
            subscription = await transport.subscribe(f"{topic_prefix}reader", [settings.topic()])
            seen = []
            try:
                async def on_topic():
                    seen.extend(await subscription.fetch(timeout=0.5, max_records=500))
                    return any(b"fupin.tasks.target.progressed.v1" in m.value for m in seen)
                await eventually(on_topic, timeout=30)
            finally:
                await subscription.close()
    finally:
        await transport.stop()
