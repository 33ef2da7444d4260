"""Token verification: good tokens pass; expired, wrong audience, wrong algorithm and unknown keys fail."""
import time

import pytest
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey

from fupin_shared.auth.issuer import DEMO_CLIENTS, InvalidClient, InvalidScope, TokenIssuer
from fupin_shared.auth.keys import load_or_create_signing_keys, rotate
from fupin_shared.auth.verify import JwksVerifier
from fupin_shared.http.problems import Unauthorized
from fupin_shared.settings import ServiceSettings
from fupin_shared.testing import mint_token


class S(ServiceSettings):
    service_name = "authtest"


@pytest.fixture
def verifier(key_file):
    return JwksVerifier(issuer=S().auth_issuer, audience="fupin", key_file=key_file)


async def test_a_good_token_gives_the_principal(verifier, key_file):
    token = mint_token(key_file, scopes="registry:read", division="441223000000", unit="市教育局")
    principal = await verifier.verify(token)
    assert principal.scopes == {"registry:read"}
    assert principal.division == "441223000000" and principal.unit == "市教育局"


async def test_expired_token_is_refused(verifier, key_file):
    with pytest.raises(Unauthorized):
        await verifier.verify(mint_token(key_file, ttl=-120))


async def test_wrong_audience_is_refused(verifier, key_file):
    with pytest.raises(Unauthorized):
        await verifier.verify(mint_token(key_file, auth_audience="someone-else"))


async def test_hs256_token_is_refused(verifier):
    now = int(time.time())
    claims = {"iss": S().auth_issuer, "aud": "fupin", "sub": "x", "exp": now + 60, "scope": "pii:read"}
    token = jwt.encode({"alg": "HS256"}, claims, OctKey.generate_key(256))
    with pytest.raises(Unauthorized):
        await verifier.verify(token)


async def test_unknown_key_is_refused(verifier, key_file):
    load_or_create_signing_keys(key_file)
    stranger = RSAKey.generate_key(2048, private=True)
    now = int(time.time())
    claims = {"iss": S().auth_issuer, "aud": "fupin", "sub": "x", "exp": now + 60}
    token = jwt.encode({"alg": "RS256", "kid": "stranger"}, claims, stranger)
    with pytest.raises(Unauthorized):
        await verifier.verify(token)


async def test_rotation_keeps_old_tokens_valid_and_accepts_new_ones(key_file):
    old_token = mint_token(key_file)
    rotate(key_file)
    new_token = mint_token(key_file)
    fresh = JwksVerifier(issuer=S().auth_issuer, audience="fupin", key_file=key_file)
    assert (await fresh.verify(old_token)).sub == "tester"
    assert (await fresh.verify(new_token)).sub == "tester"


def test_issuer_refuses_wrong_secret_and_ungranted_scope(key_file):
    issuer = TokenIssuer(S(auth_key_file=key_file))
    with pytest.raises(InvalidClient):
        issuer.authenticate("city-admin", "wrong")
    with pytest.raises(InvalidScope):
        issuer.issue(DEMO_CLIENTS["county-officer"], ["pii:read"])


def test_demo_secrets_are_refused_outside_the_embedded_default():
    with pytest.raises(ValueError, match="embedded"):
        S(mode="stack")
    with pytest.raises(ValueError, match="default secrets"):
        S(mode="stack", demo_clients=False)
    assert S(mode="stack", demo_clients=False, pseudonym_key="k" * 32).mode == "stack"


async def test_an_accepted_token_is_remembered_until_exp_and_refusals_never(key_file, monkeypatch):
    verifier = JwksVerifier(issuer=S().auth_issuer, audience="fupin", key_file=key_file, cache_entries=2)
    checks = []
    real = verifier._verify

    async def counting(token):
        checks.append(token)
        return await real(token)

    monkeypatch.setattr(verifier, "_verify", counting)
    good = mint_token(key_file, scopes="registry:read", ttl=60)
    assert (await verifier.verify(good)).scopes == {"registry:read"}
    assert (await verifier.verify(good)).scopes == {"registry:read"}
    assert checks == [good]
    expired = mint_token(key_file, ttl=-120)
    for _ in range(2):
        with pytest.raises(Unauthorized):
            await verifier.verify(expired)
    assert checks == [good, expired, expired]
    others = [mint_token(key_file, scopes=f"s:{n}", ttl=60) for n in range(3)]
    for token in others:
        await verifier.verify(token)
    assert list(verifier._accepted) == others[1:]  # bounded: the least recently used went first
    monkeypatch.setattr(time, "time", lambda: float(2**40))  # far past every exp
    with pytest.raises(Unauthorized):
        await verifier.verify(others[2])
    assert others[2] not in verifier._accepted
