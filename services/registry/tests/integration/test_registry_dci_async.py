"""The DCI asynchronous search: ACK now, the on-search answer polled with txn/status or POSTed to the
sender's callback (retried while it is down), with the caller's scope; refusals write nothing."""
import asyncio
import json
import socket
import time

import pytest

from fupin_registry.app import create_app
from fupin_registry.settings import DciPartner, RegistrySettings
from fupin_shared.http.signing import verify
from fupin_shared.settings import DEMO_SECRET
from fupin_shared.testing import ServiceHarness, eventually

pytestmark = pytest.mark.pg
NOW = "2026-11-29T02:00:00Z"


def envelope(txn: str, value: str, **header):  # noqa: ANN003, ANN201
    return {"header": {"version": "1.0.0", "message_id": f"m-{txn}", "message_ts": NOW, "action": "search",
                       "sender_id": "civil-affairs", **header},
            "message": {"transaction_id": txn, "search_request": [
                {"reference_id": "r-1", "timestamp": NOW, "search_criteria": {
                    "query_type": "idtype-value", "query": {"type": "ID_NUMBER", "value": value}}}]}}


def status_request(txn: str):  # noqa: ANN201
    return {"header": {"version": "1.0.0", "message_id": "m-status", "message_ts": NOW, "action": "txn-status",
                       "sender_id": "civil-affairs"},
            "message": {"transaction_id": "t-status", "txnstatus_request": {
                "reference_id": "s-1", "txn_type": "search", "attribute_type": "transaction_id",
                "attribute_value": txn}}}


