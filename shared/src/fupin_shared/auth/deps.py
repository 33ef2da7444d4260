"""FastAPI dependencies: the current principal, scope checks, division checks."""
from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request

from fupin_shared.auth.principal import Principal, division_prefix
from fupin_shared.http.problems import Forbidden, InvalidInput, Unauthorized


async def current_principal(request: Request) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("Send Authorization: Bearer <access token>.")
    principal = await request.app.state.runtime.verifier.verify(token.strip())
    request.state.principal = principal
    return principal


def requires(*scopes: str) -> Callable[[Request], Coroutine[Any, Any, Principal]]:
    """Dependency factory: the caller must hold every scope in ``scopes``."""

    async def dependency(request: Request) -> Principal:
        principal = await current_principal(request)
        missing = [s for s in scopes if not principal.has(s)]
        if missing:
            raise Forbidden(f"Missing scope(s): {' '.join(missing)}.", missing_scopes=missing)
        return principal

    dependency.__name__ = "requires_" + "_".join(s.replace(":", "_") for s in scopes)
    return dependency


def check_division(principal: Principal, requested: str | None, *, field: str = "division") -> str:
    """The division a request may cover: the requested one (validated and inside the caller's
    subtree) or, when none is given, the caller's own."""
    if requested is None:
        return principal.division
    try:
        division_prefix(requested)
    except ValueError:
        raise InvalidInput([{"pointer": f"query:{field}", "detail": "must be a 12-digit division code"}]) from None
    if not requested.startswith(division_prefix(principal.division)):
        raise Forbidden(f"Division {requested} is outside your division {principal.division}.")
    return requested
