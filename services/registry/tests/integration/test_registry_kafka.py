"""The full stack's path: registry events (API and bulk import) relayed to a real Kafka topic."""
import csv
import io

import pytest

from fupin_registry import demodata
from fupin_registry.imports import layout
from fupin_registry.app import MIGRATIONS, create_app
from fupin_registry.settings import RegistrySettings
from fupin_shared.bus.kafka import KafkaTransport
from fupin_shared.events import Envelope
from fupin_shared.testing import ServiceHarness, eventually

pytestmark = [pytest.mark.pg, pytest.mark.kafka]


async def test_registry_events_reach_kafka_in_order(migrated_pg, key_file, topic_prefix, tmp_path, household_body):
    settings = RegistrySettings(database_url=await migrated_pg(MIGRATIONS), auth_key_file=key_file,
                                topic_prefix=topic_prefix, bus="kafka", data_dir=tmp_path)
    harness = ServiceHarness(create_app, settings)
    async with harness.running():
        created = await harness.client.post("/v1/households", json=household_body(), headers=harness.auth())
        assert created.status_code == 201
        rows = list(demodata.Generator(21).households(3))
        out = io.StringIO()
        csv.writer(out).writerows([[c.header for c in layout.COLUMNS], *[r for h in rows for r in h]])
        job = await harness.client.post("/v1/imports", files={"file": ("x.csv", out.getvalue().encode())},
                                        headers=harness.auth())
        assert job.status_code == 202
        consumer = KafkaTransport(settings.kafka_bootstrap)
        await consumer.start()
        subscription = await consumer.subscribe(f"{topic_prefix}kafka-test", [settings.topic()])
        seen: list[Envelope] = []

        async def all_events():
            seen.extend(Envelope.from_json(m.value) for m in await subscription.fetch(timeout=1, max_records=500))
            households = {e.subject for e in seen if e.type == "fupin.registry.household.registered.v1"}
            return len(households) == 4
        try:
            await eventually(all_events, timeout=60)
        finally:
            await subscription.close()
            await consumer.stop()
        api = [e for e in seen if e.subject == created.json()["id"]]
        assert [e.type.split(".")[3] for e in api] == ["registered", "added", "added"]
        assert [e.sequence for e in api] == sorted(e.sequence for e in api)  # one key, one partition, in order
        assert all(e.source == "/fupin/registry" and e.division for e in seen)
