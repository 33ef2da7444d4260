"""Demo data for ``make run``: about 45,000 households (Zhaoqing's size in 2017) through the bulk import
path — so every household, member, income and 两不愁三保障 record comes with its events and the
monitoring view fills — plus yearly records and exits of the 111 provincial relatively-poor villages."""
from __future__ import annotations

import hashlib
import logging
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import func, select

from fupin_registry.db import RegistryUow
from fupin_registry.households.models import Household
from fupin_registry.imports import service as imports
from fupin_registry.imports.models import ImportJob
from fupin_registry.imports.pipeline import BATCH_PERSONS
from fupin_registry.signals.demo import load_demo_signals
from fupin_registry.villages import service as villages
from fupin_registry.villages.errors import VillageExitConditionsUnmet
from fupin_registry.villages.models import VillageRecord
from fupin_registry.villages.schemas import VillageRecordIn
from fupin_shared.auth.principal import CITY, Principal
from fupin_shared.db import uuid7

log = logging.getLogger(__name__)

DEMO_HOUSEHOLDS = 45_000
DEMO_SEED = 2017
DEMO_FORMAT = "demo"
VILLAGE_RECORDS = 111 * 3
"""The 111 provincial relatively-poor villages, each recorded for 2018, 2019 and 2020."""
ACTOR = Principal(sub="demo-data", client_id="demo-data", scopes=frozenset({"registry:read", "registry:write"}),
                  division=CITY)


async def load_generated(uow_factory: Callable[[], RegistryUow], *, households: int, seed: int,
                         on_batch: Callable[[ImportJob], Awaitable[None] | None] | None = None,
                         outbox_signal: Any = None, batch_persons: int = BATCH_PERSONS) -> ImportJob:
    """Generate ``households`` from ``seed`` and import them through the bulk path as one job. Each
    batch commits on its own: an interrupted load of the same data set resumes its job after the last
    committed batch (the generator is deterministic, so the rows before it are skipped, not re-read)."""
    digest = hashlib.sha256(f"demo:{seed}:{households}".encode()).hexdigest()
    async with uow_factory() as uow:
        job = await uow.imports.latest(file_format=DEMO_FORMAT, sha256=digest)
        if job is None or job.status == "done":
            job = ImportJob(id=uuid7(), division=CITY, actor=ACTOR.sub, filename=f"demo-data seed {seed}",
                            file_format=DEMO_FORMAT, size_bytes=households, sha256=digest, spool_path=None,
                            status="queued", rows_read=0, bytes_read=0, households_created=0,
                            households_unchanged=0, households_updated=0, households_rejected=0, persons_created=0,
                            rows_rejected=0, error_count=0)
            uow.imports.add(job)
        else:
            log.info("demo data: resuming load %s after row %s", job.id, job.rows_read)
            job.status, job.failure, job.finished_at = "running", None, None
        await uow.commit()
    result = await imports.run_job(uow_factory, job.id, on_batch=on_batch, outbox_signal=outbox_signal,
                                   batch_persons=batch_persons,
                                   source=imports.Source(kind="demo", seed=seed, households=households))
    assert result is not None
    return result


async def _record_villages(uow_factory: Callable[[], RegistryUow], seed: int) -> int:
    """Yearly records 2018–2020 of the 111 villages, most reaching the exit conditions by 2019 or 2020.
    Records and exits already there (an interrupted load) are kept; the rest are added."""
    rng = random.Random(seed)
    async with uow_factory() as uow:
        poor = await uow.divisions.villages(within=CITY, poor=True)
        natural = {v.code: await uow.divisions.natural_villages(v.code) for v in poor}
        recorded = {(r.village_code, r.year) for r in await uow.villages.all_records()}
    exits = 0
    for village in poor:
        exit_year = rng.choice([2018, 2019, 2019, 2020, 2020, 2020, None])
        for year in (2018, 2019, 2020):
            ready = exit_year is not None and year >= exit_year
            needing = [nv.id for nv in natural[village.code] if nv.households >= 20]
            record = VillageRecordIn(
                collective_income_fen=rng.randint(50_000, 300_000) * 100 * (1 if not ready else 2),
                per_capita_income_fen=int((rng.uniform(1.0, 1.3) if ready else rng.uniform(0.75, 0.98)) * 1_159_900),
                hardened_roads=needing if ready else needing[: max(0, len(needing) - rng.randint(1, 3))],
                clean_village=ready or rng.random() < 0.5, drinking_water=True, network=ready or rng.random() < 0.7)
            if (village.code, year) not in recorded:
                await villages.record_village_year(uow_factory(), village.code, year, record, actor=ACTOR,
                                                   expected_version=None)
        if exit_year is not None and village.exited_year is None:
            try:
                await villages.exit_village(uow_factory(), village.code, exit_year, actor=ACTOR,
                                            expected_version=village.version)
                exits += 1
            except VillageExitConditionsUnmet:
                log.warning("demo: village %s not ready to exit in %s", village.code, exit_year)
        elif exit_year is not None:
            exits += 1
    return exits


async def load_demo(runtime: Any, *, households: int | None = None, seed: int | None = None) -> None:
    """Load the demo registry once (skipped when a demo load finished or the registry holds other data).
    The size comes from the settings (``FUPIN_REGISTRY_DEMO_HOUSEHOLDS``, default 45,000)."""
    households = households if households is not None else getattr(runtime.settings, "demo_households",
                                                                    DEMO_HOUSEHOLDS)
    seed = seed if seed is not None else getattr(runtime.settings, "demo_seed", DEMO_SEED)
    if households <= 0:
        log.info("registry demo data: disabled (demo_households=0)")
        return
    async with runtime.uow() as uow:
        finished = await uow.session.scalar(select(func.count()).select_from(ImportJob).where(
            ImportJob.file_format == DEMO_FORMAT, ImportJob.status == "done"))
        demo_started = await uow.session.scalar(select(func.count()).select_from(ImportJob).where(
            ImportJob.file_format == DEMO_FORMAT))
        existing = await uow.session.scalar(select(func.count()).select_from(Household))
        village_records = await uow.session.scalar(select(func.count()).select_from(VillageRecord))
    if existing and not demo_started:
        log.info("registry demo data: the registry holds other data (%s households), skipped", existing)
        return
    if finished and village_records >= VILLAGE_RECORDS:
        log.info("registry demo data: already loaded (%s households), skipped", existing)
        await load_demo_signals(runtime)
        return
    started = time.perf_counter()
    if not finished:
        log.info("registry demo data: loading %s households (seed %s) through the bulk import path", households,
                 seed)

        def on_batch(job: ImportJob) -> None:
            log.info("registry demo data: %s households, %s persons (%.0f s)", job.households_created
                     + job.households_unchanged, job.persons_created, time.perf_counter() - started)

        job = await load_generated(runtime.uow, households=households, seed=seed, on_batch=on_batch,
                                   outbox_signal=runtime.relay.signal)
        log.info("registry demo data: %s (%s households new, %s unchanged, %s persons, %s row errors)", job.status,
                 job.households_created, job.households_unchanged, job.persons_created, job.error_count)
    exits = await _record_villages(runtime.uow, seed)
    log.info("registry demo data: 111 villages recorded, %s exited; %.0f s", exits, time.perf_counter() - started)
    await load_demo_signals(runtime)
