"""The demo loader for `make run`: through the bulk path with events, once, with the 111 villages' records."""
from sqlalchemy import text

from fupin_registry.app import create_app
from fupin_registry.demo import _record_villages, load_demo
from fupin_registry.settings import RegistrySettings
from fupin_shared.testing import ServiceHarness


async def test_demo_loads_once_on_sqlite_with_events(key_file, tmp_path):
    settings = RegistrySettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/registry.db", auth_key_file=key_file,
                                data_dir=tmp_path, demo_households=150)
    harness = ServiceHarness(create_app, settings)
    async with harness.running():
        await load_demo(harness.runtime)
        async with harness.runtime.engine.connect() as conn:
            def count(sql):
                return conn.execute(text(sql))
            households = (await count("SELECT count(*) FROM household")).scalar()
            events = (await count("SELECT count(*) FROM outbox")).scalar()
            villages = (await count("SELECT count(DISTINCT village_code) FROM village_record")).scalar()
            statuses = {s for (s,) in (await count("SELECT DISTINCT status FROM household")).all()}
        assert households == 150 and events > 150 * 4 and villages == 111
        assert {"exited", "identified"} <= statuses
        exits = await _record_villages(harness.runtime.uow, settings.demo_seed)  # as after an interruption
        assert exits > 0
        await load_demo(harness.runtime)  # idempotent: skipped
        async with harness.runtime.engine.connect() as conn:
            assert (await conn.execute(text("SELECT count(*) FROM household"))).scalar() == 150
            assert (await conn.execute(text("SELECT count(*) FROM outbox"))).scalar() == events


async def test_an_interrupted_demo_load_resumes_after_its_last_batch(key_file, tmp_path):
    from fupin_registry.demo import load_generated

    settings = RegistrySettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/registry.db", auth_key_file=key_file,
                                data_dir=tmp_path, demo_households=0)
    harness = ServiceHarness(create_app, settings)
    async with harness.running():
        uows = harness.runtime.uow

        def power_cut(job) -> None:
            raise RuntimeError("power cut after the first batch")

        first = await load_generated(uows, households=200, seed=5, batch_persons=150, on_batch=power_cut)
        assert first.status == "failed" and 0 < first.households_created < 200
        async with harness.runtime.engine.connect() as conn:
            kept = (await conn.execute(text("SELECT count(*) FROM household"))).scalar()
        assert kept == first.households_created  # the committed batch stays
        resumed = await load_generated(uows, households=200, seed=5, batch_persons=150)
        assert resumed.id == first.id and resumed.status == "done"
        assert resumed.households_created == 200 and resumed.households_unchanged == 0  # not re-read
        async with harness.runtime.engine.connect() as conn:
            assert (await conn.execute(text("SELECT count(*) FROM household"))).scalar() == 200
            assert (await conn.execute(text("SELECT count(*) FROM import_job"))).scalar() == 1
