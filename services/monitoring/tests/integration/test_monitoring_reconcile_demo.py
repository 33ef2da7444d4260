"""Reconciliation against the registry's own API, and the demo's year-end freeze."""
from __future__ import annotations

import asyncio
import random
from datetime import date

import httpx
import pytest
import sqlalchemy as sa

from fupin_monitoring import synthetic
from fupin_monitoring.demo import load_demo
from fupin_monitoring.reconcile import client_for, reconcile
from fupin_registry.app import MIGRATIONS as REGISTRY_MIGRATIONS
from fupin_registry.app import create_app as create_registry
from fupin_registry.settings import RegistrySettings
from fupin_platform.embedded import load_demos
from fupin_shared.bus import InProcessTransport
from fupin_shared.outbox.relay import Relay
from fupin_shared.testing import ServiceHarness, eventually, mint_token

pytestmark = pytest.mark.pg

VILLAGE = "441223101201"


def id_number(serial: int) -> str:
    body = f"441223197003040{serial:02d}"[:17]
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]


async def register(client: httpx.AsyncClient, headers: dict, serial: int) -> dict:
    head = {"name": "测试户主", "id_number": id_number(serial)}
    sex = "male" if int(head["id_number"][16]) % 2 else "female"
    full = {"village_code": VILLAGE, "labour_type": "labour", "poverty_causes": ["illness"], "members": [],
            "head": {**head, "sex": sex, "birth_date": date(1970, 3, 4).isoformat(), "medical_insurance": True}}
    response = await client.post("/v1/households", json=full, headers=headers)
    if response.status_code == 422:
        response = await client.post("/v1/households", headers=headers, json={
            "village_code": VILLAGE, "head": head, "persons": 1, "labour_type": "labour",
            "poverty_causes": ["illness"]})
    assert response.status_code == 201, response.text
    return response.json()


async def test_reconcile_finds_no_drift_then_reports_a_tampered_figure(migrated_pg, start_monitoring, key_file,
                                                                       tmp_path) -> None:  # noqa: ANN001
    transport = InProcessTransport()
    registry = ServiceHarness(create_registry, RegistrySettings(
        database_url=await migrated_pg(REGISTRY_MIGRATIONS), auth_key_file=key_file, data_dir=tmp_path, bus="memory"),
        transport=transport)
    from fupin_monitoring.app import MIGRATIONS

    async with registry.running(), start_monitoring(await migrated_pg(MIGRATIONS), transport=transport) as monitoring:
        writer = registry.auth(scopes=["registry:read", "registry:write"])
        for serial in range(3):
            await register(registry.client, writer, serial)
        token = mint_token(key_file, scopes=["registry:read"])
        client = client_for("http://registry", token, transport=httpx.ASGITransport(app=registry.app))
        async with client:
            async def households_match() -> bool:
                report = await reconcile(monitoring.runtime.engine, registry=client, funds=None, settle=0)
                return not [d for d in report.drift if d.figure.startswith(("households:", "persons:"))]

            await eventually(households_match, timeout=20, message="the view never matched the registry")
            report = await reconcile(monitoring.runtime.engine, registry=client, funds=None, settle=0)
            assert report.compared["registry"] > 0 and report.requests >= 2
            assert "funds allocations not compared: no funds URL" in report.notes
            async with monitoring.runtime.engine.begin() as conn:
                await conn.execute(sa.text("UPDATE view_counter SET value = value + 2 WHERE division_code = "
                                           "'441223000000' AND metric = 'hh_status'"))
            drifted = await reconcile(monitoring.runtime.engine, registry=client, funds=None, settle=0)
            households = [d for d in drifted.drift if d.figure.startswith("households:")]
            assert households and households[0].division == "441223000000"
            assert households[0].view == households[0].owner + 2


async def test_the_demo_freezes_2018_and_2019_once_the_events_have_flowed(monitoring) -> None:  # noqa: ANN001
    rng = random.Random(3)
    villages = synthetic.villages(16)
    await monitoring.send("registry", [e for i in range(20) for e in synthetic.household_history(rng, villages[i % 16])])
    await load_demo(monitoring.runtime)
    listed = (await monitoring.client.get("/v1/snapshots", headers=monitoring.auth())).json()
    assert [s["year"] for s in listed] == [2018, 2019]
    first = (await monitoring.client.get("/v1/snapshots/2019", headers=monitoring.auth())).json()
    assert first["metrics"]["441200000000"]["households_identified"] == 20
    await load_demo(monitoring.runtime)  # idempotent: nothing refrozen
    again = (await monitoring.client.get("/v1/snapshots/2019", headers=monitoring.auth())).json()
    assert again["snapshot_id"] == first["snapshot_id"]


async def test_the_demo_freezes_only_once_the_registry_demo_has_flowed_through_the_view(
        migrated_pg, start_monitoring, key_file, tmp_path) -> None:  # noqa: ANN001
    """The registry's relay is held back, so its events wait in its outbox longer than any quiet
    spell: the year-end freeze waits for them (the platform starts monitoring's demo once the
    registry's outbox is published; the view then holds all of it) instead of freezing empty figures."""
    transport = InProcessTransport()
    registry = ServiceHarness(create_registry, RegistrySettings(
        database_url=await migrated_pg(REGISTRY_MIGRATIONS), auth_key_file=key_file, data_dir=tmp_path, bus="memory",
        demo_households=0), transport=transport)
    from fupin_monitoring.app import MIGRATIONS

    async with registry.running(), start_monitoring(await migrated_pg(MIGRATIONS), transport=transport) as monitoring:
        held = registry.runtime.relay
        held.stop()
        relay_task = next(t for t in registry.runtime.tasks if t.get_name() == "relay")
        await eventually(lambda: _done(relay_task), timeout=10, message="the registry relay did not stop")
        writer = registry.auth(scopes=["registry:read", "registry:write"])
        for serial in range(3):
            await register(registry.client, writer, serial)
        demo = asyncio.create_task(load_demos({"registry": registry.app, "monitoring": monitoring.h.app}))
        await monitoring.settled()  # the view holds everything on the bus: nothing of the registry's yet
        with pytest.raises(TimeoutError):  # longer than the quiet spell the freeze used to wait for
            await asyncio.wait_for(asyncio.shield(demo), timeout=4)
        assert (await monitoring.client.get("/v1/snapshots", headers=monitoring.auth())).json() == []
        relay = Relay(service="registry", engine=registry.runtime.engine, transport=transport,
                      outbox_model=registry.runtime.definition.infra.Outbox, topic=registry.settings.topic())
        relay_task = asyncio.create_task(relay.run())
        try:
            await asyncio.wait_for(demo, timeout=60)
        finally:
            relay.stop()
            await relay_task
        async with registry.runtime.engine.connect() as conn:
            registry_events = (await conn.execute(sa.text("SELECT count(*) FROM outbox"))).scalar_one()
        frozen = (await monitoring.client.get("/v1/snapshots/2019", headers=monitoring.auth())).json()
        assert registry_events > 0 and frozen["events_applied"] >= registry_events
        overview = await monitoring.overview()
        assert overview["households_total"] == 3


async def _done(task: asyncio.Task) -> bool:
    return task.done()
