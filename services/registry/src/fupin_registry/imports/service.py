"""Bulk import jobs: a file is spooled, a job row created (202), and a background runner imports it.

The runner streams the file: a reader thread parses and validates households (CPU) while the event
loop writes the previous batch (PostgreSQL works on the other core), so the two overlap. Each batch —
households, members, yearly records, their outbox rows, the job's counters and the batch's row errors —
commits in one transaction. A household is all or nothing; a row error names the row (the header is
row 1), the column and the reason. Household numbers already imported with the same rows are counted
``unchanged`` and nothing is written, so re-importing a file changes nothing, and a job interrupted by a
restart resumes after its last committed batch. A household number already registered with other data
updates that household, with its events (``imports/changes.py`` decides what changes).
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import multiprocessing
import queue
import threading
import uuid
import zlib
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from fupin_registry import codelists
from fupin_registry.db import RegistryUow
from fupin_registry.households.errors import HouseholdNotFound
from fupin_registry.households.models import Household, Member
from fupin_registry.households.service import PERSONAL_FIELDS, household_base, member_event_fields
from fupin_registry.imports import changes as ch
from fupin_registry.imports import prepare as p
from fupin_registry.imports import reader
from fupin_registry.imports.bulk import BulkWriter
from fupin_registry.imports.pipeline import (BATCH_PERSONS, Batch, Source, End, next_batch, produce,
                                             produce_in_process)
from fupin_registry.imports.models import ImportJob
from fupin_registry.records.models import HouseholdGuarantee, HouseholdIncome
from fupin_shared.auth import mask_id_number
from fupin_shared.contracts.registry import (GuaranteesAssessed, HouseholdUpdated, IncomeRecorded, MemberAdded,
                                             MemberLeft, MemberUpdated)
from fupin_shared.db import utc_now, uuid7

log = logging.getLogger(__name__)

MAX_STORED_ERRORS = 100_000
"""Row errors kept per job (the count goes on beyond it)."""


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


async def create_job(uow: RegistryUow, *, path: Path, filename: str, division: str, actor: str,
                     job_id: uuid.UUID | None = None) -> ImportJob:
    """Record a queued job for a spooled file (format and header are checked now: an unreadable file is a 422)."""
    file_format = reader.detect_format(path, filename)
    await asyncio.to_thread(reader.check_header, path, file_format)
    size = path.stat().st_size
    digest = await asyncio.to_thread(_sha256, path)
    async with uow:
        job = ImportJob(id=job_id or uuid7(), division=division, actor=actor, filename=filename[:255],
                        file_format=file_format, size_bytes=size, sha256=digest, spool_path=str(path),
                        status="queued", rows_read=0, bytes_read=0, households_created=0, households_unchanged=0,
                        households_updated=0, households_rejected=0, persons_created=0, rows_rejected=0, error_count=0)
        uow.imports.add(job)
        await uow.commit()
    return job


async def _claim(uow_factory: Callable[[], RegistryUow], job_id: uuid.UUID) -> Any:
    """On PostgreSQL an advisory lock per job keeps a second process from running it too."""
    uow = uow_factory()
    async with uow:
        engine = uow.session.bind
    if engine.dialect.name != "postgresql":
        return True
    conn = await engine.connect()
    got = (await conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": _lock_key(job_id)})).scalar()
    await conn.commit()
    if not got:
        await conn.close()
        return None
    return conn


def _lock_key(job_id: uuid.UUID) -> int:
    return zlib.crc32(f"fupin-import:{job_id}".encode())


async def _release(conn: Any, job_id: uuid.UUID) -> None:
    # a pooled connection outlives close(): unlock explicitly, or drop the connection
    try:
        await conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": _lock_key(job_id)})
        await conn.commit()
        await conn.close()
    except Exception:  # noqa: BLE001
        await conn.invalidate()


async def run_job(uow_factory: Callable[[], RegistryUow], job_id: uuid.UUID, *,
                  on_batch: Callable[[ImportJob], Awaitable[None] | None] | None = None,
                  outbox_signal: asyncio.Event | None = None, batch_persons: int = BATCH_PERSONS,
                  source: Source | None = None, reader_process: bool | None = None) -> ImportJob | None:
    """Run (or resume) a job to the end. ``source`` replaces the job's file (the demo loader generates
    rows); ``reader_process`` forces (or forbids) a separate reader process (default: for large sources)."""
    lock = await _claim(uow_factory, job_id)
    if lock is None:
        return None
    try:
        return await _run(uow_factory, job_id, on_batch=on_batch, outbox_signal=outbox_signal,
                          batch_persons=batch_persons, source=source, reader_process=reader_process)
    except asyncio.CancelledError:
        raise  # the job stays running and resumes after a restart
    except Exception as exc:  # noqa: BLE001 - the job is marked failed; committed batches stay
        log.exception("import %s failed", job_id)
        return await _finish(uow_factory, job_id, failure=f"import failed: {type(exc).__name__}")
    finally:
        if lock is not True:
            await asyncio.shield(_release(lock, job_id))


async def _run(uow_factory: Callable[[], RegistryUow], job_id: uuid.UUID, *,
               on_batch: Callable[[ImportJob], Awaitable[None] | None] | None, outbox_signal: asyncio.Event | None,
               batch_persons: int, source: Source | None, reader_process: bool | None) -> ImportJob:
    async with uow_factory() as uow:
        job = await uow.session.get(ImportJob, job_id)
        if job is None or job.status in ("done", "failed"):
            return job
        job.status, job.started_at = "running", job.started_at or utc_now()
        villages = await uow.divisions.known_villages()
        lines = {line.year: line.household_line_fen for line in await uow.lines.all()}
        await uow.commit()
    ctx = p.Context(villages=villages, division=job.division, actor=job.actor, today=utc_now().date(), lines=lines)
    if source is None:
        if job.spool_path is None:
            return await _finish(uow_factory, job_id, failure="interrupted; the data has no file to resume "
                                                              "from (run the load again)")
        source = Source(kind=job.file_format, path=job.spool_path)
    use_process = source.large if reader_process is None else reader_process
    stop = threading.Event()
    process = thread = handle = None
    if use_process:
        mp = multiprocessing.get_context("spawn")
        out: Any = mp.Queue(maxsize=2)
        process = mp.Process(target=produce_in_process, args=(source, ctx, out, job.rows_read, batch_persons),
                             name=f"import-{job_id}", daemon=True)
        process.start()
    else:
        out = queue.Queue(maxsize=2)
        progress = reader.Progress(bytes_read=job.bytes_read)
        try:
            handle, groups = source.open(progress)
        except reader.UnreadableFile as exc:
            return await _finish(uow_factory, job_id, failure=str(exc))
        thread = threading.Thread(target=produce, args=(groups, ctx, out),
                                  kwargs={"skip_through": job.rows_read, "progress": progress, "stop": stop,
                                          "batch_persons": batch_persons},
                                  name=f"import-{job_id}", daemon=True)
        thread.start()
    loop = asyncio.get_running_loop()
    try:
        while True:
            item = await loop.run_in_executor(None, next_batch, out, process)
            if isinstance(item, End):
                return await _finish(uow_factory, job_id, failure=item.failure)
            job = await _commit_batch(uow_factory, job_id, item, ctx.lines)
            if outbox_signal is not None:
                outbox_signal.set()
            if on_batch is not None:
                result = on_batch(job)
                if asyncio.iscoroutine(result):
                    await result
    finally:
        stop.set()
        if thread is not None:
            await asyncio.to_thread(thread.join, 10)
        if process is not None:
            if process.is_alive():
                process.terminate()
            await asyncio.to_thread(process.join, 10)
            out.close()
        if handle is not None:
            handle.close()


async def _commit_batch(uow_factory: Callable[[], RegistryUow], job_id: uuid.UUID, batch: Batch,
                        lines: dict[int, int]) -> ImportJob:
    for attempt in range(3):
        try:
            return await _try_batch(uow_factory, job_id, batch, lines)
        except Exception as exc:  # a concurrent API registration of the same person or number
            if attempt == 2 or "unique" not in str(exc).lower():
                raise
            log.info("import %s: batch collided with a concurrent write, re-checking", job_id)
    raise AssertionError("unreachable")


async def _try_batch(uow_factory: Callable[[], RegistryUow], job_id: uuid.UUID, batch: Batch,
                     lines: dict[int, int]) -> ImportJob:
    errors = list(batch.errors)
    rejected_households, rejected_rows = batch.rejected_households, batch.rejected_rows
    created = unchanged = updated = persons = 0

    def reject(prepared: p.Prepared, *refusals: p.RowError) -> None:
        nonlocal rejected_households, rejected_rows
        errors.extend(refusals)
        rejected_households += 1
        rejected_rows += len(prepared.rows)

    async with uow_factory() as uow:
        writer = BulkWriter(uow.session)
        job = await uow.session.get(ImportJob, job_id)
        existing = await writer.registered([b.household_no for b in batch.prepared])
        fresh: list[p.Prepared] = []
        known_changed: list[tuple[p.Prepared, uuid.UUID]] = []
        seen: set[str] = set()
        for prepared in batch.prepared:
            number = prepared.household_no
            known = existing.get(number)
            if known is not None and known[1] == prepared.digest:
                unchanged += 1
                continue
            if number in seen:
                reject(prepared, p.RowError(prepared.rows[0], "户编号", "household number appears twice in the file",
                                            number))
                continue
            seen.add(number)
            if known is not None:
                known_changed.append((prepared, known[0]))
            else:
                fresh.append(prepared)
        updates: list[tuple[p.Prepared, _Stored, ch.Changes]] = []
        for prepared, household_id in known_changed:
            found = await _changes_of(uow, prepared, household_id, job.division)
            if isinstance(found, p.RowError):
                reject(prepared, found)
            else:
                updates.append((prepared, *found))
        joining = [m["id_number"] for *_, change in updates for m in change.added]
        active = await writer.active([n for b in fresh for n, _ in b.id_numbers] + joining)
        in_batch: dict[str, str] = {}

        def clashes_of(prepared: p.Prepared, numbers: list[tuple[str, int]]) -> list[p.RowError]:
            clashes = []
            for number, row in numbers:
                if number in active:
                    other_id, other_no = active[number]
                    clashes.append(p.RowError(row, "证件号码", f"{mask_id_number(number)} is already an active member "
                                              f"of household {other_id} ({other_no or 'no number'})",
                                              prepared.household_no))
                elif number in in_batch:
                    clashes.append(p.RowError(row, "证件号码", f"{mask_id_number(number)} is already in household "
                                              f"{in_batch[number]} of this file", prepared.household_no))
            return clashes

        for prepared, stored_household, change in updates:
            rows = dict(prepared.id_numbers)
            added = {m["id_number"] for m in change.added}
            if clashes := clashes_of(prepared, [(n, rows[n]) for n in rows if n in added]):
                reject(prepared, *clashes)
                continue
            in_batch.update({number: prepared.household_no for number in rows})
            _apply_changes(uow, stored_household, prepared, change, actor=job.actor, lines=lines)
            updated += 1
            persons += len(change.added)
        accepted: list[p.Prepared] = []
        for prepared in fresh:
            if clashes := clashes_of(prepared, prepared.id_numbers):
                reject(prepared, *clashes)
                continue
            for number, _ in prepared.id_numbers:
                in_batch[number] = prepared.household_no
            accepted.append(prepared)
            created += 1
            persons += len(prepared.members)
        await writer.write(accepted)
        stored = max(0, min(len(errors), MAX_STORED_ERRORS - job.error_count))
        if stored:
            await uow.session.execute(sa.insert(_errors_table()), [
                {"job_id": job_id, "row": e.row, "column": e.column, "reason": e.reason[:500],
                 "household_no": e.household_no} for e in errors[:stored]])
        job.rows_read = max(job.rows_read, batch.last_row)
        job.bytes_read = max(job.bytes_read, batch.bytes_read)
        job.households_created += created
        job.households_unchanged += unchanged
        job.households_updated += updated
        job.households_rejected += rejected_households
        job.persons_created += persons
        job.rows_rejected += rejected_rows
        job.error_count += len(errors)
        await uow.commit()
    return job


_HOUSEHOLD_STORED = (*ch.HOUSEHOLD_FIELDS, *ch.LIFECYCLE_FIELDS, "head_id_number")


@dataclass
class _Stored:
    """A registered household as a re-import finds it: its active members and the file year's records."""

    household: Household
    members: list[Member]
    income: HouseholdIncome | None
    guarantee: HouseholdGuarantee | None


