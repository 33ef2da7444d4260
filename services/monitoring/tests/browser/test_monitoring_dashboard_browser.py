"""The dashboard in headless Chromium (Debian's chromium driven by Playwright): it loads, a write in
the registry shows up on the page within seconds over the live stream, and nothing is logged to
the console as an error. The app is composed as the embedded default composes it: registry and
monitoring mounted on one ASGI app with the in-process bus, the embedded token issuer and the
dashboard at ``/``."""
from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from fupin_monitoring.app import create_app as create_monitoring
from fupin_monitoring.dashboard import root_router
from fupin_monitoring.settings import MonitoringSettings
from fupin_registry.app import create_app as create_registry
from fupin_registry.settings import RegistrySettings
from fupin_shared.auth.issuer import TokenIssuer
from fupin_shared.bus import InProcessTransport
from fupin_shared.settings import ServiceSettings
from fupin_shared.testing import eventually, mint_token

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
VILLAGE = "441223100201"


class _IssuerSettings(ServiceSettings):
    service_name = "platform"


def id_number(birth: date, serial: int, *, female: bool) -> str:
    """An 18-character ID number with a valid GB 11643 check digit."""
    sequence = serial * 2 + (0 if female else 1)
    body = f"441223{birth:%Y%m%d}{sequence:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]
    return body + check


def composed_app(tmp: Path, key_file: Path) -> FastAPI:
    transport = InProcessTransport()
    common = {"data_dir": tmp, "auth_key_file": key_file, "bus": "memory"}
    apps = {"registry": create_registry(RegistrySettings(**common), transport=transport),
            "monitoring": create_monitoring(MonitoringSettings(**common), transport=transport)}

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            for sub in apps.values():
                await stack.enter_async_context(sub.router.lifespan_context(sub))
            yield

    root = FastAPI(lifespan=lifespan)
    root.include_router(TokenIssuer(_IssuerSettings(auth_key_file=key_file)).router())
    root.include_router(root_router(prefix="/monitoring"))
    for name, sub in apps.items():
        root.mount(f"/{name}", sub)
    return root


def _free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[str]:
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on"))
    task = asyncio.create_task(server.serve())
    try:
        await eventually(lambda: asyncio.sleep(0, server.started), timeout=30, message="server did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 30)


async def register(client: httpx.AsyncClient, token: str, serial: int) -> dict:
    """Register a household through the registry's API (the body of API.md; the registry slice's
    smaller body if that one is refused as unknown fields)."""
    birth = date(1970, 3, 4)
    head = {"name": "测试户主", "id_number": id_number(birth, serial, female=False)}
    full = {"village_code": VILLAGE, "labour_type": "labour", "poverty_causes": ["illness"],
            "head": {**head, "sex": "male", "birth_date": birth.isoformat(), "medical_insurance": True,
                     "health": "healthy"}, "members": []}
    headers = {"Authorization": f"Bearer {token}"}
    response = await client.post("/registry/v1/households", json=full, headers=headers)
    if response.status_code == 422:
        response = await client.post("/registry/v1/households", headers=headers, json={
            "village_code": VILLAGE, "head": head, "persons": 1, "labour_type": "labour", "poverty_causes": ["illness"]})
    assert response.status_code == 201, response.text
    return response.json()


async def test_dashboard_loads_and_shows_a_registry_write_live(tmp_path, key_file) -> None:
    from playwright.async_api import async_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: apt-get install -y chromium (make test does it)"
    app = composed_app(tmp_path, key_file)
    writer = mint_token(key_file, scopes=["registry:read", "registry:write"])
    async with serving(app) as base, httpx.AsyncClient(base_url=base, timeout=30) as client:
        await register(client, writer, 1)
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            try:
                page = await browser.new_page(viewport={"width": 390, "height": 844})
                problems: list[str] = []
                page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
                page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
                await page.goto(base + "/")
                kpi = page.get_by_test_id("kpi-registered")
                await kpi.wait_for(timeout=20_000)
                await page.wait_for_function("document.querySelector('#live').classList.contains('on')", timeout=20_000)

                async def households() -> int:
                    text = (await page.get_by_test_id("kpi-registered").inner_text()).replace(",", "")
                    return int(text) if text.isdigit() else -1

                await eventually(households, timeout=10, message="first household not on the page")
                before = await households()
                await register(client, writer, 2)
                await eventually(lambda: _greater(households, before), timeout=10,
                                 message="the registry write did not show up on the page")
                assert await page.locator("#chart-status canvas").count() == 1
                await page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)

                # drill down from the city to the county, then switch to English
                await page.locator('.tile[data-code="441223000000"]').click()
                await page.wait_for_function("document.querySelectorAll('#crumbs a').length === 1", timeout=10_000)
                await page.locator(f'.tile[data-code="{VILLAGE[:9]}000"]').wait_for(timeout=10_000)
                assert await households() == before + 1  # both households are in 广宁县
                await page.locator("#lang").click()
                await page.wait_for_function("document.documentElement.lang === 'en'", timeout=5_000)
                assert "monitoring" in (await page.locator("h1").inner_text()).lower()
                assert problems == []
            finally:
                await browser.close()


async def _greater(probe, than: int) -> bool:  # noqa: ANN001
    return await probe() > than
