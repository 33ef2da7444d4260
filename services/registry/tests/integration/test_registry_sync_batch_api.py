"""The field app over HTTP: the household delta (cursor, 304, gzip, removals) and the batched upload."""

import pytest
from sqlalchemy import select

from fupin_registry.db import INFRA
from fupin_shared.testing import eventually

pytestmark = pytest.mark.pg


async def _all_published(harness):
    async with harness.runtime.sessionmaker() as s:
        rows = (await s.scalars(select(INFRA.Outbox.published_at))).all()
    return rows and all(rows)


async def _register(h, body):
    r = await h.client.post("/v1/households", json=body, headers=h.auth())
    assert r.status_code == 201, r.text
    return r.json()


async def test_household_delta_cursor_conditional_get_and_removals(any_registry, household_body, reg):
    h = any_registry
    county = h.auth(division=reg.COUNTY, scopes=["registry:read", "registry:write"])
    mine = [await _register(h, household_body()) for _ in range(3)]
    other = await _register(h, household_body(village=reg.OTHER_COUNTY_VILLAGE))
    await eventually(lambda: _all_published(h))

    first = await h.client.get("/v1/sync/households", params={"limit": 2}, headers=county)
    assert first.status_code == 200, first.text
    page1 = first.json()
    assert page1["has_more"] is True and len(page1["items"]) == 2
    assert "address" not in page1["items"][0]  # nulls omitted
    assert page1["items"][0]["head"]["name"].endswith("*")  # masked without pii:read
    second = (await h.client.get("/v1/sync/households", params={"since": page1["next_cursor"], "limit": 2},
                                 headers=county)).json()
    ids = {i["id"] for i in page1["items"] + second["items"]}
    assert ids == {m["id"] for m in mine} and other["id"] not in ids and second["has_more"] is False

    # nothing changed: the same answer, and a conditional GET gets 304
    again = await h.client.get("/v1/sync/households", params={"since": second["next_cursor"]}, headers=county)
    assert again.json()["items"] == [] and again.json()["removed"] == []
    not_modified = await h.client.get("/v1/sync/households", params={"since": second["next_cursor"]},
                                      headers={**county, "If-None-Match": again.headers["etag"]})
    assert not_modified.status_code == 304 and not_modified.content == b""

    # one amended, one removed: only they come back
    target, gone = mine[0], mine[1]
    r = await h.client.patch(f"/v1/households/{target['id']}", json={"address": "新村3号"},
                             headers={**county, "If-Match": '"v1"'})
    assert r.status_code == 200, r.text
    r = await h.client.post(f"/v1/households/{gone['id']}/removal", json={"year": 2020, "reason": "property"},
                            headers={**county, "If-Match": '"v1"'})
    assert r.status_code == 200, r.text
    await eventually(lambda: _all_published(h))
    delta = (await h.client.get("/v1/sync/households", params={"since": second["next_cursor"]},
                                headers=county)).json()
    assert [i["id"] for i in delta["items"]] == [target["id"]] and delta["items"][0]["version"] == 2
    assert delta["removed"] == [gone["id"]]

    # a full sync with many households compresses (gzip from the spine)
    big = await h.client.get("/v1/sync/households", headers={**county, "Accept-Encoding": "gzip"})
    assert big.headers.get("content-encoding") == "gzip"
    assert len(big.json()["items"]) == 2
    # brotli when accepted (preferred), with its own ETag; either ETag answers 304
    br = await h.client.get("/v1/sync/households", headers={**county, "Accept-Encoding": "gzip, br"})
    assert br.headers.get("content-encoding") == "br" and br.headers["etag"].endswith('-br"')
    assert br.json() == big.json() and "Accept-Encoding" in br.headers["vary"]
    for tag in (br.headers["etag"], big.headers["etag"]):
        r = await h.client.get("/v1/sync/households", headers={**county, "Accept-Encoding": "br",
                                                               "If-None-Match": tag})
        assert r.status_code == 304
    no_br = await h.client.get("/v1/sync/households", headers={**county, "Accept-Encoding": "br;q=0, gzip"})
    assert no_br.headers.get("content-encoding") == "gzip"


