"""Annotated dependency aliases of the assessment routers."""
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from fupin_assessment.db import AssessmentUow
from fupin_shared.auth.deps import requires
from fupin_shared.auth.principal import Principal


def _uows(request: Request) -> Callable[[], AssessmentUow]:
    return request.app.state.runtime.uow


Uows = Annotated[Callable[[], AssessmentUow], Depends(_uows)]
AssessmentReader = Annotated[Principal, Depends(requires("assessment:read"))]
AssessmentWriter = Annotated[Principal, Depends(requires("assessment:write"))]
