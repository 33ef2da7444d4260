"""Setting the year's poverty lines (data, not constants)."""
from __future__ import annotations

from fupin_registry.db import RegistryUow
from fupin_registry.lines.errors import CityLevelOnly
from fupin_registry.lines.models import PovertyLine
from fupin_registry.lines.schemas import PovertyLineSet
from fupin_shared.auth.principal import CITY, Principal
from fupin_shared.contracts.registry import PovertyLineSet as PovertyLineSetEvent
from fupin_shared.http.etag import require_version
from fupin_shared.http.problems import PreconditionRequired


async def set_poverty_line(uow: RegistryUow, year: int, request: PovertyLineSet, *, actor: Principal,
                           expected_version: int | None) -> tuple[PovertyLine, bool]:
    """Create or replace the year's lines; replacing needs If-Match. Only a city-level caller may set them.
    Returns the line and whether it was created."""
    if actor.division != CITY:
        raise CityLevelOnly("Poverty lines are set for the whole city; your token is scoped to "
                            f"{actor.division}.")
    async with uow:
        line = await uow.lines.find(year)
        created = line is None
        if line is None:
            line = PovertyLine(year=year, version=1, **request.model_dump())
            uow.lines.add(line)
        else:
            if expected_version is None:
                raise PreconditionRequired("The line exists: send If-Match with the ETag you read.")
            require_version(line.version, expected_version)
            for name, value in request.model_dump().items():
                setattr(line, name, value)
        uow.record(PovertyLineSetEvent(year=year, household_line_fen=request.household_line_fen,
                                       village_line_fen=request.village_line_fen,
                                       provincial_rural_income_fen=request.provincial_rural_income_fen),
                   subject=str(year), division=CITY, actor=actor.sub)
        await uow.commit()
    return line, created
