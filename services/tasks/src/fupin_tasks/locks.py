"""Serialising the periodic jobs across replicas: a transaction-scoped advisory lock on PostgreSQL
(SQLite has one writer anyway). Two replicas detecting overdue items or refreshing targets at the
same moment then run one after the other, and the second finds nothing new to publish."""
from __future__ import annotations

import zlib

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


async def serialize(session: AsyncSession, name: str) -> None:
    if session.bind.dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                              {"key": zlib.crc32(f"fupin-tasks:{name}".encode())})
