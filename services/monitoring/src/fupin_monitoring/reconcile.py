"""Reconciliation: the view's figures per county against the owners' own counts, read through the
owners' public HTTP APIs (never their databases), with every difference reported as drift.

- registry ``GET /v1/households`` (every page, city scope): households and persons by status;
- registry ``GET /v1/divisions?level=village&provincial_poor_village=true``: poor villages, exited;
- funds ``GET /v1/allocations`` (every page): money allocated per county and year, summed with the
  same rule as the view (money passed down the tree counted once per level).

The registry has no count endpoint, so its lists are paged through (500 rows a page). A difference
can be events still in flight: the report carries the view's ``lag_ms`` and the command re-checks
drifting divisions after ``settle`` seconds before reporting them.
"""
from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from fupin_monitoring.divisions import CITY, COUNTY_NAMES, county_of
from fupin_monitoring.view import domain as d
from fupin_monitoring.view import repository as repo

PAGE = 500


@dataclass
class Difference:
    division: str
    figure: str
    view: int
    owner: int


@dataclass
class Report:
    compared: dict[str, int] = field(default_factory=dict)
    """How many figures were compared per owner."""
    drift: list[Difference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    requests: int = 0
    view_events_applied: int = 0
    view_lag_ms: int | None = None

    @property
    def ok(self) -> bool:
        return not self.drift

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


async def _pages(client: httpx.AsyncClient, path: str, params: dict[str, Any], report: Report) -> AsyncIterator[dict]:
    cursor = None
    while True:
        query = {**params, "limit": PAGE, **({"cursor": cursor} if cursor else {})}
        response = await client.get(path, params=query)
        report.requests += 1
        response.raise_for_status()
        body = response.json()
        for item in body["items"]:
            yield item
        cursor = body.get("next_cursor")
        if not cursor:
            return


def _counties() -> list[str]:
    return sorted(COUNTY_NAMES)


async def registry_figures(client: httpx.AsyncClient, report: Report) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = defaultdict(int)
    async for h in _pages(client, "/v1/households", {"division": CITY}, report):
        for code in (county_of(h["village_code"]), CITY):
            if code:
                out[(code, f"households:{h['status']}")] += 1
                out[(code, f"persons:{h['status']}")] += int(h.get("persons") or 0)
    async for v in _pages(client, "/v1/divisions", {"level": "village", "provincial_poor_village": "true"}, report):
        for code in (county_of(v["code"]), CITY):
            if code:
                out[(code, "poor_villages")] += 1
                if v.get("exited_year"):
                    out[(code, "poor_villages_exited")] += 1
    return out


async def funds_figures(client: httpx.AsyncClient, report: Report) -> dict[tuple[str, str], int] | None:
    out: dict[tuple[str, str], int] = defaultdict(int)
    try:
        async for a in _pages(client, "/v1/allocations", {"division": CITY}, report):
            row = {"division_code": a["division_code"], "parent_division_code": a.get("parent_division_code"),
                   "parent_allocation_id": a.get("parent_allocation_id"), "year": a["year"],
                   "amount_fen": a["amount_fen"], "source_level": None, "reversal": a.get("reversal_of") is not None}
            for (code, year, metric, _), value in d.allocation_items(row).items():
                if metric == "funds_allocated" and (code == CITY or code in COUNTY_NAMES):
                    out[(code, f"funds_allocated:{year}")] += value
    except httpx.HTTPStatusError as exc:
        report.notes.append(f"funds allocations not compared: {exc.response.status_code} from {exc.request.url}")
        return None
    return out


async def view_figures(engine: AsyncEngine, report: Report) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = defaultdict(int)
    async with async_sessionmaker(engine)() as session:
        state = await repo.load_state(session)
        report.view_events_applied = int(state["events_applied"]) if state else 0
        report.view_lag_ms = state["lag_ms"] if state else None
        for code in [CITY, *_counties()]:
            for year, metric, key, value in await repo.counter_rows(session, code, metrics=(
                    "hh_status", "persons_status", "poor_villages", "poor_villages_exited", "funds_allocated")):
                name = {"hh_status": f"households:{key}", "persons_status": f"persons:{key}",
                        "funds_allocated": f"funds_allocated:{year}"}.get(metric, metric)
                out[(code, name)] += value
    return out


def compare(view: dict[tuple[str, str], int], owner: dict[tuple[str, str], int], *, prefixes: tuple[str, ...]) \
        -> tuple[int, list[Difference]]:
    keys = {k for k in set(view) | set(owner) if k[1].startswith(prefixes)}
    drift = [Difference(code, figure, view.get((code, figure), 0), owner.get((code, figure), 0))
             for code, figure in sorted(keys) if view.get((code, figure), 0) != owner.get((code, figure), 0)]
    return len(keys), drift


async def reconcile(engine: AsyncEngine, *, registry: httpx.AsyncClient, funds: httpx.AsyncClient | None,
                    settle: float = 3.0) -> Report:
    """Compare, and compare again after ``settle`` seconds what differed (events may be in flight)."""
    report = Report()
    for attempt in range(2):
        report.drift, report.notes, report.compared = [], [], {}
        view = await view_figures(engine, report)
        owner = await registry_figures(registry, report)
        report.compared["registry"], drift = compare(view, owner, prefixes=("households:", "persons:", "poor_villages"))
        report.drift += drift
        if funds is not None:
            money = await funds_figures(funds, report)
            if money is not None:
                report.compared["funds"], drift = compare(view, money, prefixes=("funds_allocated:",))
                report.drift += drift
        else:
            report.notes.append("funds allocations not compared: no funds URL")
        if report.ok or attempt == 1 or settle <= 0:
            break
        await asyncio.sleep(settle)
    return report


def client_for(base_url: str, token: str, *, transport: httpx.AsyncBaseTransport | None = None) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=base_url.rstrip("/"), headers={"Authorization": f"Bearer {token}"},
                             timeout=60, transport=transport)


__all__ = ["Report", "Difference", "reconcile", "client_for"]
