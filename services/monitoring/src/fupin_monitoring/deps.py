"""Annotated dependency aliases of the monitoring routers."""
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request

from fupin_monitoring.db import MonitoringUow
from fupin_shared.auth.deps import requires
from fupin_shared.auth.principal import Principal


def _uows(request: Request) -> Callable[[], MonitoringUow]:
    return request.app.state.runtime.uow


def live_lag_ms(request: Request) -> int | None:
    """The view consumer's current lag when it runs in this process (else the stored figure is used)."""
    view = request.app.state.runtime.extras.get("view")
    return None if view is None or view.stopped else view.current_lag_ms()


def _runtime(request: Request) -> Any:
    return request.app.state.runtime


Uows = Annotated[Callable[[], MonitoringUow], Depends(_uows)]
LiveLag = Annotated[int | None, Depends(live_lag_ms)]
Runtime = Annotated[Any, Depends(_runtime)]
MonitoringReader = Annotated[Principal, Depends(requires("monitoring:read"))]
MonitoringWriter = Annotated[Principal, Depends(requires("monitoring:write"))]
