"""Unmatched signals are re-matched when the person is registered later (the registry's own member events
drive it, and a periodic sweep catches what they missed), only inside the poster's division, and reported
with counts."""
import random
import uuid
from datetime import date

import pytest
from sqlalchemy import select, update

from fupin_registry.app import MIGRATIONS, create_app
from fupin_registry.db import INFRA
from fupin_registry.settings import RegistrySettings
from fupin_registry.signals.models import Signal
from fupin_shared.testing import ServiceHarness, eventually

pytestmark = pytest.mark.pg
SIGNALS = ["signals:write", "registry:read"]


async def _matched_events(h) -> list[dict]:
    async with h.runtime.sessionmaker() as s:
        return [r.data for r in (await s.scalars(select(INFRA.Outbox).where(
            INFRA.Outbox.type == "fupin.registry.signal.matched.v1").order_by(INFRA.Outbox.id))).all()]


async def test_an_unmatched_signal_is_matched_when_the_person_is_registered(any_registry, household_body, reg):
    h = any_registry
    rng = random.Random()
    body = household_body()
    newcomer = body["members"][0]["id_number"]
    # a county poster's signal about someone not yet registered, and a city one about a person registered
    # later in another county than the poster's (never matched there: outside the poster's division)
    county_poster = h.auth(division=reg.COUNTY, scopes=SIGNALS)
    r = await h.client.post("/v1/signals", headers=county_poster, json={
        "kind": "medical_bill", "id_number": newcomer, "occurred_on": "2026-11-01", "detail": {"amount_fen": 4_000_000}})
    waiting = r.json()
    assert r.status_code == 201 and waiting["matched"] is False and waiting["matched_at"] is None
    elsewhere_body = household_body(village=reg.OTHER_COUNTY_VILLAGE)
    r = await h.client.post("/v1/signals", headers=county_poster, json={
        "kind": "school_dropout", "id_number": elsewhere_body["members"][0]["id_number"], "occurred_on": "2026-11-02"})
    outside = r.json()
    stranger = reg.new_id_number(date(1975, 5, 5), rng)
    await h.client.post("/v1/signals", headers=county_poster, json={
        "kind": "disaster", "id_number": stranger, "occurred_on": "2026-11-03", "detail": {"disaster_type": "flood"}})

    report = (await h.client.get("/v1/signals/report", headers=h.auth(division=reg.COUNTY, scopes=["registry:read"])))
    assert report.status_code == 200, report.text
    before = report.json()
    assert (before["matched"], before["unmatched"], before["rematched"]) == (0, 3, 0)
    assert before["oldest_unmatched_received_at"] is not None

    assert (await h.client.post("/v1/households", json=body, headers=h.auth())).status_code == 201
    assert (await h.client.post("/v1/households", json=elsewhere_body, headers=h.auth())).status_code == 201

    async def rematched():
        got = await h.client.get(f"/v1/signals/{waiting['id']}", headers=h.auth(scopes=["registry:read"]))
        return got.json() if got.json()["matched"] else None
    signal = await eventually(rematched, timeout=20, message="the signal was not re-matched")
    assert signal["division_code"] == reg.VILLAGE and signal["matched_at"] > signal["received_at"]
    [event] = await _matched_events(h)
    assert event["signal_id"] == waiting["id"] and event["village_code"] == reg.VILLAGE
    assert event["detail"] == {"amount_fen": 4_000_000} and "id_number" not in event

    # outside the poster's county: kept unmatched, listed and counted
    got = await h.client.get(f"/v1/signals/{outside['id']}", headers=h.auth(scopes=["registry:read"]))
    assert got.json()["matched"] is False
    after = (await h.client.get("/v1/signals/report", params={"division": reg.COUNTY},
                                headers=h.auth(scopes=["registry:read"]))).json()
    assert (after["matched"], after["unmatched"], after["rematched"]) == (1, 2, 1)
    assert after["by_kind"]["medical_bill"] == {"matched": 1, "unmatched": 0, "rematched": 1}
    assert after["by_kind"]["disaster"] == {"matched": 0, "unmatched": 1, "rematched": 0}
    unmatched = (await h.client.get("/v1/signals", params={"matched": "false"},
                                    headers=h.auth(division=reg.COUNTY, scopes=["registry:read"]))).json()
    assert {s["kind"] for s in unmatched["items"]} == {"school_dropout", "disaster"}


