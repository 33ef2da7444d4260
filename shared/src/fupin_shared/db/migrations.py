"""Alembic helpers: every service's env.py calls :func:`run_env`; apps and the CLI call :func:`upgrade`."""
from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, pool
from sqlalchemy.ext.asyncio import create_async_engine


def alembic_config(migrations_dir: Path, url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["url"] = url
    return cfg


def upgrade(migrations_dir: Path, url: str, revision: str = "head") -> None:
    """Run ``alembic upgrade`` (synchronous; call through ``asyncio.to_thread`` from async code)."""
    command.upgrade(alembic_config(migrations_dir, url), revision)


def downgrade(migrations_dir: Path, url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(migrations_dir, url), revision)


def run_env(metadata: MetaData, version_table: str, default_url: str) -> None:
    """Body of a service's ``migrations/env.py``: own metadata, own version table, batch mode for SQLite."""
    config = context.config
    url = config.attributes.get("url") or config.get_main_option("sqlalchemy.url") or default_url
    options = {"target_metadata": metadata, "version_table": version_table,
               "render_as_batch": url.startswith("sqlite"), "compare_type": True}
    if context.is_offline_mode():
        context.configure(url=url, literal_binds=True, **options)
        with context.begin_transaction():
            context.run_migrations()
        return

    def _run(connection) -> None:  # noqa: ANN001
        context.configure(connection=connection, **options)
        with context.begin_transaction():
            context.run_migrations()

    async def _online() -> None:
        engine = create_async_engine(url, poolclass=pool.NullPool)
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
        await engine.dispose()

    asyncio.run(_online())
