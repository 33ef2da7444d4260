"""Field apps and other government systems (issue 12) on the full stack: the mobile delta sync with
its cursor and conditional GET, a batched upload with good, conflicting and bad items, webhooks to a
real receiver process that goes down and comes back, a department's signal turned into a monitoring
alert, and the DCI search in the caller's scope."""
from __future__ import annotations

import subprocess
import sys
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import orjson
import pytest

from fupin_e2e_client import (GUANGNING, HUAIJI, birth, by_id_number, expect, free_port, fresh_village,
                              household_body, id_number, member, wrong_check_digit)
from fupin_shared.testing import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.pg, pytest.mark.xdist_group("stack")]
RECEIVER = Path(__file__).with_name("webhook_receiver.py")


async def _delta(client: httpx.AsyncClient, village: str, since: str | None, etag: str | None = None) -> httpx.Response:
    params = {"division": village, **({"since": since} if since else {})}
    return await client.get("/v1/sync/households", params=params,
                            headers={"Accept-Encoding": "gzip", **({"If-None-Match": etag} if etag else {})})


async def test_sync_delta_since_a_cursor_with_conditional_get(api, county_api, villages) -> None:
    village, sync = fresh_village(villages, GUANGNING), county_api.registry
    assert (await _delta(sync, HUAIJI, None)).status_code == 403
    cursor, synced = None, []
    while True:  # the first, full sync of the village
        page = expect(await _delta(sync, village, cursor), 200)
        synced += page["items"]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break

    async def unchanged() -> httpx.Response | None:
        first = await _delta(sync, village, cursor)
        again = await _delta(sync, village, cursor, first.headers["etag"])
        return again if again.status_code == 304 else None

    not_modified = await eventually(unchanged, timeout=20, interval=0.2, message="no 304 for an unchanged delta")
    assert not_modified.content == b""
    codes = await sync.get("/v1/sync/codelists", headers={"Accept-Encoding": "gzip"})
    assert codes.status_code == 200 and codes.headers["content-encoding"] == "gzip"
    assert (await sync.get("/v1/sync/codelists", headers={"If-None-Match": codes.headers["etag"]})).status_code == 304

    h = await api.register(household_body(village))
    expect(await api.registry.post(f"/v1/households/{h.id}/measures", json={
        "type": "industry", "amount_fen": 150_000, "date": "2020-05-01", "unit": "县农业农村局"}), 201)

    async def delivered() -> dict | None:
        response = await _delta(sync, village, cursor)
        items = [x for x in response.json()["items"] if x["id"] == h.id] if response.status_code == 200 else []
        return {"response": response, "item": items[0]} if items and items[0]["measures"] else None

    got = await eventually(delivered, timeout=30, interval=0.2, message="the new household not in the delta")
    item, response = got["item"], got["response"]
    assert len(item["members"]) == 2 and "*" in item["head"]["id_number"]  # the county officer has no pii:read
    assert [m["amount_fen"] for m in item["measures"]] == [150_000]
    assert "household_no" not in item and "exit_year" not in item  # nulls omitted: compact
    assert response.headers["content-encoding"] == "gzip"
    assert (await _delta(sync, village, cursor, '"stale-etag"')).status_code == 200
    cursor = response.json()["next_cursor"]

    await h.step("removal", {"year": 2020, "reason": "duplicate", "on": "2020-07-01"})

    async def removed() -> dict | None:
        body = expect(await _delta(sync, village, cursor), 200)
        return body if h.id in body["removed"] else None

    after = await eventually(removed, timeout=30, interval=0.2, message="the removal not in the delta")
    assert h.id not in [x["id"] for x in after["items"]]


