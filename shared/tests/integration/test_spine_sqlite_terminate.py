"""An invalidated SQLite connection is closed at once, with no task left behind that could outlive the
event loop (SQLAlchemy's shielded graceful close hung the loop's teardown when the caller was cancelled)."""
from __future__ import annotations

import asyncio

from sqlalchemy import text

from fupin_shared.db.engine import create_engine_from_url


async def test_invalidating_a_sqlite_connection_starts_no_graceful_close_task(tmp_path) -> None:  # noqa: ANN001
    engine = create_engine_from_url(f"sqlite+aiosqlite:///{tmp_path}/spine.db")
    loop = asyncio.get_running_loop()
    started: list[str] = []
    default_factory = loop.get_task_factory()

    def recording_factory(loop, coro, **kwargs):  # noqa: ANN001, ANN202
        started.append(getattr(coro, "__qualname__", repr(coro)))
        if default_factory is not None:
            return default_factory(loop, coro, **kwargs)
        return asyncio.Task(coro, loop=loop, **kwargs)

    loop.set_task_factory(recording_factory)
    try:
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT 1"))).scalar_one() == 1
            await conn.invalidate()
    finally:
        loop.set_task_factory(default_factory)
    assert not [name for name in started if "graceful_close" in name], started
    async with engine.connect() as conn:  # the pool hands out a fresh, working connection
        assert (await conn.execute(text("SELECT 2"))).scalar_one() == 2
    await engine.dispose()
