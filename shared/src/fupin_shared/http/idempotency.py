"""Idempotency-Key on POST (draft-ietf-httpapi-idempotency-key-header).

The key, its request hash and the first response are committed in the same transaction as the
effect (the unit of work defers its commit until the response is built), so a crash never leaves
an effect without its record, and two concurrent requests with one key cannot both create: the
second fails on the primary key (or on the twin's effect), rolls back, and is answered from the
first. A retry replays the stored response. Reusing a key with another body is refused (422); a retry
while the first is still running gets 409.

The stored response may show personal data unmasked (the first caller held ``pii:read``): the view
(masked or not) is part of the request's hash, so a retry whose token lacks ``pii:read`` is refused
rather than answered with the unmasked body, and nothing unmasked is ever replayed unlogged.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import orjson
from fastapi import Header, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from fupin_shared.db.uow import UnitOfWork
from fupin_shared.db.types import utc_now
from fupin_shared.http.problems import BadRequest, Conflict, DomainError, InvalidInput, Unprocessable


class IdempotencyKeyReused(Unprocessable):
    slug, title = "idempotency-key-reused", "Idempotency-Key reused with a different request"


class IdempotentRequestInProgress(Conflict):
    slug, title = "idempotent-request-in-progress", "A request with this Idempotency-Key is still being processed"


@dataclass
class IdempotencyClaim:
    model: Any
    client_id: str
    key: str
    request_hash: str
    method_path: str

    def row(self) -> Any:
        return self.model(client_id=self.client_id, key=self.key, request_hash=self.request_hash,
                          method_path=self.method_path, created_at=utc_now())


def request_hash(body: Any, *, unmasked: bool = False) -> str:
    """SHA-256 of the canonical JSON of a request body and of the personal-data view it is answered in;
    a body JSON allows but orjson cannot encode (an integer beyond 64 bits in a free-form object) is
    invalid input, not a server error."""
    try:
        canonical = orjson.dumps(body, option=orjson.OPT_SORT_KEYS, default=str)
    except orjson.JSONEncodeError as exc:
        raise InvalidInput([{"pointer": "/body", "detail": str(exc)}]) from exc
    return hashlib.sha256(canonical + (b"\x00pii" if unmasked else b"")).hexdigest()


class Idempotency:
    """Request-scoped helper; see module docstring. ``key`` is None when the header is absent."""

    def __init__(self, request: Request, key: str | None) -> None:
        if key is not None:
            key = key.strip().strip('"')
            if not key or len(key) > 200:
                raise BadRequest("Idempotency-Key must be 1–200 characters.")
        self.key = key
        self.request = request

    async def run(self, uows: Callable[[], UnitOfWork], *, client_id: str, body: Any,
                  action: Callable[[UnitOfWork], Awaitable[Response]]) -> Response:
        """Run ``action`` (a use case that commits through the given unit of work) at most once per key."""
        if self.key is None:
            return await action(uows())
        method_path = f"{self.request.method} {self.request.url.path}"
        uow = uows()
        principal = getattr(self.request.state, "principal", None)
        unmasked = principal is not None and principal.may_read_pii
        claim = IdempotencyClaim(uow.idempotency_model, client_id, self.key, request_hash(body, unmasked=unmasked),
                                 method_path)
        async with uow:
            if (replay := await _lookup(uow, claim)) is not None:
                return replay
        uow = uows()
        uow.idempotency_claim = claim
        try:
            response = await action(uow)
            stored = {k: v for k, v in response.headers.items() if k.lower() in {"etag", "location"}}
            row = claim.row()
            row.status_code, row.body, row.headers = response.status_code, bytes(response.body), stored
            await uow.commit_with_response(row)
        except (IntegrityError, DomainError):
            # a concurrent twin with the same key committed first (our claim collided, or the use case
            # now sees the twin's effect, e.g. "person already in a household"): answer as the twin did
            async with uows() as fresh:
                if (replay := await _lookup(fresh, claim)) is not None:
                    return replay
            raise
        finally:
            uow.idempotency_claim = None
            if uow.holds_transaction:
                await uow.release()
        return response


async def _lookup(uow: UnitOfWork, claim: IdempotencyClaim) -> Response | None:
    model = claim.model
    row = (await uow.session.execute(select(model).where(
        model.client_id == claim.client_id, model.key == claim.key))).scalar_one_or_none()
    if row is None:
        return None
    if row.request_hash != claim.request_hash or row.method_path != claim.method_path:
        raise IdempotencyKeyReused("This Idempotency-Key was used with another request body or path, or by a token "
                                   "with another view of personal data (pii:read).")
    if row.status_code is None:
        raise IdempotentRequestInProgress("Retry later.", retry_after=1)
    headers = dict(row.headers or {})
    headers["Idempotent-Replayed"] = "true"
    return Response(row.body, status_code=row.status_code, headers=headers, media_type="application/json")


async def idempotency_dep(request: Request,
                          key: Annotated[str | None, Header(alias="Idempotency-Key")] = None) -> Idempotency:
    return Idempotency(request, key)
