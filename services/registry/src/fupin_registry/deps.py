"""Annotated dependency aliases of the registry's routers."""
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from fupin_registry.db import RegistryUow
from fupin_shared.auth.deps import requires
from fupin_shared.auth.principal import Principal


def _uows(request: Request) -> Callable[[], RegistryUow]:
    return request.app.state.runtime.uow


Uows = Annotated[Callable[[], RegistryUow], Depends(_uows)]
RegistryReader = Annotated[Principal, Depends(requires("registry:read"))]
RegistryWriter = Annotated[Principal, Depends(requires("registry:write"))]
