"""A bounded cache of verified access tokens.

Clients (mobile apps, other government systems) send the same bearer token with every request until
it expires; verifying its RS256 signature and claims each time is most of the cost of a cheap read.
A token verified once is remembered until it expires (never longer than the verifier's own rules
allow: the cached principal is dropped at ``exp``), in a bounded LRU so memory stays flat. Anything
the verifier refuses is not cached.
"""
from __future__ import annotations

import base64
import json
import time
from collections import OrderedDict
from typing import Any

from fupin_shared.auth.principal import Principal

MAX_ENTRIES = 10_000


class CachingVerifier:
    def __init__(self, inner: Any, *, max_entries: int = MAX_ENTRIES) -> None:
        self.inner = inner
        self.max_entries = max_entries
        self._cache: OrderedDict[str, tuple[float, Principal]] = OrderedDict()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def verify(self, token: str) -> Principal:
        now = time.time()
        hit = self._cache.get(token)
        if hit is not None:
            expires, principal = hit
            if now < expires:
                self._cache.move_to_end(token)
                return principal
            del self._cache[token]
        principal = await self.inner.verify(token)
        expires = _expiry(token)
        if expires is not None and expires > now:
            self._cache[token] = (expires, principal)
            if len(self._cache) > self.max_entries:
                self._cache.popitem(last=False)
        return principal


def _expiry(token: str) -> float | None:
    """``exp`` of a token the inner verifier has just accepted (so its payload is trustworthy)."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return None
    exp = claims.get("exp") if isinstance(claims, dict) else None
    return float(exp) if isinstance(exp, (int, float)) else None
