"""The verified-token cache: hits until exp, refusals never cached, bounded."""
import base64
import json
import time

import pytest

from fupin_registry.auth_cache import CachingVerifier
from fupin_shared.auth.principal import Principal
from fupin_shared.http.problems import Unauthorized


def token(exp: float, n: int = 0) -> str:
    payload = base64.urlsafe_b64encode(json.dumps({"exp": exp, "n": n}).encode()).decode().rstrip("=")
    return f"h.{payload}.s"


class Inner:
    def __init__(self):
        self.calls = 0

    async def verify(self, value: str) -> Principal:
        self.calls += 1
        if value.endswith("bad"):
            raise Unauthorized("refused")
        return Principal(sub="x", client_id="x")


async def test_a_token_is_verified_once_until_it_expires():
    inner = Inner()
    cache = CachingVerifier(inner)
    t = token(time.time() + 60)
    assert (await cache.verify(t)).sub == "x"
    await cache.verify(t)
    assert inner.calls == 1
    expired = token(time.time() - 1)
    await cache.verify(expired)
    await cache.verify(expired)
    assert inner.calls == 3


async def test_refusals_are_not_cached_and_the_cache_is_bounded():
    inner = Inner()
    cache = CachingVerifier(inner, max_entries=3)
    for _ in range(2):
        with pytest.raises(Unauthorized):
            await cache.verify("h.x.bad")
    assert inner.calls == 2
    for n in range(10):
        await cache.verify(token(time.time() + 60, n))
    assert len(cache._cache) == 3