async def test_batch_upload_applies_good_items_and_reports_conflict_and_refusal(api, villages) -> None:
    village = fresh_village(villages, GUANGNING)
    before = await api.overview(division=village)
    h = await api.register(household_body(village))
    amended = await api.registry.patch(f"/v1/households/{h.id}", json={"address": "村委会旁"},
                                       headers={"If-Match": h.etag})
    assert expect(amended, 200)["version"] == 2  # the device still holds "v1"
    new_body = household_body(village)
    bad_member = member(village, "daughter", birth(2000, 2005))
    bad_member["id_number"] = wrong_check_digit(bad_member["id_number"])
    run = uuid.uuid4().hex
    items = [
        {"operation": "register_household", "idempotency_key": f"{run}-0", "body": new_body},
        {"operation": "amend_household", "target": h.id, "if_match": '"v1"', "idempotency_key": f"{run}-1",
         "body": {"assisting_cadre": "离线修改"}},
        {"operation": "add_member", "target": h.id, "idempotency_key": f"{run}-2", "body": bad_member},
        {"operation": "amend_household", "target": h.id, "if_match": '"v2"', "idempotency_key": f"{run}-3",
         "body": {"assisting_cadre": "王帮扶"}},
        {"operation": "record_measure", "target": h.id, "idempotency_key": f"{run}-4",
         "body": {"type": "employment", "amount_fen": 80_000, "date": "2020-06-01"}},
    ]
    out = expect(await api.registry.post("/v1/households/batch", json={"items": items}), 200)
    results = out["results"]
    assert (out["applied"], out["conflicts"], out["refused"]) == (3, 1, 1)
    assert [(r["index"], r["result"], r["status"]) for r in results] == [
        (0, "applied", 200), (1, "conflict", 412), (2, "refused", 422), (3, "applied", 200), (4, "applied", 200)]
    assert results[1]["current_version"] == 2 and results[1]["etag"] == '"v2"'
    assert results[2]["problem"]["errors"][0]["pointer"] == "#/id_number"
    assert results[3]["etag"] == '"v3"'
    created_id = results[0]["resource"]["id"]

    now = await h.get()
    assert (now["version"], now["assisting_cadre"], now["address"]) == (3, "王帮扶", "村委会旁")
    assert len(now["members"]) == 2
    measures = expect(await api.registry.get(f"/v1/households/{h.id}/measures"), 200)["items"]
    assert [m["amount_fen"] for m in measures] == [80_000]
    assert expect(await api.registry.get(f"/v1/households/{created_id}"), 200)["persons"] == 2

    # the device retries the whole batch: applied items are replayed, nothing is applied twice
    retry = expect(await api.registry.post("/v1/households/batch", json={"items": items}), 200)
    assert [r["result"] for r in retry["results"]] == ["applied", "conflict", "refused", "applied", "applied"]
    assert retry["results"][0]["resource"]["id"] == created_id
    assert len(await api.households_with(new_body["head"]["id_number"])) == 1
    assert (await h.get())["version"] == 3
    assert len(expect(await api.registry.get(f"/v1/households/{h.id}/measures"), 200)["items"]) == 1

    async def in_view() -> dict | None:
        view = await api.overview(division=village)
        return view if view["households_total"] == before["households_total"] + 2 else None

    await eventually(in_view, timeout=30, interval=0.2, message="batch-registered household not in monitoring")


