"""Thin HTTP helpers for end-to-end tests against the running full stack (ports 8001-8005).

Only what a client can do: get a token from the `fupin token` command, call the REST APIs over
HTTP, read JSON. No imports from the services.
"""
from __future__ import annotations

import os
import random
import socket
import subprocess
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
FUPIN = ROOT / ".venv" / "bin" / "fupin"
STACK = ROOT / "deploy" / "local" / "stack.sh"
PORTS = {"registry": 8001, "funds": 8002, "tasks": 8003, "assessment": 8004, "monitoring": 8005}
CITY, GUANGNING, HUAIJI, DEQING = "441200000000", "441223000000", "441224000000", "441226000000"
"""The city, the county of the `county-officer` demo client (广宁县), and two other counties (怀集县, 德庆县)."""

_GB11643_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_GB11643_CHECK = "10X98765432"


def id_number(*, area: str = "441223", birth: str | None = None) -> str:
    """A random 18-character resident ID number with a correct GB 11643 check digit."""
    birth = birth or f"19{random.randint(50, 99)}{random.randint(1, 12):02d}{random.randint(1, 28):02d}"
    body = f"{area}{birth}{random.randint(0, 999):03d}"
    return body + _GB11643_CHECK[sum(int(d) * w for d, w in zip(body, _GB11643_WEIGHTS)) % 11]


def wrong_check_digit(number: str) -> str:
    """The same ID number with a check character that GB 11643 refuses."""
    return number[:17] + next(c for c in _GB11643_CHECK if c != number[17])


def birth(low: int, high: int) -> str:
    """A random birth date (YYYYMMDD) in the years low..high: fixed dates collide across reruns."""
    return f"{random.randint(low, high)}{random.randint(1, 12):02d}{random.randint(1, 28):02d}"


def member(village: str, relation: str, born: str, **attributes: Any) -> dict[str, Any]:
    """A member body (insured unless told otherwise) with a fresh ID number from the village's area."""
    return {"name": f"测试{relation}", "relation": relation, "medical_insurance": True,
            "id_number": id_number(area=village[:6], birth=born), **attributes}


def household_body(village: str, *, members: list[dict[str, Any]] | None = None,
                   **fields: Any) -> dict[str, Any]:
    """A household with labour capacity: an insured head born 1955-1975 and the given members."""
    head = member(village, "head", birth(1955, 1975))
    head.pop("relation")
    return {"village_code": village, "labour_type": "labour", "poverty_causes": ["illness"], "head": head,
            "members": members if members is not None else [member(village, "son", birth(1990, 1999))], **fields}


def token(client: str = "city-admin", scope: str | None = None) -> str:
    """An access token from the embedded issuer's key file, as `fupin token` prints it."""
    args = [str(FUPIN), "token", "--client", client] + (["--scope", scope] if scope else [])
    env = {"PATH": "/usr/bin:/bin"}  # the CLI mints with the default (embedded) settings, not the stack's
    return subprocess.run(args, check=True, capture_output=True, text=True, cwd=ROOT, env=env).stdout.strip()


def stack(command: str, *, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(STACK), command], capture_output=True, text=True, cwd=ROOT, timeout=timeout)


def stack_env() -> dict[str, str]:
    """The environment the stack's services run with (`stack.sh env`), for a `fupin` command run against them."""
    printed = stack("env")
    assert printed.returncode == 0, printed.stderr
    env = dict(os.environ)
    for line in printed.stdout.splitlines():
        name, _, value = line.removeprefix("export ").partition("=")
        env[name] = value
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def villages_by_county(access_token: str) -> dict[str, list[str]]:
    """Every village the registry knows, by county code."""
    by_county: dict[str, list[str]] = defaultdict(list)
    with httpx.Client(base_url=f"http://127.0.0.1:{PORTS['registry']}", timeout=30,
                      headers={"Authorization": f"Bearer {access_token}"}) as client:
        cursor = None
        while True:
            params = {"level": "village", "limit": 500, **({"cursor": cursor} if cursor else {})}
            page = client.get("/v1/divisions", params=params)
            assert page.status_code == 200, page.text
            for item in page.json()["items"]:
                by_county[item["code"][:6] + "000000"].append(item["code"])
            cursor = page.json().get("next_cursor")
            if not cursor:
                return dict(by_county)


_handed_out: set[str] = set()


def fresh_village(villages: dict[str, list[str]], county: str) -> str:
    """A random village of ``county`` not yet used by this test session (fewer shared counters between tests)."""
    village = random.choice([v for v in villages[county] if v not in _handed_out] or villages[county])
    _handed_out.add(village)
    return village


