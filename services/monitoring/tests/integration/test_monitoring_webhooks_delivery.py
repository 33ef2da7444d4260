"""Webhooks out against a real receiver process on loopback: signed CloudEvents, retries while the
receiver is down, delivery when it comes back, dead letters and their replay, division and type filters."""
from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from fupin_monitoring.synthetic import envelope
from fupin_shared.contracts import registry as cr
from fupin_shared.http.signing import verify
from fupin_shared.testing import eventually

BOTH = [pytest.param("sqlite"), pytest.param("pg", marks=pytest.mark.pg)]
GUANGNING, V1, V_OTHER = "441223000000", "441223101201", "441224102301"

RECEIVER = r'''
import asyncio, json, sys

async def handle(reader, writer):
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:] if ":" in l)}
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    with open(sys.argv[2], "a") as out:
        out.write(json.dumps({"path": lines[0].split(" ")[1], "headers": headers, "body": body.decode()}) + "\n")
    writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")
    await writer.drain()
    writer.close()

async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", int(sys.argv[1]))
    async with server:
        await server.serve_forever()

asyncio.run(main())
'''


class Receiver:
    def __init__(self, tmp: Path) -> None:
        self.script = tmp / "receiver.py"
        self.script.write_text(RECEIVER)
        self.out = tmp / "received.jsonl"
        self.out.touch()
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def start(self) -> None:
        self.proc = subprocess.Popen([sys.executable, str(self.script), str(self.port), str(self.out)])

        async def listening() -> bool:
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
            except OSError:
                return False
            writer.close()
            return True
        await eventually(listening, timeout=10, message="receiver did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None

    def received(self) -> list[dict]:
        return [json.loads(line) for line in self.out.read_text().splitlines() if line]


@pytest.fixture
def receiver(tmp_path: Path):  # noqa: ANN201
    r = Receiver(tmp_path)
    yield r
    r.stop()


@pytest.fixture
def fast_retries(monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setenv("FUPIN_WEBHOOK_RETRY_BASE_SECONDS", "0.3")
    monkeypatch.setenv("FUPIN_WEBHOOK_MAX_ATTEMPTS", "7")
    return monkeypatch


def signal(village: str) -> object:
    sid = uuid.uuid4()
    event = cr.SignalMatched(signal_id=sid, kind="disaster", source="市应急管理局", occurred_on=date(2020, 6, 1),
                             household_id=uuid.uuid4(), member_id=uuid.uuid4(), village_code=village,
                             detail={"disaster_type": "flood"})
    return envelope(event, subject=sid, division=village)


@pytest.mark.parametrize("backend", BOTH, indirect=True)
async def test_signed_delivery_survives_a_receiver_outage_and_dead_letters_replay(monitoring, receiver,
                                                                                 fast_retries) -> None:  # noqa: ANN001
    county = monitoring.auth(division=GUANGNING, scopes=["webhooks:write", "registry:read"])
    r = await monitoring.client.post("/v1/webhooks", headers=county, json={
        "url": receiver.url, "event_types": ["fupin.registry.signal.*"]})
    assert r.status_code == 201, r.text
    sub = r.json()
    assert sub["division_code"] == GUANGNING and sub["secret"].startswith("whsec_")
    assert (await monitoring.client.get(f"/v1/webhooks/{sub['id']}", headers=county)).json()["secret"] is None

    # the receiver is down: the delivery fails and is retried with backoff
    mine, elsewhere = signal(V1), signal(V_OTHER)
    await monitoring.send("registry", [mine, elsewhere])

    async def deliveries(status=None):  # noqa: ANN001, ANN202
        params = {"status": status} if status else {}
        return (await monitoring.client.get(f"/v1/webhooks/{sub['id']}/deliveries", params=params,
                                            headers=county)).json()["items"]

    async def retried() -> bool:
        items = await deliveries()
        return len(items) == 1 and items[0]["attempts"] >= 2 and items[0]["status"] == "pending"
    await eventually(retried, timeout=20, message="no retries while the receiver was down")
    [queued] = await deliveries()
    assert queued["event_id"] == str(mine.id) and queued["last_error"] and queued["last_status"] is None

    # it comes back: the delivery arrives, signed, as the CloudEvent itself
    await receiver.start()
    await eventually(lambda: _async(len(receiver.received()) == 1), timeout=20, message="not delivered")
    [got] = receiver.received()
    body = got["body"].encode()
    assert verify(sub["secret"], got["headers"]["webhook-signature"], body, now=int(time.time()))
    assert not verify("whsec_other", got["headers"]["webhook-signature"], body, now=int(time.time()))
    assert not verify(sub["secret"], got["headers"]["webhook-signature"], body, now=int(time.time()) + 3600)
    event = json.loads(body)
    assert event["id"] == str(mine.id) and event["type"] == "fupin.registry.signal.matched.v1"
    assert event["specversion"] == "1.0" and event["division"] == V1
    assert got["headers"]["content-type"] == "application/cloudevents+json"
    await eventually(lambda: _delivered(deliveries), timeout=10)

    # down again with few attempts left: a dead letter, listed, and replayed on request once it is back
    receiver.stop()
    fast_retries.setenv("FUPIN_WEBHOOK_MAX_ATTEMPTS", "2")
    third = signal(V1)
    await monitoring.send("registry", [third])

    async def dead() -> list:
        return (await monitoring.client.get(f"/v1/webhooks/{sub['id']}/dead-letters", headers=county)).json()["items"]
    [letter] = await eventually(dead, timeout=20, message="no dead letter")
    assert letter["event_id"] == str(third.id) and letter["attempts"] == 2 and letter["status"] == "dead"
    await receiver.start()
    r = await monitoring.client.post(f"/v1/webhooks/{sub['id']}/dead-letters/replay", json={}, headers=county)
    assert r.json() == {"requeued": 1}
    await eventually(lambda: _async(len(receiver.received()) == 2), timeout=20, message="replay not delivered")
    assert json.loads(receiver.received()[1]["body"])["id"] == str(third.id)
    assert await dead() == []


async def _async(value):  # noqa: ANN001, ANN202
    return value


async def _delivered(deliveries) -> bool:  # noqa: ANN001
    items = await deliveries("delivered")
    return len(items) == 1 and items[0]["delivered_at"] is not None


@pytest.mark.pg
async def test_subscriptions_are_scoped_and_validated_nothing_written(monitoring) -> None:  # noqa: ANN001
    body = {"url": "http://127.0.0.1:9/hook", "event_types": ["fupin.registry.signal.matched.v1"]}
    r = await monitoring.client.post("/v1/webhooks", json=body,
                                     headers=monitoring.auth(division=GUANGNING, scopes=["monitoring:read"]))
    assert r.status_code == 403
    r = await monitoring.client.post("/v1/webhooks", json={**body, "division": "441224000000"},
                                     headers=monitoring.auth(division=GUANGNING, scopes=["webhooks:write"]))
    assert r.status_code == 403
    r = await monitoring.client.post("/v1/webhooks", json={**body, "event_types": ["fupin.nothing.v1"]},
                                     headers=monitoring.auth(scopes=["webhooks:write"]))
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "#/event_types/0"
    # the token reads the registry only: no funds events, and "*" would include them
    for types in (["fupin.funds.*"], ["*"]):
        r = await monitoring.client.post("/v1/webhooks", json={**body, "event_types": types},
                                         headers=monitoring.auth(scopes=["webhooks:write", "registry:read"]))
        assert r.status_code == 403 and "funds:read" in r.json()["missing_scopes"], r.text
    async with monitoring.runtime.sessionmaker() as s:
        assert (await s.execute(sa.text("SELECT count(*) FROM webhook_subscription"))).scalar() == 0
    # another county's subscription is invisible
    r = await monitoring.client.post("/v1/webhooks", json=body, headers=monitoring.auth(
        division="441224000000", scopes=["webhooks:write", "registry:read"]))
    assert r.status_code == 201
    r2 = await monitoring.client.get(f"/v1/webhooks/{r.json()['id']}",
                                     headers=monitoring.auth(division=GUANGNING, scopes=["webhooks:write"]))
    assert r2.status_code == 404


@pytest.mark.parametrize("backend", BOTH, indirect=True)
async def test_secret_rotation_signs_with_both_secrets_in_the_overlap(monitoring, receiver) -> None:  # noqa: ANN001
    county = monitoring.auth(division=GUANGNING, scopes=["webhooks:write", "registry:read"])
    await receiver.start()
    r = await monitoring.client.post("/v1/webhooks", headers=county, json={
        "url": receiver.url, "event_types": ["fupin.registry.signal.matched.v1"]})
    sub = r.json()
    old = sub["secret"]
    url = f"/v1/webhooks/{sub['id']}/secret"

    # refused, nothing changed: no If-Match, a stale one, another county's token
    assert (await monitoring.client.post(url, json={}, headers=county)).status_code == 428
    assert (await monitoring.client.post(url, json={}, headers={**county, "If-Match": '"v9"'})).status_code == 412
    other = monitoring.auth(division="441224000000", scopes=["webhooks:write", "registry:read"])
    assert (await monitoring.client.post(url, json={}, headers={**other, "If-Match": '"v1"'})).status_code == 404
    got = (await monitoring.client.get(f"/v1/webhooks/{sub['id']}", headers=county)).json()
    assert got["version"] == 1 and got["previous_secret_until"] is None

    r = await monitoring.client.post(url, json={"overlap_seconds": 3600}, headers={**county, "If-Match": '"v1"'})
    assert r.status_code == 200, r.text
    rotated = r.json()
    new = rotated["secret"]
    assert new.startswith("whsec_") and new != old and rotated["previous_secret_until"] and rotated["version"] == 2
    await monitoring.send("registry", [signal(V1)])
    await eventually(lambda: _async(len(receiver.received()) == 1), timeout=20, message="not delivered")
    header = receiver.received()[0]["headers"]["webhook-signature"]
    body = receiver.received()[0]["body"].encode()
    assert header.count("v1=") == 2
    assert verify(new, header, body, now=int(time.time())) and verify(old, header, body, now=int(time.time()))

    # a rotation without overlap: the old secret stops at once
    r = await monitoring.client.post(url, json={"overlap_seconds": 0}, headers={**county, "If-Match": '"v2"'})
    newest = r.json()["secret"]
    await monitoring.send("registry", [signal(V1)])
    await eventually(lambda: _async(len(receiver.received()) == 2), timeout=20, message="not delivered")
    header = receiver.received()[1]["headers"]["webhook-signature"]
    body = receiver.received()[1]["body"].encode()
    assert header.count("v1=") == 1 and verify(newest, header, body, now=int(time.time()))
    assert not verify(new, header, body, now=int(time.time()))


@pytest.mark.parametrize("backend", BOTH, indirect=True)
async def test_a_client_sees_and_manages_only_its_own_subscriptions(monitoring) -> None:  # noqa: ANN001
    body = {"url": "http://127.0.0.1:9/hook", "event_types": ["fupin.registry.signal.matched.v1"]}
    scopes = ["webhooks:write", "registry:read"]
    mca = monitoring.auth(division=GUANGNING, scopes=scopes, client_id="civil-affairs")
    bank = monitoring.auth(division=GUANGNING, scopes=scopes, client_id="rural-bank")
    ours = (await monitoring.client.post("/v1/webhooks", json=body, headers=mca)).json()
    theirs = (await monitoring.client.post("/v1/webhooks", json=body, headers=bank)).json()

    async def listed(headers: dict) -> list[str]:
        return [s["id"] for s in (await monitoring.client.get("/v1/webhooks", headers=headers)).json()["items"]]
    assert await listed(mca) == [ours["id"]] and await listed(bank) == [theirs["id"]]

    # another client's subscription, same division: not found for every operation, nothing changed
    sub = f"/v1/webhooks/{theirs['id']}"
    refused = [await monitoring.client.get(sub, headers=mca),
               await monitoring.client.get(f"{sub}/deliveries", headers=mca),
               await monitoring.client.post(f"{sub}/dead-letters/replay", json={}, headers=mca),
               await monitoring.client.post(f"{sub}/secret", json={}, headers={**mca, "If-Match": '"v1"'}),
               await monitoring.client.delete(sub, headers={**mca, "If-Match": '"v1"'})]
    assert [r.status_code for r in refused] == [404] * 5
    got = (await monitoring.client.get(sub, headers=bank)).json()
    assert got["version"] == 1 and got["active"] and got["previous_secret_until"] is None
    async with monitoring.runtime.sessionmaker() as s:
        assert (await s.execute(sa.text("SELECT count(*) FROM outbox"))).scalar() == 2  # the two subscriptions

    # monitoring's operators (monitoring:write) see every client's in their division and may end one,
    # but never rotate a secret that is not theirs (the new secret would be shown to them)
    ops = monitoring.auth(division=GUANGNING, scopes=["webhooks:write", "monitoring:write"], client_id="ops")
    assert sorted(await listed(ops)) == sorted([ours["id"], theirs["id"]])
    r = await monitoring.client.post(f"{sub}/secret", json={}, headers={**ops, "If-Match": '"v1"'})
    assert r.status_code == 404
    r = await monitoring.client.delete(sub, headers={**ops, "If-Match": '"v1"'})
    assert r.status_code == 200 and r.json()["active"] is False
    other_county = monitoring.auth(division="441224000000", scopes=["webhooks:write", "monitoring:write"])
    assert await listed(other_county) == []