class Receiver:
    """The webhook receiver script as its own process on a loopback port."""

    def __init__(self, port: int, secret: str, out: Path) -> None:
        self.port, self.secret, self.out = port, secret, out
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen([sys.executable, str(RECEIVER), str(self.port), self.secret, str(self.out)],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert self.process.stdout.readline().strip() == "ready", self.process.stderr.read()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    def received(self) -> list[dict]:
        return [orjson.loads(line) for line in self.out.read_bytes().splitlines()] if self.out.exists() else []


async def test_webhook_retried_while_the_receiver_is_down_then_delivered_signed(api, villages, tmp_path) -> None:
    village = fresh_village(villages, GUANGNING)
    port = free_port()
    subscription = expect(await api.monitoring.post("/v1/webhooks", json={
        "url": f"http://127.0.0.1:{port}/fupin/events", "division": village,
        "event_types": ["fupin.registry.household.registered.v1"]}), 201)
    hooks = f"/v1/webhooks/{subscription['id']}"
    receiver = Receiver(port, subscription["secret"], tmp_path / "received.jsonl")
    try:
        h = await api.register(household_body(village))  # the receiver is not running yet

        async def failed_once() -> dict | None:
            items = expect(await api.monitoring.get(f"{hooks}/deliveries"), 200)["items"]
            return items[0] if items and items[0]["attempts"] >= 1 else None

        first = await eventually(failed_once, timeout=30, interval=0.2, message="no delivery attempt")
        assert (first["status"], first["attempts"], first["last_status"]) == ("pending", 1, None)
        assert first["last_error"] and first["event_type"] == "fupin.registry.household.registered.v1"
        retry_at = datetime.fromisoformat(first["next_attempt_at"])
        assert retry_at > datetime.now(UTC) - timedelta(seconds=1)  # backing off, not hammering

        receiver.start()

        async def delivered() -> dict | None:
            items = expect(await api.monitoring.get(f"{hooks}/deliveries"), 200)["items"]
            return items[0] if items and items[0]["status"] == "delivered" else None

        done = await eventually(delivered, timeout=90, interval=0.5, message="not delivered after the receiver came back")
        assert done["attempts"] >= 2 and done["last_status"] == 204 and done["last_error"] is None
        assert datetime.fromisoformat(done["delivered_at"]) >= retry_at
        [got] = receiver.received()
        assert got["verified"] is True and got["content_type"] == "application/cloudevents+json"
        event = got["event"]
        assert (event["type"], event["subject"], event["division"]) == (
            "fupin.registry.household.registered.v1", h.id, village)
        assert event["id"] == done["event_id"] and event["data"]["household_id"] == h.id
        assert expect(await api.monitoring.get(f"{hooks}/dead-letters"), 200)["items"] == []
    finally:
        read = await api.monitoring.get(hooks)
        await api.monitoring.delete(hooks, headers={"If-Match": read.headers["etag"]})
        receiver.stop()


async def test_signal_by_id_number_becomes_a_monitoring_alert(api, villages) -> None:
    village = fresh_village(villages, GUANGNING)
    son = member(village, "son", birth(1990, 1999))
    h = await api.register(household_body(village, members=[son]))
    son_id = next(m["id"] for m in h.state["members"] if m["id_number"] == son["id_number"])
    occurred = (date.today() - timedelta(days=3)).isoformat()
    signals = api.registry

    missing = await signals.post("/v1/signals", json={"kind": "medical_bill", "id_number": son["id_number"],
                                                      "occurred_on": occurred, "detail": {}})
    assert expect(missing, 422)["errors"][0]["pointer"] == "#/detail/amount_fen"
    signal = expect(await signals.post("/v1/signals", json={
        "kind": "medical_bill", "id_number": son["id_number"], "occurred_on": occurred, "source": "市医疗保障局",
        "external_id": uuid.uuid4().hex, "detail": {"amount_fen": 8_600_000}}), 201)
    assert (signal["matched"], signal["household_id"], signal["member_id"]) == (True, h.id, son_id)

    async def alerted() -> dict | None:
        items = await api.alerts(household_id=h.id, kind="serious_illness")
        return items[0] if items else None

    alert = await eventually(alerted, timeout=30, interval=0.2, message="the signal raised no alert")
    assert (alert["state"], alert["member_id"], alert["division_code"]) == ("open", son_id, village)
    assert alert["detail"]["signal_id"] == signal["id"] and alert["detail"]["amount_fen"] == 8_600_000
    assert alert["detail"]["occurred_on"] == occurred and alert["due_on"] > alert["raised_on"]

    stranger = id_number(area="441224", birth=birth(1950, 1990))
    unmatched = expect(await signals.post("/v1/signals", json={
        "kind": "disability_certificate", "id_number": stranger, "occurred_on": occurred,
        "detail": {"disability_grade": 2}}), 201)
    assert (unmatched["matched"], unmatched["household_id"], unmatched["division_code"]) == (False, None, HUAIJI)
    kept = expect(await signals.get(f"/v1/signals/{unmatched['id']}"), 200)
    assert kept["matched"] is False and kept["id_number"] == stranger


async def test_dci_search_by_identifier_within_the_callers_scope(api, county_api, villages) -> None:
    mine_body = household_body(fresh_village(villages, GUANGNING))
    other_body = household_body(fresh_village(villages, HUAIJI))
    mine, other = await api.register(mine_body), await api.register(other_body)
    kid = mine_body["members"][0]["id_number"]

    inside, outside, forbidden = await county_api.dci(
        by_id_number(kid), by_id_number(other_body["head"]["id_number"]),
        {"query_type": "predicate", "query": [{"expression1": {"attribute_name": "admin_area_code",
                                                               "attribute_value": HUAIJI}}]})
    [record] = inside["data"]["reg_records"]
    assert inside["status"] == "succ" and record["identifier"][0]["identifier_value"] == mine.id
    assert record["location"]["admin_area_code"] == mine_body["village_code"] and record["group_size"] == 2
    numbers = [m["identifier"][0]["identifier_value"] for m in record["members"]]
    assert kid not in numbers and all("*" in n for n in numbers)  # no pii:read: masked
    assert outside["status"] == "succ" and outside["data"]["reg_records"] == []
    assert forbidden["status"] == "rjct" and forbidden["status_reason_code"] == "rjct.permission.denied"

    [seen] = await api.households_with(other_body["head"]["id_number"])  # the city sees it, unmasked
    assert seen["identifier"][0]["identifier_value"] == other.id
    assert other_body["head"]["id_number"] in [m["identifier"][0]["identifier_value"] for m in seen["members"]]
