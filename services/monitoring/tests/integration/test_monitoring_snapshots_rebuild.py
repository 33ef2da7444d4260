"""Year-end snapshots (frozen, published), the rebuild (a replay into fresh tables equals the live
view) and the migrations (the tables the rebuild creates are the tables the migrations create)."""
from __future__ import annotations

import asyncio
import random
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from fupin_monitoring import synthetic
from fupin_monitoring.app import MIGRATIONS
from fupin_monitoring.db import INFRA, Base, load_tables
from fupin_monitoring.overview.cache import cache_of
from fupin_monitoring.view.rebuild import RebuildRefused, rebuild
from fupin_monitoring.view.tables import PROJECTION_TABLES, view_freshness
from fupin_shared.bus import InProcessTransport
from fupin_shared.contracts import registry as cr
from fupin_shared.contracts.monitoring import SNAPSHOT_METRICS, YearSnapshotFrozen
from fupin_shared.db.migrations import downgrade, upgrade

BOTH = [pytest.param("sqlite"), pytest.param("pg", marks=pytest.mark.pg)]
CITY, GUANGNING = "441200000000", "441223000000"
WRITE = ["monitoring:read", "monitoring:write"]


async def load_city(monitoring, households: int = 40, seed: int = 5) -> None:  # noqa: ANN001
    rng = random.Random(seed)
    villages = synthetic.villages(24, seed=seed)
    events = [e for i in range(households) for e in synthetic.household_history(rng, villages[i % len(villages)])]
    await monitoring.send("registry", events)
    await monitoring.send("funds", list(synthetic.funds_history(rng, villages)))


async def tables_content(engine) -> dict[str, list[tuple]]:  # noqa: ANN001
    out = {}
    async with engine.connect() as conn:
        for table in PROJECTION_TABLES:
            if table is view_freshness:  # when and with what delay differ; what was applied does not
                rows = (await conn.execute(sa.select(view_freshness.c.topic, view_freshness.c.partition,
                                                     view_freshness.c.events_applied, view_freshness.c.last_event_time,
                                                     view_freshness.c.max_year))).all()
            else:
                query = sa.select(table)
                if "value" in table.c:
                    query = query.where(table.c.value != 0)
                rows = (await conn.execute(query)).all()
            out[str(table.name)] = sorted((tuple(str(v) for v in r) for r in rows))
    return out


