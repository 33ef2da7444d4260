"""The demo data on SQLite (the embedded default) and the service on a real Kafka broker."""
from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

import pytest

from fupin_assessment import demo
from fupin_assessment.app import MIGRATIONS, create_app
from fupin_assessment.catalogue import COUNTY, subjects
from fupin_assessment.frameworks.service import bundled_framework
from fupin_assessment.settings import AssessmentSettings
from fupin_shared.bus.kafka import KafkaTransport
from fupin_shared.contracts.monitoring import YearSnapshotFrozen
from fupin_shared.events import Envelope
from fupin_shared.testing import ServiceHarness, eventually

READER = ["assessment:read"]
WRITER = ["assessment:read", "assessment:write"]


def metrics() -> dict[str, dict[str, float]]:
    return {s.key: {"exit_rate": 0.8, "return_rate": 0.01, "income_above_line_rate": 0.9, "village_exit_rate": 0.8,
                    "guarantee_compliance_rate": 0.95, "measures_per_household": 2.2, "funds_spending_rate": 0.8,
                    "disclosure_timeliness_rate": 0.97, "reports_on_time_rate": 0.9, "open_alerts": 3}
            for s in subjects() if s.kind == COUNTY}


async def state(h, year: int) -> str:  # noqa: ANN001
    return (await h.client.get(f"/v1/assessments/{year}", headers=h.auth(scopes=READER))).json()["state"]


async def test_demo_waits_in_collecting_then_scores_from_the_snapshots(sqlite_service) -> None:  # noqa: ANN001
    h, bus = sqlite_service
    started = time.monotonic()
    await demo.load_demo(h.runtime)
    assert time.monotonic() - started < 30
    frameworks = (await h.client.get("/v1/frameworks", headers=h.auth(scopes=READER))).json()["items"]
    assert [f["year"] for f in frameworks] == [2018, 2019, 2020]
    assert await state(h, 2018) == "collecting" and await state(h, 2019) == "collecting"
    # loading again changes nothing
    async with h.runtime.uow() as uow:
        events = len(await uow.assessments.history((await uow.assessments.get(2018)).id))
    await demo.load_demo(h.runtime)
    async with h.runtime.uow() as uow:
        assert len(await uow.assessments.history((await uow.assessments.get(2018)).id)) == events
    # monitoring freezes the year-end snapshots: the demo finishes 2018 (published) and 2019 (review)
    ids = {}
    for year in (2018, 2019):
        ids[year] = uuid.uuid4()
        await bus.publish(YearSnapshotFrozen(snapshot_id=ids[year], year=year, frozen_at=datetime.now(UTC),
                                             metrics=metrics()), subject=str(ids[year]))

    async def finished() -> bool:
        return await state(h, 2018) == "published" and await state(h, 2019) == "review"

    await eventually(finished, timeout=60, message="demo scored 2018 and 2019")
    result = (await h.client.get("/v1/assessments/2018/441223", headers=h.auth(scopes=READER))).json()
    assert result["version"] == 1 and result["snapshot_id"] == str(ids[2018])
    assert result["grade"] in {"好", "较好", "一般", "较差"} and result["total"] > 0
    assert all(i["evidence"]["snapshot_id"] == str(ids[2018]) for i in result["indicators"] if i["source"] != "manual")


@pytest.mark.pg
@pytest.mark.kafka
async def test_snapshot_over_kafka_and_events_on_the_assessment_topic(migrated_pg, key_file, topic_prefix,
                                                                       tmp_path) -> None:  # noqa: ANN001
    url = await migrated_pg(MIGRATIONS)
    settings = AssessmentSettings(database_url=url, auth_key_file=key_file, topic_prefix=topic_prefix, bus="kafka",
                                  data_dir=tmp_path, relay_poll_seconds=0.05)
    h = ServiceHarness(create_app, settings)
    producer = KafkaTransport(settings.kafka_bootstrap)
    async with h.running():
        r = await h.client.put("/v1/frameworks/2019", json=bundled_framework(2019).model_dump(mode="json"),
                               headers=h.auth(scopes=WRITER))
        assert r.status_code == 201
        snapshot_id = uuid.uuid4()
        event = YearSnapshotFrozen(snapshot_id=snapshot_id, year=2019, frozen_at=datetime.now(UTC), metrics=metrics())
        envelope = Envelope(id=uuid.uuid4(), source="/fupin/monitoring", type=event.event_type(),
                            subject=str(snapshot_id), time=datetime.now(UTC), data=event.model_dump(mode="json"))
        await producer.ensure_topics([settings.topic("monitoring")], partitions=3)
        await producer.publish(settings.topic("monitoring"), [(str(snapshot_id).encode(), envelope.to_json())])

        async def copied() -> bool:
            r = await h.client.get(f"/v1/snapshots/{snapshot_id}", headers=h.auth(scopes=READER))
            return r.status_code == 200 and len(r.json()["metrics"]) == 8

        await eventually(copied, timeout=60, message="snapshot consumed from Kafka")
        subscription = await producer.subscribe(f"{topic_prefix}probe", [settings.topic()])
        try:
            seen: list[str] = []

            async def framework_event() -> bool:
                seen.extend(Envelope.from_json(m.value).type for m in await subscription.fetch(timeout=1.0,
                                                                                             max_records=100))
                return "fupin.assessment.framework.defined.v1" in seen

            await eventually(framework_event, timeout=60, message="FrameworkDefined on fupin.assessment.v1")
        finally:
            await subscription.close()
            await producer.stop()
