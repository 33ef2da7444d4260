"""The spine's HTTP guarantees through a real app on PostgreSQL (and SQLite): problem+json,
ETag/If-Match, Idempotency-Key (also under concurrency), pagination, token, scope and division checks."""
from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa

from fupin_shared.testing import ServiceHarness
from spine_probe.service import MIGRATIONS, Note, ProbeSettings, create_app

BACKENDS = [pytest.param("postgres", marks=pytest.mark.pg), "sqlite"]
COUNTY = "441223000000"
OTHER_COUNTY = "441224000000"


@pytest.fixture(params=BACKENDS)
async def probe(request, migrated_pg, tmp_path, key_file):
    if request.param == "postgres":
        settings = ProbeSettings(database_url=await migrated_pg(MIGRATIONS), auth_key_file=key_file,
                                 inline_workers=False)
    else:
        settings = ProbeSettings(data_dir=tmp_path, auth_key_file=key_file, inline_workers=False)
    harness = ServiceHarness(create_app, settings)
    async with harness.running():
        yield harness


def writer(h, division=COUNTY, **kw):
    return h.auth(scopes="probe:read probe:write", division=division, **kw)


async def notes_in_db(h) -> int:
    async with h.runtime.sessionmaker() as session:
        return (await session.execute(sa.select(sa.func.count()).select_from(Note))).scalar_one()


async def test_validation_errors_are_problem_json_with_field_pointers_and_write_nothing(probe):
    r = await probe.client.post("/v1/notes", json={"division": "44", "text": ""}, headers=writer(probe))
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["type"].endswith("/validation-error") and body["request_id"]
    assert {e["pointer"] for e in body["errors"]} == {"#/division", "#/text"}
    assert await notes_in_db(probe) == 0


async def test_missing_or_bad_token_is_401_problem(probe):
    r = await probe.client.get("/v1/notes")
    assert r.status_code == 401 and r.json()["type"].endswith("/unauthorized")
    r = await probe.client.get("/v1/notes", headers={"Authorization": "Bearer not-a-jwt"})
    assert r.status_code == 401


async def test_missing_scope_is_403_and_nothing_written(probe):
    r = await probe.client.post("/v1/notes", json={"division": "441223101001", "text": "x"},
                                headers=probe.auth(scopes="probe:read", division=COUNTY))
    assert r.status_code == 403 and r.json()["missing_scopes"] == ["probe:write"]
    assert await notes_in_db(probe) == 0


async def test_a_county_cannot_write_or_read_another_county(probe):
    r = await probe.client.post("/v1/notes", json={"division": "441224101001", "text": "x"}, headers=writer(probe))
    assert r.status_code == 403
    assert await notes_in_db(probe) == 0
    r = await probe.client.post("/v1/notes", json={"division": "441224101001", "text": "theirs"},
                                headers=writer(probe, division=OTHER_COUNTY))
    theirs = r.json()["id"]
    assert (await probe.client.get(f"/v1/notes/{theirs}", headers=writer(probe))).status_code == 404
    listed = (await probe.client.get("/v1/notes", headers=writer(probe))).json()["items"]
    assert theirs not in {n["id"] for n in listed}
    assert (await probe.client.get(f"/v1/notes?division={OTHER_COUNTY}", headers=writer(probe))).status_code == 403


async def test_etag_and_if_match(probe):
    r = await probe.client.post("/v1/notes", json={"division": "441223101001", "text": "a"}, headers=writer(probe))
    note_id, etag = r.json()["id"], r.headers["etag"]
    assert etag == '"v1"'
    r = await probe.client.patch(f"/v1/notes/{note_id}", json={"text": "b"}, headers=writer(probe))
    assert r.status_code == 428
    r = await probe.client.patch(f"/v1/notes/{note_id}", json={"text": "b"}, headers={**writer(probe), "If-Match": etag})
    assert r.status_code == 200 and r.headers["etag"] == '"v2"'
    r = await probe.client.patch(f"/v1/notes/{note_id}", json={"text": "c"}, headers={**writer(probe), "If-Match": etag})
    assert r.status_code == 412 and r.json()["current_etag"] == '"v2"'
    got = await probe.client.get(f"/v1/notes/{note_id}", headers=writer(probe))
    assert got.json()["text"] == "b"


async def test_concurrent_patches_with_the_same_version_lose_no_update(probe):
    r = await probe.client.post("/v1/notes", json={"division": "441223101001", "text": "a"}, headers=writer(probe))
    note_id = r.json()["id"]
    results = await asyncio.gather(*[
        probe.client.patch(f"/v1/notes/{note_id}", json={"text": f"t{i}"}, headers={**writer(probe), "If-Match": '"v1"'})
        for i in range(8)])
    assert sorted(r.status_code for r in results).count(200) == 1
    assert all(r.status_code in (200, 412) for r in results)