def dci_envelope(*criteria: dict[str, Any]) -> dict[str, Any]:
    """A DCI social-registry search request with one search_request per ``search_criteria``."""
    now = datetime.now(UTC).isoformat()
    return {"header": {"version": "1.0.0", "message_id": uuid.uuid4().hex, "message_ts": now, "action": "search",
                       "sender_id": "e2e-civil-affairs", "total_count": len(criteria)},
            "message": {"transaction_id": uuid.uuid4().hex, "search_request": [
                {"reference_id": f"r-{i}", "timestamp": now, "search_criteria": c} for i, c in enumerate(criteria)]}}


def by_id_number(number: str) -> dict[str, Any]:
    return {"query_type": "idtype-value", "query": {"type": "ID_NUMBER", "value": number}}


def expect(response: httpx.Response, status: int) -> Any:
    """The JSON body of a response that must have ``status`` (the body in the failure message)."""
    assert response.status_code == status, f"{response.request.method} {response.request.url}: " \
                                           f"{response.status_code} {response.text}"
    return response.json() if response.content else None


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

    @property
    def registry(self) -> httpx.AsyncClient:
        return self.service("registry")

    @property
    def monitoring(self) -> httpx.AsyncClient:
        return self.service("monitoring")

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.aclose()
        self._clients.clear()

    async def __aenter__(self) -> "StackClient":
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

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

    async def register(self, body: dict[str, Any]) -> "Household":
        """Register ``body`` (201 expected) and follow the household's ETag from there."""
        response = await self.registry.post("/v1/households", json=body)
        created = expect(response, 201)
        return Household(self, created["id"], response.headers["etag"], created)

    # monitoring
    async def overview(self, division: str | None = None, year: int | None = None) -> dict[str, Any]:
        params = {k: v for k, v in {"division": division, "year": year}.items() if v is not None}
        response = await self.service("monitoring").get("/v1/overview", params=params)
        assert response.status_code == 200, response.text
        return response.json()

    async def households_in(self, division: str) -> list[dict[str, Any]]:
        """Every household of a division the caller sees, all pages (in id order: the newest last)."""
        found: list[dict[str, Any]] = []
        cursor = None
        while True:
            params = {"division": division, "limit": 500, **({"cursor": cursor} if cursor else {})}
            page = expect(await self.registry.get("/v1/households", params=params), 200)
            found += page["items"]
            if not (cursor := page["next_cursor"]):
                return found

    async def dci(self, *criteria: dict[str, Any]) -> list[dict[str, Any]]:
        """The ``search_response`` list of a DCI search (one per criteria)."""
        answer = expect(await self.registry.post("/v1/dci/registry/search", json=dci_envelope(*criteria)), 200)
        assert answer["header"]["action"] == "on-search", answer
        return answer["message"]["search_response"]

    async def households_with(self, number: str) -> list[dict[str, Any]]:
        """DCI records of the households that have ``number`` among their members (within the caller's scope)."""
        [response] = await self.dci(by_id_number(number))
        assert response["status"] == "succ", response
        return response["data"]["reg_records"]

    async def alerts(self, **params: Any) -> list[dict[str, Any]]:
        return expect(await self.monitoring.get("/v1/alerts", params=params), 200)["items"]

    async def ready(self, name: str) -> dict[str, Any]:
        response = await self.service(name).get("/readyz")
        return {"status_code": response.status_code, **response.json()}


@dataclass
class Household:
    """A registry household seen through the API; lifecycle steps follow its ETag (If-Match)."""

    api: StackClient
    id: str
    etag: str
    state: dict[str, Any]

    async def step(self, path: str, body: dict[str, Any], *, status: int = 200) -> dict[str, Any]:
        response = await self.api.registry.post(f"/v1/households/{self.id}/{path}", json=body,
                                                 headers={"If-Match": self.etag})
        result = expect(response, status)
        if status == 200:
            self.etag, self.state = response.headers["etag"], result
        return result

    async def put(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = await self.api.registry.put(f"/v1/households/{self.id}/{path}", json=body)
        assert response.status_code in (200, 201), response.text
        return response.json()

    async def get(self, **params: Any) -> dict[str, Any]:
        return expect(await self.api.registry.get(f"/v1/households/{self.id}", params=params), 200)

    async def history(self) -> list[dict[str, Any]]:
        return expect(await self.api.registry.get(f"/v1/households/{self.id}/history"), 200)

    async def identify(self, year: int) -> None:
        """Identification with its 7-day public notice, dated in ``year``."""
        await self.step("identification/appraise", {"on": f"{year}-03-01"})
        await self.step("identification/notice", {"on": f"{year}-03-02", "days": 7})
        await self.step("identification/town-review", {"on": f"{year}-03-09"})
        await self.step("identification/approve", {"on": f"{year}-03-10", "year": year})
