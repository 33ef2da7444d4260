"""Village use cases: yearly records (with the exit check they imply) and village exit (出列)."""
from __future__ import annotations

from dataclasses import dataclass

from fupin_registry.db import RegistryUow
from fupin_registry.divisions.models import Division
from fupin_registry.records.domain import Failure
from fupin_registry.villages import domain
from fupin_registry.villages.errors import NotAPoorVillage, VillageAlreadyExited, VillageExitConditionsUnmet
from fupin_registry.villages.models import VillageRecord
from fupin_registry.villages.schemas import VillageRecordIn
from fupin_shared.auth.principal import Principal
from fupin_shared.contracts.registry import VillageAssessed, VillageExited
from fupin_shared.http.etag import require_version
from fupin_shared.http.problems import InvalidInput, NotFound, PreconditionRequired


@dataclass(frozen=True)
class VillageEvaluation:
    village: Division
    year: int
    line_fen: int | None
    income_fen: int | None
    failed: list[Failure]

    @property
    def eligible(self) -> bool:
        return not self.failed


async def load_village(uow: RegistryUow, code: str, actor: Principal) -> Division:
    division = await uow.divisions.get_for_update(code, within=actor.division)
    if division.level != "village":
        raise NotFound(f"{code} is a {division.level}, not a village.")
    return division


async def _evaluate(uow: RegistryUow, village: Division, year: int) -> VillageEvaluation:
    record = await uow.villages.record(village.code, year)
    line = await uow.lines.find(year)
    natural = [(nv.id, nv.households) for nv in await uow.divisions.natural_villages(village.code)]
    evidence = domain.VillageEvidence(record.per_capita_income_fen, frozenset(record.hardened_roads or []),
                                      record.clean_village, record.drinking_water, record.network) if record else None
    line_fen = line.village_line_fen if line else None
    return VillageEvaluation(village, year, line_fen, record.per_capita_income_fen if record else None,
                             domain.village_exit_failures(evidence, line_fen=line_fen, natural_villages=natural))


async def village_exit_check(uow: RegistryUow, code: str, year: int, *, actor: Principal) -> VillageEvaluation:
    async with uow:
        return await _evaluate(uow, await load_village(uow, code, actor), year)


async def record_village_year(uow: RegistryUow, code: str, year: int, request: VillageRecordIn, *,
                              actor: Principal, expected_version: int | None) -> tuple[VillageRecord, bool]:
    """Record the village's year (incomes, hardened roads, clean village, water, network); the event
    carries the exit check it implies."""
    async with uow:
        village = await load_village(uow, code, actor)
        known = {nv.id for nv in await uow.divisions.natural_villages(code)}
        unknown = [i for i, nv in enumerate(request.hardened_roads) if nv not in known]
        if unknown:
            raise InvalidInput([{"pointer": f"#/hardened_roads/{i}", "detail": "is not a natural village of this "
                                 "village"} for i in unknown])
        record = await uow.villages.record(code, year)
        if record is not None:
            if expected_version is None:
                raise PreconditionRequired("The record exists: send If-Match with the ETag you read.")
            require_version(record.version, expected_version)
        values = request.model_dump()
        values["hardened_roads"] = sorted(set(values["hardened_roads"]))
        created = record is None
        if record is None:
            record = VillageRecord(village_code=code, year=year, version=1, **values)
            uow.villages.add(record)
        else:
            for name, value in values.items():
                setattr(record, name, value)
        await uow.session.flush()
        evaluation = await _evaluate(uow, village, year)
        uow.record(VillageAssessed(village_code=code, year=year, provincial_poor_village=village.provincial_poor_village,
                                   per_capita_income_fen=record.per_capita_income_fen, eligible=evaluation.eligible,
                                   failed=[f.criterion for f in evaluation.failed]),
                   subject=code, division=code, actor=actor.sub)
        await uow.commit()
    return record, created


async def exit_village(uow: RegistryUow, code: str, year: int, *, actor: Principal,
                       expected_version: int) -> Division:
    """A provincial relatively-poor village exits (出列) when the year's exit check passes."""
    async with uow:
        village = await load_village(uow, code, actor)
        require_version(village.version, expected_version)
        if not village.provincial_poor_village:
            raise NotAPoorVillage(f"Village {code} is not one of the provincial relatively-poor villages.")
        if village.exited_year is not None:
            raise VillageAlreadyExited(f"Village {code} exited in {village.exited_year}.")
        evaluation = await _evaluate(uow, village, year)
        if not evaluation.eligible:
            raise VillageExitConditionsUnmet(code, year, [{"criterion": f.criterion, "detail": f.detail}
                                                          for f in evaluation.failed])
        village.exited_year = year
        uow.record(VillageExited(village_code=code, year=year, provincial_poor_village=True),
                   subject=code, division=code, actor=actor.sub)
        await uow.commit()
    return village
