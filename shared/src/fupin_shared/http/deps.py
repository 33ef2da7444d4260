"""Request-scoped dependencies shared by every service."""
from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Query, Request

from fupin_shared.db.uow import UnitOfWork
from fupin_shared.http.etag import if_match_version
from fupin_shared.http.idempotency import Idempotency, idempotency_dep
from fupin_shared.http.pagination import DEFAULT_LIMIT, MAX_LIMIT


def uow_factory(request: Request) -> Callable[[], UnitOfWork]:
    return request.app.state.runtime.uow


UowFactory = Annotated[Callable[[], UnitOfWork], Depends(uow_factory)]
IfMatchVersion = Annotated[int, Depends(if_match_version)]
IdempotencyDep = Annotated[Idempotency, Depends(idempotency_dep)]
Cursor = Annotated[str | None, Query(max_length=2000, description="Opaque cursor from next_cursor")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
DEFAULT_PAGE_SIZE = DEFAULT_LIMIT