async def _changes_of(uow: RegistryUow, prepared: p.Prepared, household_id: uuid.UUID, division: str
                      ) -> tuple[_Stored, ch.Changes] | p.RowError:
    """The stored household of a re-imported number and what the file changes in it."""
    try:
        household = await uow.households.get(household_id, within=division)
    except HouseholdNotFound:
        return p.RowError(prepared.rows[0], "户编号", f"household number already registered (household "
                          f"{household_id}) outside your division", prepared.household_no)
    stored = _Stored(household, [m for m in await uow.members.of_household(household_id) if m.active], None, None)
    if prepared.income is not None:
        year = prepared.income[p.INCOME_COLUMNS.index("year")]
        stored.income = await uow.records.income(household_id, year)
        stored.guarantee = await uow.records.guarantee(household_id, year)
    found = ch.changes(
        prepared, {name: getattr(household, name) for name in _HOUSEHOLD_STORED},
        [{name: getattr(m, name) for name in ("id_number", *ch.MEMBER_FIELDS)} for m in stored.members],
        None if stored.income is None else {name: getattr(stored.income, name) for name in ch.INCOME_FIELDS},
        None if stored.guarantee is None else {name: getattr(stored.guarantee, name) for name in ch.GUARANTEE_FIELDS})
    if isinstance(found, p.RowError):
        return found
    return stored, found


