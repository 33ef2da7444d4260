"""Framework use cases: define or replace a year's framework; load the bundled 2018–2020 ones."""
from __future__ import annotations

from typing import Any

from fupin_assessment.assessments.domain import State
from fupin_assessment.catalogue import read_data
from fupin_assessment.db import AssessmentUow
from fupin_assessment.frameworks.domain import framework_problems
from fupin_assessment.frameworks.errors import FrameworkLocked
from fupin_assessment.frameworks.models import FrameworkRow
from fupin_assessment.frameworks.repository import framework_subject
from fupin_assessment.frameworks.schemas import FrameworkIn
from fupin_shared.auth.principal import CITY
from fupin_shared.contracts.assessment import FrameworkDefined
from fupin_shared.http.etag import require_version
from fupin_shared.http.problems import InvalidInput, PreconditionRequired

BUNDLED_YEARS = (2018, 2019, 2020)
LOCKING_STATES = {State.SCORING, State.REVIEW, State.PUBLISHED}


async def define_framework(uow: AssessmentUow, year: int, request: FrameworkIn, *, actor: str,
                           expected_version: int | None) -> tuple[FrameworkRow, bool]:
    """Create the year's framework, or replace it (If-Match required). Refused with per-field
    errors when weights per subject kind do not sum to 100, a source is not a snapshot metric,
    a rule is incoherent or the grade bands do not cover 0; refused (409) once the year's
    assessment is scoring or later, because scores cite the framework they were made under."""
    document: dict[str, Any] = request.model_dump(mode="json")
    if problems := framework_problems(document):
        raise InvalidInput(problems)
    async with uow:
        existing = await uow.frameworks.find(year)
        assessment = await uow.assessments.find(year)
        if assessment is not None and assessment.state in LOCKING_STATES:
            raise FrameworkLocked(year, assessment.state)
        if existing is None:
            row = FrameworkRow(year=year, title=request.title, document=document)
            uow.frameworks.add(row)
            created = True
        else:
            if expected_version is None:
                raise PreconditionRequired("The framework exists: send If-Match with the ETag you read.")
            require_version(existing.version, expected_version)
            existing.title, existing.document = request.title, document
            row, created = existing, False
        await uow.session.flush()
        uow.record(FrameworkDefined(year=year, version=row.version, title=row.title,
                                    indicators=len(request.indicators), dimensions=request.dimensions),
                   subject=framework_subject(year), division=CITY, actor=actor)
        await uow.commit()
    return row, created


def bundled_framework(year: int) -> FrameworkIn:
    return FrameworkIn.model_validate(read_data(f"frameworks/{year}.json"))


async def load_bundled_frameworks(uow_factory, *, actor: str = "assessment-demo") -> list[int]:  # noqa: ANN001
    """Define each bundled year's framework that is not defined yet (idempotent)."""
    loaded = []
    for year in BUNDLED_YEARS:
        async with uow_factory() as uow:
            if await uow.frameworks.find(year) is not None:
                continue
        await define_framework(uow_factory(), year, bundled_framework(year), actor=actor, expected_version=None)
        loaded.append(year)
    return loaded
