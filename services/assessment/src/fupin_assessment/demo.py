"""Demo data for ``make run``: the bundled 2018–2020 frameworks, and the 2018 and 2019
assessments. Each is opened and moved to collecting; as soon as monitoring's frozen year-end
snapshot for the year has arrived it is scored from it (reviewers' demo scores for the manual
indicators), 2018 is published and 2019 left in review. Snapshots usually arrive after this
loader runs (monitoring loads its demo last), so a small watcher finishes the job when they do.
Idempotent: every step checks the state first."""
from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from typing import Any

from fupin_assessment.assessments import service
from fupin_assessment.assessments.domain import State
from fupin_assessment.assessments.schemas import ScoreSheet, ScoreSheetEntry
from fupin_assessment.frameworks.service import load_bundled_frameworks
from fupin_shared.auth.principal import CITY, Principal

log = logging.getLogger(__name__)
DEMO_YEARS = {2018: State.PUBLISHED, 2019: State.REVIEW}
REVIEWER = Principal(sub="demo-reviewer", client_id="assessor", scopes=frozenset({"assessment:write"}), division=CITY)
WATCH_SECONDS = 900
COMMENTS = ["实地核查：档案资料齐全，入户核实情况与系统一致", "第三方评估抽样结果良好", "个别户帮扶台账更新不及时",
            "工作推进有力，材料翔实", "部分指标佐证材料不足，酌情扣分"]


def _fraction(*parts: object) -> float:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return 0.72 + (digest[0] / 255) * 0.28


async def load_demo(runtime: Any) -> None:
    started = time.monotonic()
    uows = runtime.uow
    loaded = await load_bundled_frameworks(uows)
    log.info("assessment demo: frameworks loaded for %s", loaded or "no new year")
    waiting = []
    for year, goal in DEMO_YEARS.items():
        async with uows() as uow:
            existing = await uow.assessments.find(year)
        if existing is None:
            a = await service.open_assessment(uows(), year, actor=REVIEWER)
            await service.move(uows(), year, State.COLLECTING, actor=REVIEWER, expected_version=a.version)
        if not await advance(uows, year, goal):
            waiting.append(year)
    if waiting:
        log.info("assessment demo: %s waiting in collecting for monitoring's year-end snapshots", waiting)
        runtime.tasks.append(asyncio.create_task(_watch(uows, waiting), name="assessment-demo-watch"))
    log.info("assessment demo: done in %.1f s", time.monotonic() - started)


async def advance(uows: Any, year: int, goal: State) -> bool:
    """Take the year as far as the demo wants it; False while its snapshot has not arrived."""
    async with uows() as uow:
        a = await uow.assessments.get(year)
    if a.state == State.COLLECTING and not await service.start_scoring_if_ready(uows(), year, actor=REVIEWER.sub):
        return False
    async with uows() as uow:
        a = await uow.assessments.get(year)
        open_rows = [(s.subject, s.indicator_code, s.weight, s.version)
                     for s in await uow.assessments.scores(a.id) if s.score is None]
    if a.state == State.SCORING:
        if open_rows:
            await service.record_scores(uows(), year, ScoreSheet(scores=[
                ScoreSheetEntry(subject=subject, indicator_code=code, score=round(weight * _fraction(year, subject, code), 1),
                                comment="演示数据：" + COMMENTS[n % len(COMMENTS)], version=version)
                for n, (subject, code, weight, version) in enumerate(open_rows)]), actor=REVIEWER)
        async with uows() as uow:
            a = await uow.assessments.get(year)
        a = await service.move(uows(), year, State.REVIEW, actor=REVIEWER, expected_version=a.version)
    if goal == State.PUBLISHED and a.state == State.REVIEW:
        await service.move(uows(), year, State.PUBLISHED, actor=REVIEWER, expected_version=a.version)
    log.info("assessment demo: %s scored from its snapshot (%d reviewer scores)", year, len(open_rows))
    return True


async def _watch(uows: Any, years: list[int]) -> None:
    deadline = time.monotonic() + WATCH_SECONDS
    pending = list(years)
    while pending and time.monotonic() < deadline:
        await asyncio.sleep(2.0)
        for year in list(pending):
            try:
                if await advance(uows, year, DEMO_YEARS[year]):
                    pending.remove(year)
            except Exception:  # noqa: BLE001 - the demo must not take the service down
                log.exception("assessment demo: advancing %s failed", year)
                pending.remove(year)
