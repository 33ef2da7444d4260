"""Monitoring (issue 7) on the full stack: freshness on every view response, an early warning raised
by a registry write and walked open → assigned → resolved, the live stream, funds figures from the
funds process, and `fupin monitoring reconcile` against the running owners."""
from __future__ import annotations

import asyncio
import json
import subprocess
import uuid
from datetime import date

import pytest

from fupin_e2e_client import (DEQING, FUPIN, GUANGNING, ROOT, birth, expect, fresh_village, household_body, member,
                              stack_env)
from fupin_shared.testing import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.pg, pytest.mark.xdist_group("stack")]


async def _registered_and_seen(api, village: str, body: dict):  # noqa: ANN001, ANN202
    before = await api.overview(division=village)
    h = await api.register(body)

    async def seen() -> dict | None:
        view = await api.overview(division=village)
        return view if view["households_total"] == before["households_total"] + 1 else None

    await eventually(seen, timeout=30, interval=0.2, message="household not in the monitoring view")
    return h


async def test_every_view_response_states_its_freshness(api, villages) -> None:
    village = fresh_village(villages, GUANGNING)
    await _registered_and_seen(api, village, household_body(village))
    mon = api.monitoring
    responses = {"overview": await api.overview(),
                 "overview of a village and year": await api.overview(division=village, year=2020),
                 "indicators": expect(await mon.get(f"/v1/divisions/{GUANGNING}/indicators"), 200),
                 "children": expect(await mon.get(f"/v1/divisions/{GUANGNING}/children"), 200),
                 "trends": expect(await mon.get(f"/v1/divisions/{village}/trends"), 200)}
    for name, body in responses.items():
        assert body["as_of"] is not None, name
        assert isinstance(body["lag_ms"], int) and body["lag_ms"] >= 0, name
    assert village[:9] + "000" in [c["code"] for c in responses["children"]["children"]]
    metrics = (await mon.get("/metrics")).text
    assert "fupin_consumer_lag_ms" in metrics and 'fupin_consumer_lag_events{group="' in metrics


async def test_alert_raised_by_a_registry_write_walks_open_assigned_resolved(api, villages) -> None:
    village = fresh_village(villages, GUANGNING)
    before = await api.overview(division=village)
    child = member(village, "daughter", birth(2012, 2016), in_school=False)
    adult = member(village, "son", birth(1990, 1999), medical_insurance=False)
    h = await api.register(household_body(village, members=[child, adult]))
    ids = {m["id_number"]: m["id"] for m in h.state["members"]}

    async def raised(kind: str) -> dict | None:
        items = await api.alerts(household_id=h.id, kind=kind)
        return items[0] if items else None

    alert = await eventually(lambda: raised("child_out_of_school"), timeout=30, interval=0.2,
                             message="no child_out_of_school alert")
    assert (alert["state"], alert["member_id"], alert["division_code"]) == ("open", ids[child["id_number"]], village)
    assert 6 <= alert["detail"]["age"] <= 15 and date.fromisoformat(alert["due_on"]) > date.fromisoformat(
        alert["raised_on"])
    uninsured = await eventually(lambda: raised("member_uninsured"), timeout=30, interval=0.2,
                                 message="no member_uninsured alert")
    assert uninsured["member_id"] == ids[adult["id_number"]]

    mon, path = api.monitoring, f"/v1/alerts/{alert['id']}"
    read = await mon.get(path)
    assigned = await mon.post(f"{path}/assign", json={"assignee": "镇扶贫办 李四"}, headers={"If-Match": read.headers["etag"]})
    assert expect(assigned, 200)["state"] == "assigned" and assigned.json()["assignee"] == "镇扶贫办 李四"
    stale = await mon.post(f"{path}/resolve", json={"resolution": "x"}, headers={"If-Match": read.headers["etag"]})
    assert stale.status_code == 412
    resolved = expect(await mon.post(f"{path}/resolve", json={"resolution": "已劝返复学"},
                                     headers={"If-Match": assigned.headers["etag"]}), 200)
    assert resolved["state"] == "resolved" and resolved["resolved_at"] is not None
    assert (await mon.post(f"{path}/resolve", json={"resolution": "again"})).status_code == 409
    history = expect(await mon.get(f"{path}/history"), 200)
    assert [e["data"].get("state") for e in history] == ["open", "assigned", "resolved"]

    # the rule clears its alert when the registry says the condition ended
    patched = await api.registry.patch(f"/v1/households/{h.id}/members/{ids[adult['id_number']]}",
                                       json={"medical_insurance": True}, headers={"If-Match": '"v1"'})
    expect(patched, 200)

    async def cleared() -> dict | None:
        now = expect(await mon.get(f"/v1/alerts/{uninsured['id']}"), 200)
        return now if now["state"] == "resolved" else None

    await eventually(cleared, timeout=30, interval=0.2, message="uninsured alert not cleared")

    async def counted() -> dict | None:
        view = await api.overview(division=village)
        return view if view["alerts"]["resolved"] == before["alerts"]["resolved"] + 2 else None

    view = await eventually(counted, timeout=30, interval=0.2, message="resolved alerts not counted")
    assert view["alerts"]["open"] == before["alerts"]["open"]


