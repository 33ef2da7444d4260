"""Use cases of the feeds: a de-identified export of a feed since a cursor, in NDJSON, CSV or
Parquet, streamed batch by batch (memory stays flat however large the export), every pull logged."""
from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from fupin_registry.feeds import domain, repository
from fupin_registry.feeds.errors import BadCursor, UnknownFeed
from fupin_shared.auth.principal import Principal, division_range
from fupin_shared.db import is_postgres

CHINA = timezone(timedelta(hours=8))
BOM = "\ufeff".encode()
NDJSON = orjson.OPT_APPEND_NEWLINE | orjson.OPT_NAIVE_UTC

_S, _I, _B, _T = pa.string(), pa.int32(), pa.bool_(), pa.timestamp("us", tz="UTC")
SCHEMAS = {
    "households": pa.schema([("op", _S), ("seq", pa.int64()), ("household_id", _S), ("village_code", _S),
                             ("status", _S), ("persons", _I), ("labour_type", _S), ("guarantee_type", _S),
                             ("poverty_causes", _S), ("registered_year", _I), ("identified_year", _I),
                             ("exit_year", _I), ("exit_path", _S), ("return_year", _I), ("return_cause", _S),
                             ("removal_year", _I), ("removal_reason", _S), ("updated_at", _T)]),
    "persons": pa.schema([("op", _S), ("seq", pa.int64()), ("person_id", _S), ("household_id", _S),
                          ("village_code", _S), ("sex", _S), ("age_band", _S), ("relation", _S), ("in_school", _B),
                          ("education", _S), ("health", _S), ("disability_grade", _I), ("medical_insurance", _B),
                          ("pension_insurance", _B), ("labour_skill", _S), ("employment", _S), ("left_reason", _S),
                          ("updated_at", _T)]),
}


@dataclass
class Pull:
    feed: str
    since: int
    key: bytes
    lo: str
    hi: str
    on: date
    runtime: Any
    pg: repository.PgExport | None = None
    high_water: int = 0

    async def open(self) -> None:
        if is_postgres(self.runtime.engine):
            self.pg = repository.PgExport(self.runtime.engine)
            self.high_water = await self.pg.open()
        else:
            self.high_water = await repository.high_water(self.runtime.engine)

    async def close(self) -> None:
        if self.pg is not None:
            await self.pg.close()

    async def dicts(self) -> AsyncIterator[list[dict]]:
        """Batches of de-identified records."""
        if self.pg is not None:
            q = repository.pg_query(self.feed, self.since)
            args = repository.pg_args(self.feed, self.key, self.lo, self.hi, self.since, self.high_water, self.on)
            async for batch in self.pg.records(q, args):
                yield [dict(r) for r in batch]
            return
        async for batch in repository.generic_rows(self.runtime.engine, self.feed, self.lo, self.hi, self.since,
                                                   self.high_water):
            if self.feed == "households":
                yield [domain.household_record(r, key=self.key, seq=s) for r, s in batch]
            else:
                yield [domain.person_record(r, key=self.key, seq=s, on=self.on) for r, s in batch]


async def start(runtime: Any, principal: Principal, feed: str, since: str | None, *, request_id: str | None) -> Pull:
    if feed not in domain.FEEDS:
        raise UnknownFeed(f"Unknown feed {feed}; feeds: {', '.join(domain.FEEDS)}.")
    try:
        cursor = domain.parse_cursor(since)
    except ValueError:
        raise BadCursor("since must be a cursor returned by an earlier pull (a non-negative integer).") from None
    lo, hi = division_range(principal.division)
    pull = Pull(feed, cursor, domain.consumer_key(runtime.settings.pseudonym_key, principal.client_id), lo, hi,
                datetime.now(CHINA).date(), runtime)
    await log_pull(runtime, principal, f"feeds/{feed}?since={cursor}", request_id)
    await pull.open()
    return pull


async def log_pull(runtime: Any, principal: Principal, resource: str, request_id: str | None) -> None:
    async with runtime.uow() as uow:
        uow.log_access(actor=principal.sub, division=principal.division, action="feed.pull", resource=resource,
                       request_id=request_id)
        await uow.commit()


async def ndjson(pull: Pull) -> AsyncIterator[bytes]:
    try:
        if pull.pg is not None:
            q = repository.pg_query(pull.feed, pull.since)
            args = repository.pg_args(pull.feed, pull.key, pull.lo, pull.hi, pull.since, pull.high_water, pull.on)
            async for chunk in pull.pg.copy_ndjson(q, args):
                yield chunk
            return
        async for batch in pull.dicts():
            yield b"".join([orjson.dumps(r, option=NDJSON) for r in batch])
    finally:
        await pull.close()


async def csv_stream(pull: Pull, *, bom: bool) -> AsyncIterator[bytes]:
    try:
        if bom:
            yield BOM
        if pull.pg is not None:
            q = repository.pg_query(pull.feed, pull.since)
            args = repository.pg_args(pull.feed, pull.key, pull.lo, pull.hi, pull.since, pull.high_water, pull.on)
            async for chunk in pull.pg.copy_csv(q, args, header=True):
                yield chunk
            return
        columns = domain.COLUMNS[pull.feed]
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        async for batch in pull.dicts():
            writer.writerows([[_csv(r[c]) for c in columns] for r in batch])
            yield buf.getvalue().encode()
            buf.seek(0)
            buf.truncate()
        if buf.tell():
            yield buf.getvalue().encode()
    finally:
        await pull.close()


def _csv(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat(sep=" ")
    return value


async def parquet_file(pull: Pull, directory: str | None) -> str:
    """Row groups written batch by batch to a temporary file (Parquet's footer needs the whole
    file before anything can be read)."""
    schema = SCHEMAS[pull.feed]
    fd, path = tempfile.mkstemp(suffix=".parquet", dir=directory)
    os.close(fd)
    try:
        with pq.ParquetWriter(path, schema) as writer:
            async for batch in pull.dicts():
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
    except BaseException:
        os.unlink(path)
        raise
    finally:
        await pull.close()
    return path


async def village_aggregates(runtime: Any, principal: Principal, *, request_id: str | None) -> list[dict]:
    lo, hi = division_range(principal.division)
    await log_pull(runtime, principal, "feeds/village-aggregates", request_id)
    return domain.suppress(await repository.village_aggregates(runtime.engine, lo, hi), ("households", "persons"))
