"""Annotated dependency aliases of the monitoring routers."""
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from fupin_monitoring.db import MonitoringUow
from fupin_shared.auth.deps import requires
from fupin_shared.auth.principal import Principal


def _uows(request: Request) -> Callable[[], MonitoringUow]:
    return request.app.state.runtime.uow


Uows = Annotated[Callable[[], MonitoringUow], Depends(_uows)]
MonitoringReader = Annotated[Principal, Depends(requires("monitoring:read"))]