def _apply_changes(uow: RegistryUow, stored: _Stored, prepared: p.Prepared, change: ch.Changes, *, actor: str,
                   lines: dict[int, int]) -> None:
    """Write a re-imported household's changes and their events (in the batch's transaction)."""
    now = utc_now()
    household, members = stored.household, stored.members
    previous_village = household.village_code
    for name, value in change.household.items():
        setattr(household, name, value)
    if "poverty_causes" in change.household:
        household.cause_mask = codelists.cause_mask(household.poverty_causes)
    household.persons = len(members) - len(change.left) + len(change.added)
    household.import_hash = prepared.digest
    household.updated_at = now

    def record(event: Any) -> None:
        uow.record(event, subject=household.id, division=household.village_code, actor=actor)

    if change.household:
        record(HouseholdUpdated(**household_base(household), changed=sorted(change.household),
                                labour_type=household.labour_type, poverty_causes=household.poverty_causes,
                                guarantee_type=household.guarantee_type,
                                values={k: v for k, v in change.household.items() if k not in PERSONAL_FIELDS},
                                previous_village_code=previous_village
                                if "village_code" in change.household else None))
    by_number = {m.id_number: m for m in members}
    for number in change.left:
        member = by_number[number]
        member.active, member.left_on, member.left_reason = False, now.date(), ch.LEAVE_REASON
        member.updated_at = now
        record(MemberLeft(**household_base(household), **member_event_fields(member), reason=ch.LEAVE_REASON))
    for number, fields in change.updated.items():
        member = by_number[number]
        for name, value in fields.items():
            setattr(member, name, value)
        member.updated_at = now
        if member.relation == "head" and "name" in fields:
            household.head_name = member.name
        record(MemberUpdated(**household_base(household), **member_event_fields(member), changed=sorted(fields)))
    for values in change.added:
        member = Member(**{k: v for k, v in values.items() if k not in ("id", "household_id", "version", "created_at",
                                                                        "updated_at")},
                        id=uuid7(), household_id=household.id, version=1)
        uow.members.add(member)
        record(MemberAdded(**household_base(household), **member_event_fields(member)))
    if change.income is not None:
        values = {k: v for k, v in change.income.items() if k not in ("household_id", "year", "version", "recorded_at")}
        income = uow.records.put(stored.income, HouseholdIncome, household.id, change.income["year"], values)
        record(IncomeRecorded(**household_base(household), year=income.year, per_capita_income_fen=income.per_capita_fen,
                              line_fen=lines.get(income.year, 0), labour_capacity=household.labour_type != "no_labour",
                              disposable_fen=income.disposable_fen, members_counted=income.persons))
    if change.guarantee is not None:
        values = {k: v for k, v in change.guarantee.items()
                  if k not in ("household_id", "year", "version", "assessed_at")}
        guarantee = uow.records.put(stored.guarantee, HouseholdGuarantee, household.id, change.guarantee["year"],
                                    values)
        record(GuaranteesAssessed(**household_base(household), year=guarantee.year, compliant=guarantee.compliant,
                                  **{k: values[k] for k in ch.GUARANTEE_FIELDS}))