async def test_sync_refuses_other_division_and_bad_cursor(registry, reg):
    county = registry.auth(division=reg.COUNTY, scopes=["registry:read"])
    r = await registry.client.get("/v1/sync/households", params={"division": "441224000000"}, headers=county)
    assert r.status_code == 403
    r = await registry.client.get("/v1/sync/households", params={"since": "garbage"}, headers=county)
    assert r.status_code == 400 and r.json()["type"].endswith("invalid-cursor")


async def test_codelists_for_offline_are_conditional(registry):
    r = await registry.client.get("/v1/sync/codelists", headers=registry.auth(scopes=["registry:read"]))
    assert r.status_code == 200 and any(c["name"] == "poverty_cause" for c in r.json()["items"])
    r2 = await registry.client.get("/v1/sync/codelists", headers={**registry.auth(scopes=["registry:read"]),
                                                                  "If-None-Match": r.headers["etag"]})
    assert r2.status_code == 304


async def test_batch_applies_good_items_and_reports_conflict_and_refusal(any_registry, household_body, reg):
    h = any_registry
    existing = await _register(h, household_body())
    hid = existing["id"]
    r = await h.client.patch(f"/v1/households/{hid}", json={"address": "a"}, headers={**h.auth(), "If-Match": '"v1"'})
    assert r.status_code == 200
    bad = household_body()
    bad["head"]["id_number"] = bad["head"]["id_number"][:17] + ("0" if bad["head"]["id_number"][17] != "0" else "1")
    new_member = household_body()["head"] | {"relation": "son"}
    items = [
        {"operation": "register_household", "idempotency_key": "dev1-1", "body": household_body()},
        {"operation": "amend_household", "target": hid, "if_match": '"v1"', "idempotency_key": "dev1-2",
         "body": {"address": "stale"}},
        {"operation": "register_household", "idempotency_key": "dev1-3", "body": bad},
        {"operation": "add_member", "target": hid, "idempotency_key": "dev1-4", "body": new_member},
        {"operation": "record_measure", "target": hid, "idempotency_key": "dev1-5",
         "body": {"type": "industry", "amount_fen": 50000, "date": "2020-05-01"}},
        {"operation": "amend_household", "target": hid, "idempotency_key": "dev1-6", "body": {"address": "x"}},
    ]
    r = await h.client.post("/v1/households/batch", json={"items": items}, headers=h.auth())
    assert r.status_code == 200, r.text
    out = r.json()
    results = [x["result"] for x in out["results"]]
    assert results == ["applied", "conflict", "refused", "applied", "applied", "refused"], out
    assert out["results"][1]["current_version"] == 2 and out["results"][1]["status"] == 412
    assert out["results"][2]["problem"]["type"].endswith("validation-error")
    assert out["results"][5]["status"] == 428
    assert (out["applied"], out["conflicts"], out["refused"]) == (3, 1, 2)
    counts = await reg.count_rows(h, "household", "member", "measure")
    assert counts == {"household": 2, "member": 5, "measure": 1}

    # the device retries the whole batch: applied items replay, nothing is written twice
    again = (await h.client.post("/v1/households/batch", json={"items": items}, headers=h.auth())).json()
    assert [x["result"] for x in again["results"]] == results
    assert again["results"][0]["resource"]["id"] == out["results"][0]["resource"]["id"]
    assert await reg.count_rows(h, "household", "member", "measure") == counts


async def test_batch_needs_write_scope_and_writes_nothing(registry, household_body, reg):
    items = [{"operation": "register_household", "idempotency_key": "k", "body": household_body()}]
    r = await registry.client.post("/v1/households/batch", json={"items": items},
                                   headers=registry.auth(scopes=["registry:read"]))
    assert r.status_code == 403
    assert (await reg.count_rows(registry, "household"))["household"] == 0


async def test_a_household_moved_out_of_the_division_is_removed_from_the_device(any_registry, household_body, reg):
    h = any_registry
    county = h.auth(division=reg.COUNTY, scopes=["registry:read"])
    moving = await _register(h, household_body())
    await eventually(lambda: _all_published(h))
    first = (await h.client.get("/v1/sync/households", headers=county)).json()
    assert [i["id"] for i in first["items"]] == [moving["id"]]

    r = await h.client.patch(f"/v1/households/{moving['id']}", json={"village_code": reg.OTHER_COUNTY_VILLAGE},
                             headers={**h.auth(), "If-Match": '"v1"'})
    assert r.status_code == 200, r.text
    await eventually(lambda: _all_published(h))
    delta = (await h.client.get("/v1/sync/households", params={"since": first["next_cursor"]}, headers=county)).json()
    assert delta["items"] == [] and delta["removed"] == [moving["id"]]
    # the new county's device gets it as a change
    other = h.auth(division="441224000000", scopes=["registry:read"])
    assert [i["id"] for i in (await h.client.get("/v1/sync/households", headers=other)).json()["items"]] == [moving["id"]]


