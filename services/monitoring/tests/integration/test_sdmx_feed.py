"""The SDMX feed over a real HTTP server, read by the statistics bureau's own client (sdmx1)."""
from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import socket
from collections.abc import AsyncIterator
from datetime import datetime, timezone

import pytest
import sdmx
import sqlalchemy as sa
import uvicorn

from fupin_monitoring.view.tables import view_counter, view_freshness

pytestmark = pytest.mark.pg

CITY, GN, HJ = "441200000000", "441223000000", "441224000000"
TOWN, VILLAGE = "441223101000", "441223101201"
FEED = ["feeds:read"]


def _chain(code: str) -> list[str]:
    out = [code]
    if code[9:] != "000":
        out.append(code[:9] + "000")
    if code[6:] != "000000":
        out.append(code[:6] + "000000")
    out.append(CITY)
    return out


async def seed(runtime) -> None:  # noqa: ANN001
    """Counters as the projector keeps them (at every level of a division's chain)."""
    booked = [
        (VILLAGE, 0, "hh_status", "identified", 12), (VILLAGE, 2019, "hh_status", "identified", -3),
        (VILLAGE, 2019, "hh_status", "exited", 3), (VILLAGE, 0, "persons_status", "identified", 40),
        (HJ, 0, "hh_status", "identified", 20), (HJ, 2020, "hh_status", "exited", 6),
        (VILLAGE, 2019, "exits", "industry", 3), (VILLAGE, 2020, "returns", "illness", 1),
        (HJ, 2020, "exits", "employment", 6),
    ]
    totals: dict[tuple, int] = {}
    for code, year, metric, key, value in booked:
        for level in _chain(code):
            totals[(level, year, metric, key)] = totals.get((level, year, metric, key), 0) + value
    rows = [{"division_code": d, "year": y, "metric": m, "key": k, "value": v} for (d, y, m, k), v in totals.items()]
    rows += [{"division_code": GN, "year": 2020, "metric": "funds_allocated_level", "key": "province", "value": 500_000},
             {"division_code": GN, "year": 2020, "metric": "funds_allocated", "key": "", "value": 500_000},
             {"division_code": GN, "year": 2020, "metric": "funds_disbursed", "key": "", "value": 300_000},
             {"division_code": GN, "year": 2020, "metric": "reports_on_time", "key": "county_office", "value": 2},
             {"division_code": GN, "year": 2020, "metric": "reports", "key": "submitted", "value": 2}]
    async with runtime.engine.begin() as conn:
        await conn.execute(sa.insert(view_counter), rows)
        await conn.execute(sa.insert(view_freshness), [{
            "topic": "sdmx-test", "partition": 0, "last_event_time": datetime(2026, 1, 10, tzinfo=timezone.utc),
            "applied_at": datetime(2026, 1, 10, tzinfo=timezone.utc), "events_applied": 1}])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.asynccontextmanager
async def http_server(app) -> AsyncIterator[str]:  # noqa: ANN001
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning"))
    task = asyncio.create_task(server.serve())
    for _ in range(200):
        if server.started:
            break
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


def _bureau_pulls(base: str, token: str) -> dict:
    sdmx.add_source({"id": "FUPIN", "url": f"{base}/v1/sdmx", "name": "Fupin test"}, override=True)
    client = sdmx.Client("FUPIN")
    client.session.headers["Authorization"] = f"Bearer {token}"
    flows = client.dataflow()
    structure = client.dataflow("DF_HOUSEHOLDS")
    dsd = structure.structure["DSD_HOUSEHOLDS"]
    data = client.data("DF_HOUSEHOLDS", key={"AREA": [GN, VILLAGE]}, params={"startPeriod": "2019"}, dsd=dsd)
    exits_dsd = client.datastructure("DSD_EXITS_RETURNS").structure["DSD_EXITS_RETURNS"]
    exits = client.data("DF_EXITS_RETURNS", params={"endPeriod": "2020"}, dsd=exits_dsd)
    return {"flows": flows, "structure": structure, "data": sdmx.to_pandas(data), "exits": sdmx.to_pandas(exits)}


async def test_sdmx1_client_lists_reads_structure_and_data(monitoring) -> None:  # noqa: ANN001
    await seed(monitoring.runtime)
    token = monitoring.h.token(scopes=FEED, division=CITY)
    async with http_server(monitoring.h.app) as base:
        got = await asyncio.to_thread(_bureau_pulls, base, token)
    assert set(got["flows"].dataflow) == {"DF_HOUSEHOLDS", "DF_EXITS_RETURNS", "DF_FUNDS", "DF_REPORTS"}
    flow = got["structure"].dataflow["DF_HOUSEHOLDS"]
    assert flow.name.localizations["zh"].startswith("建档立卡户")
    assert flow.name.localizations["en"].startswith("Registered households")
    areas = got["structure"].codelist["CL_AREA"]
    assert areas["441223000000"].name.localizations["zh"] == "广宁县"
    assert [d.id for d in got["structure"].structure["DSD_HOUSEHOLDS"].dimensions] == [
        "FREQ", "AREA", "MEASURE", "STATUS", "TIME_PERIOD"]
    s = got["data"]
    assert s[("A", GN, "HH", "identified", "2019")] == 9.0
    assert s[("A", GN, "HH", "exited", "2019")] == 3.0
    assert s[("A", GN, "PERSONS", "identified", "2019")] == 40.0
    # stock: the exit of 2019 still counts at the end of 2020
    assert s[("A", GN, "HH", "exited", "2020")] == 3.0
    # a village-level count under 5 is withheld, counts of 5 and more are not
    assert s[("A", VILLAGE, "HH", "identified", "2019")] == 9.0
    assert s.get(("A", VILLAGE, "HH", "exited", "2019")) != s.get(("A", VILLAGE, "HH", "exited", "2019"))  # NaN
    assert not any(k[1] == HJ for k in s.index)
    e = got["exits"]
    e = e.reorder_levels(["FREQ", "AREA", "MOVE", "REASON", "TIME_PERIOD"])
    assert e[("A", CITY, "EXIT", "industry", "2019")] == 3.0
    assert e[("A", CITY, "EXIT", "employment", "2020")] == 6.0
    assert e[("A", GN, "RETURN", "illness", "2020")] == 1.0


