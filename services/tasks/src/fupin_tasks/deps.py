"""Annotated dependency aliases of the tasks routers."""
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Query, Request

from fupin_shared.auth.deps import requires
from fupin_shared.auth.principal import Principal
from fupin_tasks.config import TasksConfig, config_for
from fupin_tasks.db import TasksUow


def _uows(request: Request) -> Callable[[], TasksUow]:
    return request.app.state.runtime.uow


def _config(request: Request) -> TasksConfig:
    return config_for(request.app.state.runtime.settings)


Uows = Annotated[Callable[[], TasksUow], Depends(_uows)]
Config = Annotated[TasksConfig, Depends(_config)]
TasksReader = Annotated[Principal, Depends(requires("tasks:read"))]
TasksWriter = Annotated[Principal, Depends(requires("tasks:write"))]
PlanParam = Annotated[str | None, Query(max_length=40, description="Plan id (default: the current plan)")]
PageLimit = Annotated[int, Query(ge=1, le=500)]
