"""The engine pings a pooled PostgreSQL connection only after it sat idle: a connection that died while
idle is replaced on checkout, and a connection handed back moments ago goes out without a round trip."""
import pytest
import sqlalchemy as sa

from fupin_shared.db import engine as engine_module

pytestmark = pytest.mark.pg


async def _backend_pid(engine) -> int:
    async with engine.connect() as conn:
        return (await conn.execute(sa.text("SELECT pg_backend_pid()"))).scalar_one()


async def test_an_idle_connection_that_died_is_replaced_on_checkout(pg_database, monkeypatch):
    engine = engine_module.create_engine_from_url(pg_database, pool_size=1, max_overflow=0)
    other = engine_module.create_engine_from_url(pg_database, pool_size=1, max_overflow=0)
    try:
        first = await _backend_pid(engine)
        async with other.connect() as conn:  # the server drops the pooled, idle connection
            await conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_SECONDS", 0.0)
        second = await _backend_pid(engine)
        assert second != first
    finally:
        await engine.dispose()
        await other.dispose()


async def test_a_connection_used_moments_ago_goes_out_unpinged_and_a_break_is_healed_by_the_next(pg_database):
    engine = engine_module.create_engine_from_url(pg_database, pool_size=1, max_overflow=0)
    other = engine_module.create_engine_from_url(pg_database, pool_size=1, max_overflow=0)
    try:
        first = await _backend_pid(engine)
        async with other.connect() as conn:
            await conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        with pytest.raises(sa.exc.DBAPIError) as broken:  # not pinged: the statement meets the dead connection
            await _backend_pid(engine)
        assert broken.value.connection_invalidated
        assert await _backend_pid(engine) != first
    finally:
        await engine.dispose()
        await other.dispose()