class Callback:
    """A loopback HTTP receiver for the on-search callback, started when the test says so."""

    def __init__(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.bodies: list[dict] = []
        self.raw: list[tuple[str, bytes]] = []  # (Webhook-Signature, the body as sent)
        self.server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/dci/on-search"

    async def _handle(self, reader, writer) -> None:  # noqa: ANN001
        head = await reader.readuntil(b"\r\n\r\n")
        headers = dict(line.decode().split(": ", 1) for line in head.split(b"\r\n")[1:] if b": " in line)
        headers = {k.lower(): v for k, v in headers.items()}
        body = await reader.readexactly(int(headers["content-length"]))
        self.raw.append((headers.get("webhook-signature", ""), body))
        self.bodies.append(json.loads(body))
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
        await writer.drain()
        writer.close()

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()


async def test_async_search_polled_and_called_back_after_an_outage(any_registry, household_body, reg, monkeypatch):
    monkeypatch.setenv("FUPIN_DCI_CALLBACK_RETRY_BASE_SECONDS", "0.2")
    h = any_registry
    body = household_body()
    assert (await h.client.post("/v1/households", json=body, headers=h.auth())).status_code == 201
    kid = body["members"][0]["id_number"]
    county = h.auth(division=reg.COUNTY, scopes=["registry:read"], client_id="civil-affairs")

    # poll: Prefer: respond-async, no callback
    r = await h.client.post("/v1/dci/registry/search", json=envelope("t-poll", kid),
                            headers={**county, "Prefer": "respond-async"})
    assert r.status_code == 202, r.text
    assert r.json()["message"]["ack_status"] == "ACK" and r.json()["message"]["correlation_id"] == "t-poll"

    async def answered(txn: str):  # noqa: ANN202
        out = (await h.client.post("/v1/dci/registry/txn/status", json=status_request(txn), headers=county)).json()
        return out if out["message"]["txnstatus_response"]["txn_status"] != "pdng" else None
    status = (await eventually(lambda: answered("t-poll"), timeout=20))["message"]["txnstatus_response"]
    assert status["status"] == "succ" and status["txn_status"] == "succ" and status["callback_status"] is None
    [found] = status["txn_message"]["search_response"]
    [record] = found["data"]["reg_records"]
    assert found["pagination"]["total_count"] == 1
    assert all("*" in m["identifier"][0]["identifier_value"] for m in record["members"])  # the caller's scope

    # callback: the sender's endpoint is down at first; the answer is retried until it is up
    callback = Callback()
    r = await h.client.post("/v1/dci/registry/search", json=envelope("t-cb", kid, sender_uri=callback.url),
                            headers=county)
    assert r.status_code == 202

    async def retried():  # noqa: ANN202
        out = (await answered("t-cb"))
        return out and out["message"]["txnstatus_response"]["callback_status"] == "pending"
    await eventually(retried, timeout=20, message="no answer before the callback")
    await callback.start()
    try:
        await eventually(lambda: _value(callback.bodies), timeout=20, message="no callback")
    finally:
        await callback.stop()
    [got] = callback.bodies
    assert got["header"]["action"] == "on-search" and got["message"]["transaction_id"] == "t-cb"
    # signed like a webhook delivery, with the embedded default's secret for loopback callbacks
    [(signature, raw)] = callback.raw
    assert verify(DEMO_SECRET, signature, raw, now=int(time.time())) and signature.count("v1=") == 1
    assert not verify("another secret", signature, raw, now=int(time.time()))
    assert got["message"]["correlation_id"] == "m-t-cb"
    assert got["message"]["search_response"][0]["data"]["reg_records"][0]["identifier"][0]["identifier_value"]

    async def delivered():  # noqa: ANN202
        out = await answered("t-cb")
        return out["message"]["txnstatus_response"]["callback_status"] == "delivered"
    await eventually(delivered, timeout=10)

    # the same transaction sent again is the same transaction; another client cannot see it
    r = await h.client.post("/v1/dci/registry/search", json=envelope("t-cb", kid, sender_uri=callback.url),
                            headers=county)
    assert r.status_code == 202
    assert (await reg.count_rows(h, "dci_transaction"))["dci_transaction"] == 2
    other = h.auth(division=reg.COUNTY, scopes=["registry:read"], client_id="someone-else")
    out = (await h.client.post("/v1/dci/registry/txn/status", json=status_request("t-cb"), headers=other)).json()
    assert out["header"]["status"] == "rjct"
    assert out["message"]["txnstatus_response"]["status_reason_code"] == "rjct.reference_id.invalid"


async def _value(v):  # noqa: ANN001, ANN202
    return v


async def test_async_search_refused_writes_nothing(registry, reg):
    h = registry
    bad = envelope("t-bad", "441223198001010000", sender_uri="not a url")
    r = await h.client.post("/v1/dci/registry/search", json=bad, headers=h.auth(scopes=["registry:read"]))
    assert r.status_code == 422
    # the embedded default calls back on loopback only: anything else the registry can reach is refused
    for url in ("http://169.254.169.254/latest/meta-data/", "http://10.0.0.5:8080/on-search",
                "https://mca.example.gov.cn/dci/on-search", "http://user:pw@127.0.0.1:8080/on-search"):
        r = await h.client.post("/v1/dci/registry/search", json=envelope("t-ssrf", "441223198001010000", sender_uri=url),
                                headers=h.auth(scopes=["registry:read"]))
        assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json", url
        assert r.json()["type"].endswith("/callback-not-registered") and r.json()["errors"][0]["pointer"] == "#/header/sender_uri"
    r = await h.client.post("/v1/dci/registry/search", json=envelope("t-x", "441223198001010000"),
                            headers={**h.auth(scopes=["signals:write"]), "Prefer": "respond-async"})
    assert r.status_code == 403
    r = await h.client.post("/v1/dci/registry/txn/status", json=status_request("t-x"),
                            headers=h.auth(scopes=["signals:write"]))
    assert r.status_code == 403
    assert (await reg.count_rows(h, "dci_transaction"))["dci_transaction"] == 0


async def test_callbacks_go_only_to_the_urls_registered_for_the_client_signed_with_its_secrets(
        key_file, tmp_path, household_body, reg):
    """A registered partner (no loopback default): its own prefix only, signed with both of its secrets while
    it switches; every other URL and every other client refused with nothing queued."""
    callback = Callback()
    partner = DciPartner(callback_prefixes=[f"http://127.0.0.1:{callback.port}/dci/"], secrets=["s-new", "s-old"])
    settings = RegistrySettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/registry.db", auth_key_file=key_file,
                                bus="memory", data_dir=tmp_path, dci_partners={"civil-affairs": partner})
    h = ServiceHarness(create_app, settings)
    async with h.running():
        body = household_body()
        assert (await h.client.post("/v1/households", json=body, headers=h.auth())).status_code == 201
        kid = body["members"][0]["id_number"]
        mca = h.auth(division=reg.COUNTY, scopes=["registry:read"], client_id="civil-affairs")
        bank = h.auth(division=reg.COUNTY, scopes=["registry:read"], client_id="rural-bank")
        for headers, url in [(bank, callback.url),                                           # not its URL
                             (mca, f"http://127.0.0.1:{callback.port}/admin"),              # outside the path
                             (mca, f"http://127.0.0.1:{callback.port + 1}/dci/on-search"),  # another port
                             (mca, f"http://localhost:{callback.port}/dci/on-search")]:     # another host
            r = await h.client.post("/v1/dci/registry/search", json=envelope("t-no", kid, sender_uri=url),
                                    headers=headers)
            assert r.status_code == 422 and r.json()["type"].endswith("/callback-not-registered"), (url, r.text)
        assert (await reg.count_rows(h, "dci_transaction"))["dci_transaction"] == 0

        await callback.start()
        try:
            r = await h.client.post("/v1/dci/registry/search", json=envelope("t-ok", kid, sender_uri=callback.url),
                                    headers=mca)
            assert r.status_code == 202, r.text
            await eventually(lambda: _value(callback.raw), timeout=20, message="no callback")
        finally:
            await callback.stop()
        [(signature, raw)] = callback.raw
        assert json.loads(raw)["message"]["transaction_id"] == "t-ok" and signature.count("v1=") == 2
        assert verify("s-new", signature, raw, now=int(time.time()))
        assert verify("s-old", signature, raw, now=int(time.time()))
        assert not verify(DEMO_SECRET, signature, raw, now=int(time.time()))
