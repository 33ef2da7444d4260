"""The registry's database without the HTTP app: for the CLI, the demo loader and the benchmarks."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from pathlib import Path

from fupin_registry.db import RegistryUow
from fupin_shared.db.engine import create_engine_from_url
from fupin_shared.db.migrations import upgrade


MIGRATIONS = Path(__file__).parent / "migrations"
"""(Not imported from ``app``: the importer should not load the HTTP app and its dependencies.)"""


@dataclass
class Standalone:
    engine: AsyncEngine
    uow: Callable[[], RegistryUow]


@asynccontextmanager
async def open_registry(url: str, *, migrate: bool = True) -> AsyncIterator[Standalone]:
    """An engine and unit-of-work factory on ``url`` (migrated to head first)."""
    if migrate:
        await asyncio.to_thread(upgrade, MIGRATIONS, url)
    engine = create_engine_from_url(url, pool_size=4, max_overflow=4)
    sessionmaker = async_sessionmaker(engine, expire_on_commit=False)
    try:
        yield Standalone(engine=engine, uow=lambda: RegistryUow(sessionmaker))
    finally:
        await engine.dispose()
