"""The demo data set (through the use cases, on SQLite as ``make run`` does) and the migration's downgrade."""
from collections import Counter

import pytest
from sqlalchemy import select

from fupin_funds import demo
from fupin_funds.app import MIGRATIONS
from fupin_shared.db.migrations import downgrade, upgrade


async def test_demo_builds_a_balanced_picture_with_every_event_once(funds_sqlite, monkeypatch):
    f = funds_sqlite
    geography = demo.geography_from_file(demo.registry_division_file())
    poor = geography.poor_villages()
    chosen = [v for v in poor if v.code.startswith("441223")][:3] + [v for v in poor if v.code.startswith("441224")][:1]
    small = demo.Geography(towns=geography.towns, villages=chosen, source="test")
    monkeypatch.setattr(demo, "_geography", lambda runtime: _async(small))
    for village in chosen:
        await f.households(village=village.code, n=40)

    await demo.load_demo(f.harness.runtime, wait_for_registry_seconds=0)

    check = await f.ledger_balanced()
    assert check["balanced"] and check["nodes_checked"] > 40
    infra = f.harness.runtime.definition.infra
    async with f.harness.runtime.sessionmaker() as session:
        types = Counter((await session.scalars(select(infra.Outbox.type))).all())
    for verb in ("source.registered", "allocation.made", "allocation.disbursed", "disclosure.published",
                 "project.changed", "loan.changed", "audit_finding.recorded", "audit_finding.closed",
                 "asset.income_distributed"):
        assert types[f"fupin.funds.{verb}.v1"] > 0, verb
    projects = (await f.client.get("/v1/projects", params={"limit": 500}, headers=f.auth())).json()["items"]
    assert {p["village_code"] for p in projects} == {v.code for v in chosen}
    public = (await f.client.get("/public/v1/disclosures", params={"limit": 500})).json()["items"]
    assert {n["kind"] for n in public} >= {"allocation_result", "village_project_arrangement", "fund_use"}
    loans = (await f.client.get("/v1/loans", params={"limit": 500}, headers=f.auth())).json()["items"]
    assert {loan["status"] for loan in loans} <= {"repaid", "overdue"}
    assert any(loan["status"] == "repaid" for loan in loans)
    before = sum(types.values())
    await demo.load_demo(f.harness.runtime)                                 # a second start changes nothing
    async with f.harness.runtime.sessionmaker() as session:
        assert len((await session.scalars(select(infra.Outbox.id))).all()) == before


async def _async(value):
    return value


def test_migration_downgrades_and_upgrades_again(tmp_path):
    import sqlite3

    url = f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"

    def tables() -> set[str]:
        with sqlite3.connect(tmp_path / "m.db") as conn:
            return {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}

    upgrade(MIGRATIONS, url)
    assert {"fund_allocation", "disbursement", "outbox", "disclosure_rule", "loan"} <= tables()
    downgrade(MIGRATIONS, url, "base")
    assert tables() == {"alembic_version_funds"}
    upgrade(MIGRATIONS, url)
    with sqlite3.connect(tmp_path / "m.db") as conn:
        assert conn.execute("SELECT count(*) FROM disclosure_rule").fetchone() == (4,)


@pytest.mark.pg
async def test_migration_downgrades_on_postgresql(pg_database):
    import asyncio

    await asyncio.to_thread(upgrade, MIGRATIONS, pg_database)
    await asyncio.to_thread(downgrade, MIGRATIONS, pg_database, "base")
    await asyncio.to_thread(upgrade, MIGRATIONS, pg_database)
