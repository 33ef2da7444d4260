"""Sampling use case: draw a verification frame from the assessment's copy of the registry."""
from __future__ import annotations

import asyncio
import uuid
from dataclasses import asdict

from fupin_assessment.catalogue import city_code
from fupin_assessment.db import AssessmentUow
from fupin_assessment.sampling import domain
from fupin_assessment.sampling.errors import FrameEmpty
from fupin_assessment.sampling.models import SampleRow
from fupin_assessment.sampling.schemas import SampleCreate
from fupin_shared.auth.principal import Principal
from fupin_shared.contracts.assessment import SampleDrawn
from fupin_shared.db import uuid7
from fupin_shared.http.problems import InvalidInput


def rule_of(request: SampleCreate) -> domain.SamplingRule:
    return domain.SamplingRule(counties=request.counties, towns_per_county=request.towns_per_county,
                               villages_per_town=request.villages_per_town,
                               households_per_village=request.households_per_village,
                               disabled_min=request.disabled_min,
                               statuses=tuple(domain.normalise_status(s) for s in request.statuses))


async def draw_sample(uow: AssessmentUow, request: SampleCreate, *, actor: Principal) -> SampleRow:
    """Draw a field-verification sample by Guangdong's rule (≥2 counties, 2 towns per county,
    2 villages per town, ≥10 pre-exit households per village with ≥1 with a disabled member) from
    the households of the requested statuses; reproducible from the seed (the frame's fingerprint
    is kept so a re-draw can be checked against the same frame)."""
    rule = rule_of(request)
    if problems := domain.rule_problems(rule):
        raise InvalidInput(problems)
    async with uow:
        frame = await uow.inputs.frame(within=city_code(), statuses=set(rule.statuses))
        if not frame:
            raise FrameEmpty(list(rule.statuses), await uow.inputs.frame_statuses())
        sample = await asyncio.to_thread(domain.draw_sample, frame, rule, request.seed)
        row = SampleRow(id=uuid7(), year=request.year, seed=request.seed, rule=asdict(rule) | {
            "statuses": list(rule.statuses)}, frame_households=sample.frame_households,
            frame_fingerprint=sample.frame_fingerprint, households=len(sample.households), villages=sample.villages,
            counties=list(sample.counties), shortfalls=list(sample.shortfalls), created_by=actor.sub)
        uow.samples.add(row)
        await uow.session.flush()
        await uow.samples.add_households([
            {"sample_id": row.id, "seq": n, "county_code": h.county_code, "town_code": h.town_code,
             "village_code": h.village_code, "household_id": uuid.UUID(h.household_id),
             "status": h.status, "persons": h.persons, "has_disabled": h.has_disabled}
            for n, h in enumerate(sample.households, start=1)])
        uow.record(SampleDrawn(sample_id=row.id, year=request.year, seed=request.seed, households=row.households,
                               villages=row.villages, frame_fingerprint=row.frame_fingerprint),
                   subject=row.id, division=city_code(), actor=actor.sub)
        await uow.commit()
    return row