async def test_signal_report_is_scoped(registry, reg):
    r = await registry.client.get("/v1/signals/report", params={"division": "441224000000"},
                                  headers=registry.auth(division=reg.COUNTY, scopes=["registry:read"]))
    assert r.status_code == 403
    r = await registry.client.get("/v1/signals/report", headers=registry.auth(scopes=["signals:write"]))
    assert r.status_code == 403
    r = await registry.client.get("/v1/signals/report", headers=registry.auth(division=reg.COUNTY,
                                                                               scopes=["registry:read"]))
    assert r.json()["matched"] == 0 and r.json()["unmatched"] == 0 and len(r.json()["by_kind"]) == 5


@pytest.fixture(params=["pg", "sqlite"])
async def sweeping(request, migrated_pg, key_file, topic_prefix, tmp_path):  # noqa: ANN001, ANN201
    """A registry whose re-match sweep runs every 0.2 s (PostgreSQL and SQLite)."""
    url = (await migrated_pg(MIGRATIONS) if request.param == "pg"
           else f"sqlite+aiosqlite:///{tmp_path}/registry.db")
    harness = ServiceHarness(create_app, RegistrySettings(database_url=url, auth_key_file=key_file, bus="memory",
                                                          topic_prefix=topic_prefix, data_dir=tmp_path,
                                                          signal_sweep_seconds=0.2))
    async with harness.running():
        yield harness


async def test_the_sweep_matches_a_signal_whose_event_driven_rematch_was_lost(sweeping, household_body, reg):
    h = sweeping
    county_poster = h.auth(division=reg.COUNTY, scopes=SIGNALS)
    body, elsewhere = household_body(), household_body(village=reg.OTHER_COUNTY_VILLAGE)
    for b in (body, elsewhere):
        assert (await h.client.post("/v1/households", json=b, headers=h.auth())).status_code == 201
    r = await h.client.post("/v1/signals", headers=county_poster, json={
        "kind": "medical_bill", "id_number": body["members"][0]["id_number"], "occurred_on": "2026-11-01",
        "detail": {"amount_fen": 4_000_000}})
    lost = r.json()
    assert lost["matched"] is True
    r = await h.client.post("/v1/signals", headers=county_poster, json={
        "kind": "school_dropout", "id_number": elsewhere["members"][0]["id_number"], "occurred_on": "2026-11-02"})
    outside = r.json()
    assert outside["matched"] is False
    # the member events came and went, but their re-match never happened: the signal waits, no event will come
    async with h.runtime.sessionmaker() as s:
        await s.execute(update(Signal).where(Signal.id == uuid.UUID(lost["id"])).values(
            matched=False, matched_at=None, household_id=None, member_id=None, division_code=reg.COUNTY))
        await s.commit()

    async def swept():  # noqa: ANN202
        events = await _matched_events(h)
        return events if len(events) == 2 else None
    events = await eventually(swept, timeout=20, message="the sweep did not re-match the signal")
    assert events[1]["signal_id"] == lost["id"] and events[1]["village_code"] == reg.VILLAGE
    got = (await h.client.get(f"/v1/signals/{lost['id']}", headers=h.auth(scopes=["registry:read"]))).json()
    assert got["matched"] and got["household_id"] == lost["household_id"] and got["division_code"] == reg.VILLAGE

    # outside the poster's county: the same sweep (it reads every waiting signal) left it waiting
    got = (await h.client.get(f"/v1/signals/{outside['id']}", headers=h.auth(scopes=["registry:read"]))).json()
    assert got["matched"] is False and got["matched_at"] is None
    assert [e["signal_id"] for e in await _matched_events(h)] == [lost["id"], lost["id"]]

