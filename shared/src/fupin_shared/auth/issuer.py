"""The embedded default's own token issuer: OAuth2 client credentials and a JWKS.

Refused outside the embedded default unless real client secrets are configured (settings check).
"""
from __future__ import annotations

import hmac
import time
import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from joserfc import jwt

from fupin_shared.auth.keys import load_or_create_signing_keys, private_key, public_jwks
from fupin_shared.auth.principal import CITY
from fupin_shared.http.problems import BadRequest, Unauthorized
from fupin_shared.settings import DEMO_SECRET, ServiceSettings

ALL_SCOPES = ("registry:read registry:write funds:read funds:write tasks:read tasks:write "
              "assessment:read assessment:write monitoring:read monitoring:write feeds:read "
              "webhooks:write signals:write pii:read").split()
READ_SCOPES = [s for s in ALL_SCOPES if s.endswith(":read") and s != "pii:read"]


@dataclass(frozen=True)
class Client:
    client_id: str
    secret: str
    scopes: tuple[str, ...]
    division: str = CITY
    unit: str | None = None


DEMO_CLIENTS = {c.client_id: c for c in [
    Client("city-admin", DEMO_SECRET, tuple(ALL_SCOPES)),
    Client("county-officer", DEMO_SECRET, ("registry:read", "registry:write", "funds:read"), "441223000000"),
    Client("department", DEMO_SECRET, ("tasks:read", "tasks:write"), unit="市教育局"),
    Client("assessor", DEMO_SECRET, ("assessment:read", "assessment:write", *READ_SCOPES)),
    Client("stats-bureau", DEMO_SECRET, ("feeds:read",)),
]}


class InvalidClient(Unauthorized):
    slug, title = "invalid-client", "Unknown client or wrong secret"


class InvalidScope(BadRequest):
    slug, title = "invalid-scope", "A requested scope is not granted to this client"


class UnsupportedGrantType(BadRequest):
    slug, title = "unsupported-grant-type", "Only the client_credentials grant is supported"


class TokenIssuer:
    def __init__(self, settings: ServiceSettings, clients: dict[str, Client] | None = None) -> None:
        self.settings = settings
        self.clients = dict(clients if clients is not None else (DEMO_CLIENTS if settings.demo_clients else {}))

    def issue(self, client: Client, scopes: list[str] | None = None, *, ttl: int | None = None,
              extra: dict[str, Any] | None = None) -> dict[str, Any]:
        granted = list(client.scopes) if not scopes else scopes
        if not set(granted) <= set(client.scopes):
            raise InvalidScope(f"Not granted: {' '.join(sorted(set(granted) - set(client.scopes)))}.")
        ttl = ttl or self.settings.token_ttl_seconds
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.settings.auth_issuer, "aud": self.settings.auth_audience, "sub": client.client_id,
            "client_id": client.client_id, "scope": " ".join(granted), "division": client.division,
            "iat": now, "nbf": now, "exp": now + ttl, "jti": uuid.uuid4().hex, **(extra or {})}
        if client.unit:
            claims["unit"] = client.unit
        key = private_key(load_or_create_signing_keys(self.settings.auth_key_file))
        token = jwt.encode({"alg": "RS256", "typ": "at+jwt", "kid": key.kid}, claims, key)
        return {"access_token": token, "token_type": "Bearer", "expires_in": ttl, "scope": " ".join(granted)}

    def authenticate(self, client_id: str, secret: str) -> Client:
        client = self.clients.get(client_id)
        if client is None or not hmac.compare_digest(client.secret.encode(), secret.encode()):
            raise InvalidClient("Unknown client or wrong secret.", error="invalid_client")
        return client

    def jwks(self) -> dict[str, Any]:
        return public_jwks(load_or_create_signing_keys(self.settings.auth_key_file))

    def router(self) -> APIRouter:
        router = APIRouter(tags=["auth"])

        @router.post("/auth/token", summary="OAuth2 client-credentials token (embedded default)")
        async def token(request: Request,
                        grant_type: Annotated[str, Form()],
                        client_id: Annotated[str, Form()],
                        client_secret: Annotated[str, Form()],
                        scope: Annotated[str | None, Form()] = None) -> dict[str, Any]:
            if grant_type != "client_credentials":
                raise UnsupportedGrantType(error="unsupported_grant_type")
            client = self.authenticate(client_id, client_secret)
            return self.issue(client, scope.split() if scope else None)

        @router.get("/.well-known/jwks.json", summary="Public signing keys")
        async def jwks() -> dict[str, Any]:
            return self.jwks()

        return router
