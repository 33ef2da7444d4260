"""JWT verification against a JWKS (file, URL, or the embedded issuer's keys).

URL sources are cached for ten minutes and re-fetched on an unknown ``kid`` at most every 30 s;
failures fail closed (401). Only RS256 is accepted; ``iss``, ``aud`` and ``exp`` are required.

Clients send the same bearer token with every request until it expires, and checking its RS256
signature and claims is most of the cost of a cheap read: a token accepted once is remembered, keyed
by the raw token, in a bounded LRU (``cache_entries``; 0 disables it) until its ``exp`` (no leeway) and
never longer than the key set's TTL. A refused token is never remembered.
"""
from __future__ import annotations

import json
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from fupin_shared.auth.keys import load_or_create_signing_keys, public_jwks
from fupin_shared.auth.principal import CITY, Principal, division_prefix
from fupin_shared.http.problems import Unauthorized

ALGORITHMS = ["RS256"]
CACHE_ENTRIES = 10_000


class JwksVerifier:
    def __init__(self, *, issuer: str, audience: str, jwks_source: str = "", key_file: Path | None = None,
                 ttl_seconds: float = 600.0, cache_entries: int = CACHE_ENTRIES) -> None:
        self.issuer = issuer
        self.audience = audience
        self._source = jwks_source
        self._key_file = key_file
        self._ttl = ttl_seconds
        self._keyset: KeySet | None = None
        self._loaded_at = 0.0
        self._last_forced = 0.0
        self._cache_entries = cache_entries
        self._accepted: OrderedDict[str, tuple[float, Principal]] = OrderedDict()

    async def _load(self, force: bool = False) -> KeySet:
        now = time.monotonic()
        fresh = self._keyset is not None and now - self._loaded_at < self._ttl
        if fresh and not force:
            return self._keyset  # type: ignore[return-value]
        if force and now - self._last_forced < 30 and self._keyset is not None:
            return self._keyset
        if force:
            self._last_forced = now
        if self._source.startswith(("http://", "https://")):
            async with httpx.AsyncClient(timeout=5.0) as client:
                response = await client.get(self._source)
                response.raise_for_status()
                jwks: dict[str, Any] = response.json()
        elif self._source:
            jwks = json.loads(Path(self._source).read_text())
        else:
            assert self._key_file is not None
            jwks = public_jwks(load_or_create_signing_keys(self._key_file))
        self._keyset = KeySet.import_key_set(jwks)
        self._loaded_at = now
        return self._keyset

    async def verify(self, token: str) -> Principal:
        hit = self._accepted.get(token)
        if hit is not None:
            if time.time() < hit[0]:
                self._accepted.move_to_end(token)
                return hit[1]
            del self._accepted[token]
        principal, exp = await self._verify(token)
        if self._cache_entries > 0:
            until = min(exp, time.time() + self._ttl)
            if until > time.time():
                self._accepted[token] = (until, principal)
                if len(self._accepted) > self._cache_entries:
                    self._accepted.popitem(last=False)
        return principal

    async def _verify(self, token: str) -> tuple[Principal, float]:
        """Signature and claims; the principal and the token's ``exp``."""
        try:
            keyset = await self._load()
            try:
                decoded = jwt.decode(token, keyset, algorithms=ALGORITHMS)
            except (ValueError, JoseError) as exc:
                if "kid" not in str(exc).lower() and "key" not in str(exc).lower():
                    raise
                decoded = jwt.decode(token, await self._load(force=True), algorithms=ALGORITHMS)
            registry = jwt.JWTClaimsRegistry(
                leeway=30, iss={"essential": True, "value": self.issuer},
                aud={"essential": True, "value": self.audience}, exp={"essential": True},
                sub={"essential": True})
            registry.validate(decoded.claims)
            exp = float(decoded.claims["exp"])
        except (JoseError, ValueError, KeyError, OSError, httpx.HTTPError) as exc:
            raise Unauthorized(f"The access token was refused: {type(exc).__name__}.") from exc
        claims = decoded.claims
        division = claims.get("division") or CITY
        try:
            division_prefix(division)
        except ValueError as exc:
            raise Unauthorized("The token's division claim is not a 12-digit code.") from exc
        return Principal(sub=claims["sub"], client_id=claims.get("client_id", claims["sub"]),
                         scopes=frozenset(str(claims.get("scope", "")).split()),
                         division=division, unit=claims.get("unit")), exp