def _vary(response) -> list[str]:  # noqa: ANN001
    return [t.strip().lower() for v in response.headers.get_list("vary") for t in v.split(",")]


async def test_sync_answers_name_vary_accept_encoding_once(registry_sqlite):
    """gzip (the spine's middleware), brotli (the route), identity, a small body and a 304: one Vary each."""
    h = registry_sqlite
    auth = h.auth(scopes=["registry:read"])
    for coding in ("gzip", "br", "identity"):
        r = await h.client.get("/v1/sync/codelists", headers={**auth, "Accept-Encoding": coding})
        assert r.status_code == 200 and len(r.content) >= 1024
        assert r.headers.get("content-encoding", "identity") == coding
        assert _vary(r).count("accept-encoding") == 1, (coding, r.headers.get_list("vary"))
    r = await h.client.get("/v1/sync/codelists",
                           headers={**auth, "Accept-Encoding": "gzip", "If-None-Match": r.headers["etag"]})
    assert r.status_code == 304 and _vary(r).count("accept-encoding") == 1
    small = await h.client.get("/v1/sync/households", headers={**auth, "Accept-Encoding": "gzip"})
    assert small.status_code == 200 and "content-encoding" not in small.headers
    assert _vary(small).count("accept-encoding") == 1


async def _access_log(h):  # noqa: ANN001, ANN202
    async with h.runtime.sessionmaker() as s:
        rows = (await s.execute(select(INFRA.AccessLog.action, INFRA.AccessLog.resource, INFRA.AccessLog.division)
                                .order_by(INFRA.AccessLog.id))).all()
    return [tuple(r) for r in rows]


async def test_batch_results_shown_unmasked_are_access_logged(any_registry, household_body, reg):
    h = any_registry
    existing = await _register(h, household_body())
    hid, village = existing["id"], existing["village_code"]
    before = await _access_log(h)
    items = [
        {"operation": "register_household", "idempotency_key": "pii-1", "body": household_body()},
        {"operation": "add_member", "target": hid, "idempotency_key": "pii-2",
         "body": household_body()["head"] | {"relation": "son"}},
        {"operation": "record_measure", "target": hid, "idempotency_key": "pii-3",
         "body": {"type": "industry", "amount_fen": 50000, "date": "2020-05-01"}},
        {"operation": "amend_household", "target": hid, "idempotency_key": "pii-4", "body": {"address": "x"}},
    ]
    pii = h.auth(scopes=["registry:read", "registry:write", "pii:read"], division=reg.COUNTY)
    out = (await h.client.post("/v1/households/batch", json={"items": items}, headers=pii)).json()
    assert [x["result"] for x in out["results"]] == ["applied", "applied", "applied", "refused"]
    created = out["results"][0]["resource"]
    assert "*" not in created["head"]["name"] and "*" not in out["results"][1]["resource"]["id_number"]
    logged = (await _access_log(h))[len(before):]
    # the two results with personal data, each in its household's village; the measure and the refusal: none
    assert logged == [("batch.register_household", f"household/{created['id']}", created["village_code"]),
                      ("batch.add_member", f"household/{hid}", village)]

    # a retried batch shows the same data again: logged again
    await h.client.post("/v1/households/batch", json={"items": items}, headers=pii)
    assert len((await _access_log(h))[len(before):]) == 4


async def test_batch_results_masked_without_pii_read_log_nothing(registry, household_body, reg):
    h = registry
    before = await _access_log(h)
    items = [{"operation": "register_household", "idempotency_key": "masked-1", "body": household_body()}]
    masked = h.auth(scopes=["registry:read", "registry:write"], division=reg.COUNTY)
    out = (await h.client.post("/v1/households/batch", json={"items": items}, headers=masked)).json()
    assert out["applied"] == 1 and out["results"][0]["resource"]["head"]["name"].endswith("*")
    assert await _access_log(h) == before
