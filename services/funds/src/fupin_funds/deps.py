"""Annotated dependency aliases of the funds routers."""
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from fupin_funds.db import FundsUow
from fupin_shared.auth.deps import requires
from fupin_shared.auth.principal import Principal


def _uows(request: Request) -> Callable[[], FundsUow]:
    return request.app.state.runtime.uow


Uows = Annotated[Callable[[], FundsUow], Depends(_uows)]
FundsReader = Annotated[Principal, Depends(requires("funds:read"))]
FundsWriter = Annotated[Principal, Depends(requires("funds:write"))]
