"""Annotated dependency aliases of the registry's routers."""
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Header, Request

from fupin_registry.db import RegistryUow
from fupin_shared.auth.deps import requires
from fupin_shared.auth.principal import Principal
from fupin_shared.http.etag import parse_if_match


async def _uows(request: Request) -> Callable[[], RegistryUow]:
    return request.app.state.runtime.uow


async def _optional_if_match(if_match: Annotated[str | None, Header(alias="If-Match")] = None) -> int | None:
    """If-Match for PUTs that create or replace: absent is allowed (the service requires it to replace)."""
    return None if if_match is None or not if_match.strip() else parse_if_match(if_match)


Uows = Annotated[Callable[[], RegistryUow], Depends(_uows)]
RegistryReader = Annotated[Principal, Depends(requires("registry:read"))]
RegistryWriter = Annotated[Principal, Depends(requires("registry:write"))]
OptionalIfMatch = Annotated[int | None, Depends(_optional_if_match)]
