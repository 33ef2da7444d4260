"""The registry read copy: fed only by events, applied once, newest state wins — in-process and on Kafka."""
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from fupin_funds.app import MIGRATIONS, create_app
from fupin_funds.beneficiaries.models import BeneficiaryHousehold, VillageRecord
from fupin_funds.testing import VILLAGE, Funds
from fupin_shared.testing import ServiceHarness, eventually

pytestmark = pytest.mark.pg


async def _row(f, household_id):
    async with f.harness.runtime.sessionmaker() as session:
        return await session.get(BeneficiaryHousehold, household_id)


async def test_household_events_keep_the_copy_current_and_replays_change_nothing(funds_pg):
    f = funds_pg
    hid = uuid.uuid4()
    t0 = datetime.now(UTC)
    data = {"household_id": str(hid), "village_code": VILLAGE, "status": "applied", "persons": 4}
    await f.registry_event("fupin.registry.household.registered.v1", str(hid), data, time=t0)
    await f.registry_event("fupin.registry.household.identified.v1", str(hid),
                           data | {"status": "identified", "year": 2019}, time=t0 + timedelta(seconds=1))
    await f.wait_status(hid, "identified")
    # an older event delivered again (at-least-once) does not roll the state back
    await f.registry_event("fupin.registry.household.status_changed.v1", str(hid),
                           data | {"status": "appraised", "from_status": "applied", "step": "appraise"},
                           time=t0 + timedelta(milliseconds=500))
    await f.registry_event("fupin.registry.member.added.v1", str(hid),
                           data | {"status": "identified", "persons": 5, "member_id": str(uuid.uuid4())},
                           time=t0 + timedelta(seconds=2))

    async def five_persons():
        row = await _row(f, hid)
        return row is not None and row.persons == 5

    await eventually(five_persons, message="member event applied")
    row = await _row(f, hid)
    assert (row.status, row.persons, row.last_event_type) == ("identified", 5, "fupin.registry.member.added.v1")


async def test_village_events_flag_provincial_poor_villages_on_projects(funds_pg):
    f = funds_pg
    await f.registry_event("fupin.registry.village.assessed.v1", VILLAGE, {
        "village_code": VILLAGE, "year": 2019, "provincial_poor_village": True, "eligible": False,
        "failed": ["income_below_line"]})

    async def arrived():
        async with f.harness.runtime.sessionmaker() as session:
            return await session.get(VillageRecord, VILLAGE)

    await eventually(arrived, message="village record")
    project = await f.project()
    assert project["provincial_poor_village"] is True
    history = (await f.client.get(f"/v1/projects/{project['id']}/history", headers=f.auth())).json()
    assert history[0]["data"]["provincial_poor_village"] is True


@pytest.mark.kafka
async def test_read_copy_from_the_registry_topic_on_kafka(migrated_pg, funds_key_file, topic_prefix, tmp_path):
    from fupin_funds.settings import FundsSettings
    from fupin_shared.bus.kafka import KafkaTransport
    from fupin_shared.events import Envelope
    from fupin_shared.testing.support import KAFKA_BOOTSTRAP

    url = await migrated_pg(MIGRATIONS)
    settings = FundsSettings(database_url=url, auth_key_file=funds_key_file, topic_prefix=topic_prefix, bus="kafka",
                             kafka_bootstrap=KAFKA_BOOTSTRAP, data_dir=tmp_path, relay_poll_seconds=0.05)
    harness = ServiceHarness(create_app, settings)
    async with harness.running():
        f = Funds(harness, harness.runtime.transport)
        hid = uuid.uuid4()
        producer = KafkaTransport(KAFKA_BOOTSTRAP)
        await producer.start()
        try:
            envelope = Envelope(id=uuid.uuid4(), source="/fupin/registry", type="fupin.registry.household.registered.v1",
                                subject=str(hid), time=datetime.now(UTC),
                                data={"household_id": str(hid), "village_code": VILLAGE, "status": "identified",
                                      "persons": 2})
            await producer.publish(settings.topic("registry"), [(str(hid).encode(), envelope.to_json())])
        finally:
            await producer.stop()
        await f.wait_households([hid])
        project = await f.project(beneficiaries=[hid])
        assert project["beneficiary_household_ids"] == [str(hid)]
