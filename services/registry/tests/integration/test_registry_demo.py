"""The demo loader for `make run`: through the bulk path with events, once, with the 111 villages' records."""
from sqlalchemy import text

from fupin_registry.app import create_app
from fupin_registry.demo import load_demo
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
        await load_demo(harness.runtime)  # idempotent: skipped
        async with harness.runtime.engine.connect() as conn:
            assert (await conn.execute(text("SELECT count(*) FROM household"))).scalar() == 150
            assert (await conn.execute(text("SELECT count(*) FROM outbox"))).scalar() == events
