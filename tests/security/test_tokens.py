"""Secrets and tokens: no default secret outside the embedded default; expired, wrong-audience, wrong-issuer,
wrong-algorithm (HS256, none), unknown-key and tampered tokens refused by a real service app; signing-key
rotation through the JWKS while a service keeps serving."""
from __future__ import annotations

import asyncio
import base64
import json
import socket
import time

import pytest
import uvicorn
from fastapi import FastAPI
from joserfc import jwt
from joserfc.jwk import OctKey

from fupin_shared.auth.issuer import TokenIssuer
from fupin_shared.auth.keys import load_or_create_signing_keys, rotate
from fupin_shared.settings import DEMO_SECRET
from fupin_shared.testing import ServiceHarness, mint_token
from fupin_registry.app import create_app
from fupin_registry.settings import RegistrySettings

PROTECTED = "/v1/households"


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


@pytest.fixture
async def registry(key_file, tmp_path):
    harness = ServiceHarness(create_app, RegistrySettings(
        database_url=f"sqlite+aiosqlite:///{tmp_path}/registry.db", auth_key_file=key_file, bus="memory",
        data_dir=tmp_path))
    async with harness.running():
        yield harness


@pytest.mark.parametrize("overrides", [
    {"mode": "stack"},
    {"mode": "production", "demo_clients": False},
    {"mode": "stack", "demo_clients": False, "pseudonym_key": "k" * 32, "client_secrets": {"x": DEMO_SECRET}},
])
def test_default_secrets_refused_outside_embedded(overrides):
    with pytest.raises(ValueError, match="embedded"):
        RegistrySettings(**overrides)


def test_non_default_secrets_accepted_outside_embedded():
    settings = RegistrySettings(mode="stack", demo_clients=False, pseudonym_key="p" * 32,
                                client_secrets={"x": "s" * 24})
    assert settings.mode == "stack" and TokenIssuer(settings).clients == {}


def _tokens(key_file, other_key_file) -> dict[str, str]:
    good = mint_token(key_file, scopes=["registry:read"])
    header, payload, _sig = good.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    hs = jwt.encode({"alg": "HS256"}, claims, OctKey.import_key(DEMO_SECRET.encode() * 8))
    return {
        "expired": mint_token(key_file, scopes=["registry:read"], ttl=-120),
        "wrong-audience": mint_token(key_file, scopes=["registry:read"], aud="someone-else"),
        "wrong-issuer": mint_token(key_file, scopes=["registry:read"], iss="https://evil.example/auth"),
        "unknown-key": mint_token(other_key_file, scopes=["registry:read"]),
        "hs256": hs,
        "alg-none": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{payload}.",
        "tampered": f"{header}.{_b64({**claims, 'scope': 'registry:read registry:write pii:read'})}.{_sig}",
        "garbage": "not-a-token",
    }


async def test_bad_tokens_refused_by_a_real_service(registry, key_file, tmp_path):
    good = mint_token(key_file, scopes=["registry:read"])
    assert (await registry.client.get(PROTECTED, headers={"Authorization": f"Bearer {good}"})).status_code == 200
    for name, token in _tokens(key_file, tmp_path / "other" / "key.json").items():
        r = await registry.client.get(PROTECTED, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401, (name, r.status_code, r.text)
        assert r.headers["content-type"].startswith("application/problem+json"), name


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_key_rotation_through_jwks_without_downtime(key_file, tmp_path):
    """The issuer's JWKS is served over HTTP; the registry verifies through that URL. Keys rotate while a
    client keeps calling: old and new tokens are both accepted, no request fails."""
    issuer_settings = RegistrySettings(auth_key_file=key_file, data_dir=tmp_path)
    load_or_create_signing_keys(key_file)
    jwks_app = FastAPI()
    jwks_app.include_router(TokenIssuer(issuer_settings, {}).router())
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(jwks_app, host="127.0.0.1", port=port, log_config=None, lifespan="off"))
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:
            await asyncio.sleep(0.02)
        harness = ServiceHarness(create_app, RegistrySettings(
            database_url=f"sqlite+aiosqlite:///{tmp_path}/registry.db", auth_key_file=tmp_path / "unused.json",
            auth_jwks=f"http://127.0.0.1:{port}/.well-known/jwks.json", bus="memory", data_dir=tmp_path))
        async with harness.running():
            old = mint_token(key_file, scopes=["registry:read"])
            statuses: list[int] = []
            stop = asyncio.Event()

            async def keep_calling() -> None:
                while not stop.is_set():
                    r = await harness.client.get(PROTECTED, headers={"Authorization": f"Bearer {old}"})
                    statuses.append(r.status_code)
                    await asyncio.sleep(0.01)

            caller = asyncio.create_task(keep_calling())
            await asyncio.sleep(0.2)
            keys = rotate(key_file)
            new = mint_token(key_file, scopes=["registry:read"])
            assert json.loads(base64.urlsafe_b64decode(new.split(".")[0] + "=="))["kid"] == keys[0]["kid"]
            assert keys[0]["kid"] != keys[1]["kid"]
            started = time.monotonic()
            r = await harness.client.get(PROTECTED, headers={"Authorization": f"Bearer {new}"})
            assert r.status_code == 200, r.text  # unknown kid -> the verifier refetched the JWKS
            assert time.monotonic() - started < 20  # one JWKS refetch (a loaded machine is slow)
            await asyncio.sleep(0.2)
            stop.set()
            await caller
            assert statuses and set(statuses) == {200}, statuses
            r = await harness.client.get(PROTECTED, headers={"Authorization": f"Bearer {old}"})
            assert r.status_code == 200
    finally:
        server.should_exit = True
        await serving