async def test_freeze_publishes_every_metric_for_the_city_counties_and_units(monitoring) -> None:  # noqa: ANN001
    await load_city(monitoring, households=40)
    response = await monitoring.client.post("/v1/snapshots/2019/freeze", headers={
        **monitoring.auth(scopes=WRITE), "Idempotency-Key": "freeze-2019"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["frozen"] is True and body["year"] == 2019 and body["events_applied"] > 0
    assert body["subjects"][CITY] == "city" and body["subjects"][GUANGNING] == "county"
    assert sum(1 for kind in body["subjects"].values() if kind == "county") == 8
    for subject, kind in body["subjects"].items():
        if kind in ("city", "county"):
            assert set(body["metrics"][subject]) == set(SNAPSHOT_METRICS), subject
    city = body["metrics"][CITY]
    assert city["households_identified"] == 40 and 0 < city["exit_rate"] <= 1
    assert city["funds_allocated_fen"] == 8 * 100_000_000
    replay = await monitoring.client.post("/v1/snapshots/2019/freeze", headers={
        **monitoring.auth(scopes=WRITE), "Idempotency-Key": "freeze-2019"})
    assert replay.status_code == 201 and replay.headers["idempotent-replayed"] == "true"
    await monitoring.settled()
    async with monitoring.runtime.sessionmaker() as session:
        [row] = (await session.execute(sa.select(INFRA.Outbox).where(
            INFRA.Outbox.type == YearSnapshotFrozen.event_type()))).scalars().all()
    event = YearSnapshotFrozen.model_validate(row.data)
    assert event.year == 2019 and event.metrics == body["metrics"] and str(event.snapshot_id) == body["snapshot_id"]
    got = (await monitoring.client.get("/v1/snapshots/2019", headers=monitoring.auth())).json()
    assert got["metrics"] == body["metrics"]
    listed = (await monitoring.client.get("/v1/snapshots", headers=monitoring.auth())).json()
    assert [s["year"] for s in listed] == [2019]


async def test_a_frozen_year_never_changes_and_refusals_write_nothing(monitoring) -> None:  # noqa: ANN001
    await load_city(monitoring, households=30)
    first = (await monitoring.client.post("/v1/snapshots/2019/freeze", headers=monitoring.auth(scopes=WRITE))).json()
    await load_city(monitoring, households=30, seed=6)  # later edits in the registry
    again = await monitoring.client.post("/v1/snapshots/2019/freeze", headers=monitoring.auth(scopes=WRITE))
    assert again.status_code == 409 and again.json()["type"].endswith("/snapshot-already-frozen")
    future = await monitoring.client.post("/v1/snapshots/2099/freeze", headers=monitoring.auth(scopes=WRITE))
    assert future.status_code == 422
    county = await monitoring.client.post("/v1/snapshots/2018/freeze", headers=monitoring.auth(scopes=WRITE,
                                                                                              division=GUANGNING))
    assert county.status_code == 403
    reader = await monitoring.client.post("/v1/snapshots/2018/freeze", headers=monitoring.auth(scopes=["monitoring:read"]))
    assert reader.status_code == 403
    assert (await monitoring.client.get("/v1/snapshots/2018", headers=monitoring.auth())).status_code == 404
    unchanged = (await monitoring.client.get("/v1/snapshots/2019", headers=monitoring.auth())).json()
    assert unchanged["metrics"] == first["metrics"] and unchanged["snapshot_id"] == first["snapshot_id"]
    async with monitoring.runtime.sessionmaker() as session:
        count = (await session.execute(sa.select(sa.func.count()).select_from(INFRA.Outbox).where(
            INFRA.Outbox.type == YearSnapshotFrozen.event_type()))).scalar_one()
    assert count == 1


async def test_a_county_reader_sees_its_own_county_of_a_snapshot(monitoring) -> None:  # noqa: ANN001
    await load_city(monitoring, households=16)
    await monitoring.client.post("/v1/snapshots/2019/freeze", headers=monitoring.auth(scopes=WRITE))
    own = (await monitoring.client.get("/v1/snapshots/2019", headers=monitoring.auth(
        scopes=["monitoring:read"], division=GUANGNING))).json()
    assert list(own["metrics"]) == [GUANGNING] and own["subjects"] == {GUANGNING: "county"}


@pytest.mark.parametrize("backend", BOTH, indirect=True)
async def test_the_rebuilt_view_equals_the_live_one(monitoring) -> None:  # noqa: ANN001
    await load_city(monitoring, households=40)
    live = await tables_content(monitoring.runtime.engine)
    overview = await monitoring.overview()
    response = await monitoring.client.post("/v1/rebuild", headers=monitoring.auth(scopes=WRITE))
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["swapped"] is True and report["counter_differences"] == 0
    assert report["events_replayed"] == report["live_events"] == overview["events_applied"]
    assert await tables_content(monitoring.runtime.engine) == live
    # the live view carries on after the swap: new events are applied once, replayed ones skipped
    hid = uuid.uuid4()
    await monitoring.send("registry", [synthetic.envelope(cr.HouseholdRegistered(
        household_id=hid, village_code="441223101201", status="identified", persons=2, year=2020), subject=hid)])
    after = await monitoring.overview()
    assert after["households_total"] == overview["households_total"] + 1
    assert after["events_applied"] == overview["events_applied"] + 1


async def test_the_rebuild_repairs_drift_and_reports_it(monitoring) -> None:  # noqa: ANN001
    await load_city(monitoring, households=20)
    before = await monitoring.overview()
    async with monitoring.runtime.engine.begin() as conn:
        await conn.execute(sa.text("UPDATE view_counter SET value = value + 5 "
                                   "WHERE division_code = '441200000000' AND metric = 'identified_hh'"))
    cache_of(monitoring.runtime).changed()  # the tampering happened behind the service's back
    assert (await monitoring.overview())["identified"]["households"] != before["identified"]["households"]
    report = await rebuild(monitoring.runtime)
    assert report.swapped and report.counter_differences >= 1
    assert report.differences[0]["metric"] == "identified_hh"
    assert (await monitoring.overview())["identified"] == before["identified"]


async def test_a_replay_missing_history_is_refused_and_swaps_nothing(monitoring) -> None:  # noqa: ANN001
    await load_city(monitoring, households=10)
    live = await tables_content(monitoring.runtime.engine)
    monitoring.runtime.transport = InProcessTransport()  # as after a restart: the in-process bus holds nothing
    with pytest.raises(RebuildRefused):
        await rebuild(monitoring.runtime, settle_seconds=1.0)
    assert await tables_content(monitoring.runtime.engine) == live


@pytest.mark.parametrize("backend", BOTH, indirect=True)
async def test_migrations_match_the_tables_and_downgrade(database_url: str) -> None:
    load_tables()
    await asyncio.to_thread(upgrade, MIGRATIONS, database_url, "head")
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            def diff(sync):  # noqa: ANN001, ANN202
                context = MigrationContext.configure(sync, opts={"compare_type": True,
                                                                 "version_table": "alembic_version_monitoring"})
                return compare_metadata(context, Base.metadata)
            assert await conn.run_sync(diff) == []
    finally:
        await engine.dispose()
    await asyncio.to_thread(downgrade, MIGRATIONS, database_url, "base")
    await asyncio.to_thread(upgrade, MIGRATIONS, database_url, "head")