async def test_sdmx_json_and_csv_by_accept(monitoring) -> None:  # noqa: ANN001
    await seed(monitoring.runtime)
    headers = monitoring.auth(scopes=FEED, division=CITY)
    r = await monitoring.client.get(f"/v1/sdmx/data/DF_FUNDS/A.{GN}..", headers={
        **headers, "Accept": "application/vnd.sdmx.data+json;version=1.0.0"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/vnd.sdmx.data+json")
    series = sdmx.to_pandas(sdmx.read_sdmx(io.BytesIO(r.content)))
    assert series[("A", GN, "ALLOCATED", "province", "2020")] == 500_000
    assert series[("A", GN, "ALLOCATED", "_T", "2020")] == 500_000
    assert series[("A", GN, "DISBURSED", "_T", "2020")] == 300_000

    r = await monitoring.client.get(f"/v1/sdmx/data/FUPIN,DF_REPORTS,1.0/A.{GN}+{HJ}..", headers={
        **headers, "Accept": "application/vnd.sdmx.data+csv;version=1.0.0"})
    assert r.status_code == 200, r.text
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert list(rows[0])[:2] == ["DATAFLOW", "FREQ"]
    got = {(x["UNIT"], x["REPORT_STATUS"], x["TIME_PERIOD"]): x["OBS_VALUE"] for x in rows}
    assert got == {("county_office", "on_time", "2020"): "2", ("_T", "submitted", "2020"): "2"}
    assert rows[0]["DATAFLOW"] == "FUPIN:DF_REPORTS(1.0)"


async def test_sdmx_key_filters_periods_and_updated_after(monitoring) -> None:  # noqa: ANN001
    await seed(monitoring.runtime)
    headers = {**monitoring.auth(scopes=FEED), "Accept": "application/vnd.sdmx.data+csv;version=1.0.0"}

    async def pull(path: str, **params: str) -> list[dict]:
        r = await monitoring.client.get(path, params=params, headers=headers)
        assert r.status_code == 200, r.text
        return list(csv.DictReader(io.StringIO(r.text)))

    rows = await pull(f"/v1/sdmx/data/DF_HOUSEHOLDS/A.{GN}+{HJ}.HH.exited", startPeriod="2020", endPeriod="2020")
    assert {(x["AREA"], x["OBS_VALUE"]) for x in rows} == {(GN, "3"), (HJ, "6")}
    assert await pull("/v1/sdmx/data/DF_HOUSEHOLDS/all", updatedAfter="2026-02-01T00:00:00Z") == []
    assert len(await pull("/v1/sdmx/data/DF_HOUSEHOLDS/all", updatedAfter="2025-12-01T00:00:00Z")) > 0
    r = await monitoring.client.get("/v1/sdmx/data/DF_HOUSEHOLDS/A.B", headers=headers)
    assert r.status_code == 400 and r.json()["type"].endswith("sdmx-bad-query")
    r = await monitoring.client.get("/v1/sdmx/data/DF_NOPE", headers=headers)
    assert r.status_code == 404


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("pg", marks=pytest.mark.pg)], indirect=True)
async def test_sdmx_county_token_sees_only_its_subtree(monitoring) -> None:  # noqa: ANN001
    await seed(monitoring.runtime)
    headers = {**monitoring.auth(scopes=FEED, division=HJ), "Accept": "application/vnd.sdmx.data+csv;version=1.0.0"}
    r = await monitoring.client.get("/v1/sdmx/data/DF_HOUSEHOLDS", headers=headers)
    assert r.status_code == 200
    areas = {x["AREA"] for x in csv.DictReader(io.StringIO(r.text))}
    assert areas == {HJ}
    r = await monitoring.client.get(f"/v1/sdmx/data/DF_HOUSEHOLDS/A.{GN}..", headers=headers)
    assert list(csv.DictReader(io.StringIO(r.text))) == []
    r = await monitoring.client.get("/v1/sdmx/codelist/FUPIN/CL_AREA", headers=headers)
    msg = sdmx.read_sdmx(io.BytesIO(r.content))
    assert set(msg.codelist["CL_AREA"].items) == {HJ}


async def test_sdmx_refused_without_feeds_scope(monitoring) -> None:  # noqa: ANN001
    await seed(monitoring.runtime)
    r = await monitoring.client.get("/v1/sdmx/dataflow", headers=monitoring.auth(scopes=["monitoring:read"]))
    assert r.status_code == 403
    r = await monitoring.client.get("/v1/sdmx/data/DF_HOUSEHOLDS")
    assert r.status_code == 401