async def test_idempotency_key_replays_and_refuses_reuse(probe):
    headers = {**writer(probe), "Idempotency-Key": "abc-1"}
    body = {"division": "441223101001", "text": "once"}
    first = await probe.client.post("/v1/notes", json=body, headers=headers)
    again = await probe.client.post("/v1/notes", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    assert again.headers["etag"] == first.headers["etag"]
    reused = await probe.client.post("/v1/notes", json={**body, "text": "other"}, headers=headers)
    assert reused.status_code == 422 and reused.json()["type"].endswith("/idempotency-key-reused")
    assert await notes_in_db(probe) == 1


async def test_a_response_made_for_pii_read_is_never_replayed_to_a_token_without_it(probe):
    body = {"division": "441223101001", "text": "seen unmasked"}
    unmasked = {**probe.auth(scopes="probe:read probe:write pii:read", division="441223101001"), "Idempotency-Key": "pii-1"}
    masked = {**writer(probe), "Idempotency-Key": "pii-1"}
    first = await probe.client.post("/v1/notes", json=body, headers=unmasked)
    assert first.status_code == 201
    refused = await probe.client.post("/v1/notes", json=body, headers=masked)
    assert refused.status_code == 422 and refused.json()["type"].endswith("/idempotency-key-reused")
    again = await probe.client.post("/v1/notes", json=body, headers=unmasked)
    assert again.headers["idempotent-replayed"] == "true" and again.json() == first.json()
    assert await notes_in_db(probe) == 1


async def test_concurrent_retries_with_one_key_create_one_resource(probe):
    headers = {**writer(probe), "Idempotency-Key": "race-1"}
    body = {"division": "441223101001", "text": "race"}
    results = await asyncio.gather(*[probe.client.post("/v1/notes", json=body, headers=headers) for _ in range(6)])
    assert await notes_in_db(probe) == 1
    ids = {r.json()["id"] for r in results if r.status_code == 201}
    assert len(ids) == 1
    assert all(r.status_code in (201, 409) for r in results)


async def test_cursor_pagination_is_stable_and_complete(probe):
    for i in range(23):
        await probe.client.post("/v1/notes", json={"division": "441223101001", "text": f"p{i}"}, headers=writer(probe))
    seen, cursor = [], None
    while True:
        url = "/v1/notes?limit=5" + (f"&cursor={cursor}" if cursor else "")
        page = (await probe.client.get(url, headers=writer(probe))).json()
        seen += [n["text"] for n in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [f"p{i}" for i in range(23)]
    r = await probe.client.get(f"/v1/notes?limit=5&division=441223101000&cursor={cursor or 'x'}", headers=writer(probe))
    assert r.status_code == 400 and r.json()["type"].endswith("/invalid-cursor")


async def test_unexpected_errors_are_generic_500_without_traceback(probe):
    from fastapi import APIRouter

    router = APIRouter()

    @router.get("/boom")
    async def boom() -> None:
        raise ValueError("secret internals")

    probe.app.include_router(router)
    import httpx

    transport = httpx.ASGITransport(app=probe.app, raise_app_exceptions=False)  # as a real server would
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        r = await client.get("/boom")
    assert r.status_code == 500
    assert "secret" not in r.text and r.json()["request_id"]


async def test_health_readiness_and_metrics(probe):
    assert (await probe.client.get("/healthz")).json()["status"] == "ok"
    assert (await probe.client.get("/readyz")).status_code == 200
    metrics = (await probe.client.get("/metrics")).text
    assert "fupin_http_request_seconds" in metrics and "fupin_outbox_pending" in metrics


async def test_an_idempotent_create_commits_its_effect_only_with_its_stored_response(probe):
    """A crash after the use case but before the response is stored must not leave the effect
    without its idempotency record (a retry would then create twice or be refused)."""
    from types import SimpleNamespace

    from fupin_shared.auth.principal import Principal
    from fupin_shared.http.idempotency import Idempotency
    from spine_probe.service import NoteIn, write_note

    actor = Principal(sub="t", client_id="t", scopes=frozenset({"probe:write"}), division=COUNTY)
    request = SimpleNamespace(method="POST", url=SimpleNamespace(path="/v1/notes"), state=SimpleNamespace(principal=actor))

    async def dies_after_the_use_case(uow):
        await write_note(uow, NoteIn(division="441223101001", text="x"), actor)
        raise RuntimeError("process died before the response was stored")

    with pytest.raises(RuntimeError):
        await Idempotency(request, "crash-1").run(probe.runtime.uow, client_id="t", body={},
                                                  action=dies_after_the_use_case)
    assert await notes_in_db(probe) == 0
    async with probe.runtime.sessionmaker() as session:
        model = probe.runtime.definition.infra.IdempotencyRecord
        assert (await session.execute(sa.select(sa.func.count()).select_from(model))).scalar_one() == 0
