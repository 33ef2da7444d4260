"""Annotated dependency aliases of the tasks routers."""
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from fupin_shared.auth.deps import current_principal, requires
from fupin_shared.auth.principal import Principal
from fupin_shared.http.problems import Forbidden

from fupin_tasks.config import TasksConfig, config_for
from fupin_tasks.db import TasksUow


def _uows(request: Request) -> Callable[[], TasksUow]:
    return request.app.state.runtime.uow


def _config(request: Request) -> TasksConfig:
    return config_for(request.app.state.runtime.settings)


async def _reviewer(request: Request) -> Principal:
    """Review actions need tasks:write or tasks:review; who is a reviewer is decided by AccessPolicy."""
    principal = await current_principal(request)
    if not (principal.has("tasks:write") or principal.has("tasks:review")):
        raise Forbidden("Missing scope(s): tasks:write or tasks:review.", missing_scopes=["tasks:review"])
    return principal


Uows = Annotated[Callable[[], TasksUow], Depends(_uows)]
Config = Annotated[TasksConfig, Depends(_config)]
TasksReader = Annotated[Principal, Depends(requires("tasks:read"))]
TasksWriter = Annotated[Principal, Depends(requires("tasks:write"))]
TasksReviewer = Annotated[Principal, Depends(_reviewer)]
PlanParam = Annotated[str | None, Query(max_length=40, description="Plan id (default: the current plan)")]
PageLimit = Annotated[int, Query(ge=1, le=500)]
# the task number of a path: bounded to the INTEGER column (a larger one was a 500 from the database driver)
TaskNumber = Annotated[int, Path(ge=1, le=2_147_483_647, description="Number of the task in the plan")]
