"""Thin HTTP helpers for end-to-end tests against the running full stack (ports 8001-8005).

Only what a client can do: get a token from the `fupin token` command, call the REST APIs over
HTTP, read JSON. No imports from the services.
"""
from __future__ import annotations

import random
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
FUPIN = ROOT / ".venv" / "bin" / "fupin"
STACK = ROOT / "deploy" / "local" / "stack.sh"
PORTS = {"registry": 8001, "funds": 8002, "tasks": 8003, "assessment": 8004, "monitoring": 8005}

_GB11643_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_GB11643_CHECK = "10X98765432"


def id_number(*, area: str = "441223", birth: str | None = None) -> str:
    """A random 18-character resident ID number with a correct GB 11643 check digit."""
    birth = birth or f"19{random.randint(50, 99)}{random.randint(1, 12):02d}{random.randint(1, 28):02d}"
    body = f"{area}{birth}{random.randint(0, 999):03d}"
    return body + _GB11643_CHECK[sum(int(d) * w for d, w in zip(body, _GB11643_WEIGHTS)) % 11]


def token(client: str = "city-admin", scope: str | None = None) -> str:
    """An access token from the embedded issuer's key file, as `fupin token` prints it."""
    args = [str(FUPIN), "token", "--client", client] + (["--scope", scope] if scope else [])
    env = {"PATH": "/usr/bin:/bin"}  # the CLI mints with the default (embedded) settings, not the stack's
    return subprocess.run(args, check=True, capture_output=True, text=True, cwd=ROOT, env=env).stdout.strip()


def stack(command: str, *, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(STACK), command], capture_output=True, text=True, cwd=ROOT, timeout=timeout)


@dataclass
class StackClient:
    """One httpx client per service, all with the same bearer token."""

    access_token: str
    timeout: float = 10.0
    _clients: dict[str, httpx.AsyncClient] = field(default_factory=dict)

    def service(self, name: str) -> httpx.AsyncClient:
        if name not in self._clients:
            self._clients[name] = httpx.AsyncClient(
                base_url=f"http://127.0.0.1:{PORTS[name]}", timeout=self.timeout,
                headers={"Authorization": f"Bearer {self.access_token}"})
        return self._clients[name]

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.aclose()
        self._clients.clear()

    # registry
    async def villages(self, *, limit: int = 500) -> list[str]:
        """Codes of known villages (the registry refuses households in unknown ones)."""
        response = await self.service("registry").get("/v1/divisions", params={"level": "village", "limit": limit})
        assert response.status_code == 200, response.text
        return [item["code"] for item in response.json()["items"]]

    async def register_household(self, village_code: str, *, members: int = 0, head_name: str = "测试户主",
                                 idempotency_key: str | None = None) -> dict[str, Any]:
        """A household with a head born in the 1960s and ``members`` children born in the 1990s."""
        area = village_code[:6]
        others = [{"name": f"测试成员{n}", "relation": "son", "id_number": id_number(area=area, birth=f"199{n}0612")}
                  for n in range(1, members + 1)]
        response = await self.service("registry").post(
            "/v1/households", headers={"Idempotency-Key": idempotency_key or uuid.uuid4().hex},
            json={"village_code": village_code, "labour_type": "labour", "poverty_causes": ["illness"],
                  "head": {"name": head_name, "id_number": id_number(area=area, birth=f"196{random.randint(0, 9)}0301")},
                  "members": others})
        assert response.status_code == 201, response.text
        return response.json()

    # monitoring
    async def overview(self, division: str | None = None, year: int | None = None) -> dict[str, Any]:
        params = {k: v for k, v in {"division": division, "year": year}.items() if v is not None}
        response = await self.service("monitoring").get("/v1/overview", params=params)
        assert response.status_code == 200, response.text
        return response.json()

    async def ready(self, name: str) -> dict[str, Any]:
        response = await self.service(name).get("/readyz")
        return {"status_code": response.status_code, **response.json()}