async def test_stream_delivers_a_view_update_after_a_registry_write(api, villages) -> None:
    village = fresh_village(villages, GUANGNING)
    events: asyncio.Queue = asyncio.Queue()

    async def listen(response) -> None:  # noqa: ANN001
        name = None
        async for line in response.aiter_lines():
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: ") and name:
                await events.put((name, json.loads(line[6:])))
                name = None

    async with api.monitoring.stream("GET", "/v1/stream", params={"division": village}, timeout=60) as response:
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
        reader = asyncio.create_task(listen(response))
        try:
            kind, hello = await asyncio.wait_for(events.get(), 20)
            assert kind == "hello" and hello["division"] == village
            await api.register(household_body(village))

            async def view_event() -> dict:
                while True:
                    kind, data = await events.get()
                    if kind == "view":
                        return data

            update = await asyncio.wait_for(view_event(), 30)
            assert update["divisions"] == [village]
        finally:
            reader.cancel()


async def test_funds_allocated_and_paid_reach_the_monitoring_funds_figures(api, villages) -> None:
    village = fresh_village(villages, GUANGNING)
    before = await api.overview(division=GUANGNING, year=2020)
    h = await api.register(household_body(village, year=2020))
    await h.step("new-poverty", {"year": 2020, "cause": "illness", "on": "2020-04-01"})  # identified at once

    funds, doc = api.service("funds"), f"肇扶〔2020〕E2E-{uuid.uuid4().hex[:8]}号"
    source = expect(await funds.post("/v1/sources", json={
        "level": "city", "category": "special_fund", "year": 2020, "division_code": "441200000000",
        "document_no": doc, "amount_fen": 50_000_000}), 201)
    allocation = expect(await funds.post("/v1/allocations", json={
        "source_id": source["id"], "division_code": GUANGNING, "amount_fen": 12_345_600, "year": 2020,
        "document_no": doc}), 201)

    async def paid() -> dict | None:  # funds learns of the household from the registry's events
        response = await funds.post("/v1/disbursements", json={
            "allocation_id": allocation["id"], "household_id": h.id, "purpose": "industry_subsidy",
            "amount_fen": 300_000, "paid_on": "2020-06-01", "account_no": "6228480012345678901"})
        assert response.status_code in (201, 409), response.text
        return response.json() if response.status_code == 201 else None

    await eventually(paid, timeout=30, interval=0.5, message="funds never accepted the registry's household")

    async def counted() -> dict | None:
        view = await api.overview(division=GUANGNING, year=2020)
        moved = (view["funds"]["allocated_fen"] - before["funds"]["allocated_fen"],
                 view["funds"]["disbursed_fen"] - before["funds"]["disbursed_fen"])
        return view if moved == (12_345_600, 300_000) else None

    view = await eventually(counted, timeout=30, interval=0.2, message="funds figures not in the view")
    assert view["funds"]["allocations"] == before["funds"]["allocations"] + 1


async def test_reconcile_finds_a_county_written_through_the_apis_in_agreement(api, villages) -> None:
    """`fupin monitoring reconcile` against the running owners' APIs and the view's tables: after a
    household and an allocation in 德庆县 reach the view, the county's figures agree. Checked for that
    county only (other counties may carry data of older versions), poor villages included: the registry
    publishes each provincial poor village's designation, so the view counts all 111 without any village
    being assessed, and the city's poor-village figures agree too."""
    village = fresh_village(villages, DEQING)
    before = await api.overview(division=DEQING, year=2020)
    h = await api.register(household_body(village, year=2020))
    await h.step("new-poverty", {"year": 2020, "cause": "disaster", "on": "2020-08-01"})
    funds, doc = api.service("funds"), f"肇扶〔2020〕E2E-{uuid.uuid4().hex[:8]}号"
    source = expect(await funds.post("/v1/sources", json={
        "level": "provincial", "category": "special_fund", "year": 2020, "division_code": "441200000000",
        "document_no": doc, "amount_fen": 9_000_000}), 201)
    expect(await funds.post("/v1/allocations", json={"source_id": source["id"], "division_code": DEQING,
                                                      "amount_fen": 7_654_300, "year": 2020, "document_no": doc}), 201)

    async def in_view() -> dict | None:
        view = await api.overview(division=DEQING, year=2020)
        moved = (view["funds"]["allocated_fen"] - before["funds"]["allocated_fen"],
                 view["identified"]["households"] - before["identified"]["households"])
        return view if moved == (7_654_300, 1) else None

    await eventually(in_view, timeout=30, interval=0.2, message="household and allocation not in the view")
    done = await asyncio.to_thread(subprocess.run, [str(FUPIN), "monitoring", "reconcile", "--json"],
                                   cwd=ROOT, env=stack_env(), capture_output=True, text=True, timeout=150)
    assert done.returncode in (0, 1), done.stdout[-3000:] + done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert done.returncode == (0 if report["ok"] else 1)
    assert report["compared"]["registry"] > 0 and report["compared"]["funds"] > 0, report
    assert report["view_events_applied"] > 0
    county_drift = [d for d in report["drift"] if d["division"] == DEQING]
    assert county_drift == [], report["drift"]
    city_poor = [d for d in report["drift"] if d["division"] == "441200000000" and d["figure"].startswith("poor_villages")]
    assert city_poor == [], report["drift"]
    assert (await api.overview(division=DEQING, year=2020))["villages"]["provincial_poor"] == 17