def _errors_table() -> Any:
    from fupin_registry.imports.models import ImportRowError

    return ImportRowError.__table__


async def _finish(uow_factory: Callable[[], RegistryUow], job_id: uuid.UUID, *, failure: str | None = None) -> ImportJob:
    async with uow_factory() as uow:
        job = await uow.session.get(ImportJob, job_id)
        job.status = "failed" if failure else "done"
        job.failure = failure[:1000] if failure else None
        job.finished_at = utc_now()
        if not failure:
            job.bytes_read = job.size_bytes
        await uow.commit()
    return job


async def unfinished_jobs(uow_factory: Callable[[], RegistryUow]) -> list[uuid.UUID]:
    async with uow_factory() as uow:
        return [job.id for job in await uow.imports.unfinished()]


async def import_worker(runtime: Any) -> None:
    """Background job of the registry: runs queued imports and resumes interrupted ones."""
    wakeup: asyncio.Event = runtime.extras.setdefault("imports_wakeup", asyncio.Event())
    while True:
        try:
            for job_id in await unfinished_jobs(runtime.uow):
                await run_job(runtime.uow, job_id, outbox_signal=runtime.relay.signal)
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - a broken job must not stop the worker; it is marked failed
            log.exception("import worker: a job failed")
        with suppress(TimeoutError):
            await asyncio.wait_for(wakeup.wait(), timeout=5.0)
        wakeup.clear()
