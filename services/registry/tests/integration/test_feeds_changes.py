"""Change feeds of de-identified microdata: content, scoping, resumption, formats, logging."""
from __future__ import annotations

import csv
import io

import orjson
import pyarrow.parquet as pq
import pytest
from sqlalchemy import text

from fupin_shared.testing import eventually

FEED = ["feeds:read"]
CITY, COUNTY = "441200000000", "441223000000"
PII_KEYS = {"name", "id_number", "head_name", "head_id_number", "phone", "one_card_account", "address",
            "assisting_cadre", "assisting_cadre_phone", "birth_date"}


async def sequenced(h) -> None:  # noqa: ANN001
    """Wait until the relay has sequenced (published) every outbox row."""
    async def done() -> bool:
        async with h.runtime.engine.connect() as conn:
            return (await conn.execute(text("SELECT count(*) FROM outbox WHERE sequence IS NULL"))).scalar_one() == 0
    await eventually(done, timeout=20, message="outbox not sequenced")


async def pull(h, name: str, *, since: str | None = None, client_id: str = "stats-bureau",  # noqa: ANN001
               division: str = CITY, fmt: str = "ndjson", **params) -> tuple[list[dict], str, bytes]:
    q = {"format": fmt, **params}
    if since is not None:
        q["since"] = since
    r = await h.client.get(f"/v1/feeds/{name}", params=q,
                           headers=h.auth(scopes=FEED, division=division, client_id=client_id))
    assert r.status_code == 200, r.text
    body = r.content
    if fmt == "ndjson":
        rows = [orjson.loads(line) for line in body.splitlines() if line]
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    else:
        rows = pq.read_table(io.BytesIO(body)).to_pylist()
    return rows, r.headers["feed-cursor"], body


async def _post(h, path: str, body: dict, etag: str | None = None) -> dict:  # noqa: ANN001
    headers = {**h.auth(), **({"If-Match": etag} if etag else {})}
    r = await h.client.post(path, json=body, headers=headers)
    assert r.status_code in (200, 201), r.text
    return {**r.json(), "_etag": r.headers.get("etag")}


async def _world(h, household_body, reg) -> dict:  # noqa: ANN001
    a = await _post(h, "/v1/households", household_body())
    b = await _post(h, "/v1/households", household_body())
    c = await _post(h, "/v1/households", household_body(village=reg.OTHER_COUNTY_VILLAGE))
    await sequenced(h)
    return {"a": a, "b": b, "c": c}


async def test_feeds_snapshot_changes_tombstones_and_resumption(any_registry, household_body, reg) -> None:  # noqa: ANN001
    h = any_registry
    w = await _world(h, household_body, reg)
    households, c1, body = await pull(h, "households")
    assert len(households) == 3 and {x["op"] for x in households} == {"upsert"}
    assert {x["village_code"] for x in households} == {reg.VILLAGE, reg.OTHER_COUNTY_VILLAGE}
    assert all(not (PII_KEYS & set(x)) for x in households)
    for secret in ("黄大明", "黄小红", "13800138000", "6217000012345678", w["a"]["id"], w["a"]["head"]["id_number"]):
        assert secret.encode() not in body
    assert households[0]["poverty_causes"] == "illness|lack_of_funds" and int(c1) > 0
    persons, p1, body = await pull(h, "persons")
    assert len(persons) == 6 and {x["age_band"] for x in persons} <= {"6-15", "16-29", "45-59", "60-69", "70+"}
    assert {x["age_band"] for x in persons if x["relation"] == "daughter"} <= {"6-15", "16-29"}
    assert {x["age_band"] for x in persons if x["relation"] == "head"} <= {"45-59", "60-69", "70+"}
    assert not (PII_KEYS & set(persons[0]))
    assert w["a"]["head"]["id_number"].encode() not in body

    # nothing changed: an empty page and the same cursor
    again, c1b, _ = await pull(h, "households", since=c1)
    assert again == [] and c1b == c1

    # household a removed (清退), a member of b leaves
    a_id, b = w["a"]["id"], w["b"]
    got = await _post(h, f"/v1/households/{a_id}/new-poverty", {"year": 2020, "cause": "illness"}, '"v1"')
    await _post(h, f"/v1/households/{a_id}/removal", {"year": 2020, "reason": "property"}, got["_etag"])
    kid = next(m for m in b["members"] if m["relation"] == "daughter")
    await _post(h, f"/v1/households/{b['id']}/members/{kid['id']}/leave", {"reason": "moved"}, '"v1"')
    await sequenced(h)

    changed, c2, _ = await pull(h, "households", since=c1)
    assert int(c2) > int(c1)
    ops = {x["household_id"]: x for x in changed}
    ids = {x["household_id"] for x in households}
    assert set(ops) <= ids and len(changed) == 2
    removed = next(x for x in changed if x["op"] == "delete")
    assert removed["status"] == "removed" and removed["removal_reason"] == "property"
    assert [x["seq"] for x in changed] == sorted(x["seq"] for x in changed) and all(x["seq"] > int(c1) for x in changed)

    people, p2, _ = await pull(h, "persons", since=p1)
    deletes = [x for x in people if x["op"] == "delete"]
    assert len(deletes) == 3  # a's two members (household removed) and b's daughter (moved)
    assert {x["left_reason"] for x in deletes} == {"household_removed", "moved"}
    assert {x["person_id"] for x in people} <= {x["person_id"] for x in persons}
    assert (await pull(h, "persons", since=p2))[0] == []

    # a fresh snapshot no longer has the removed household
    assert len((await pull(h, "households"))[0]) == 2


async def test_feeds_division_scoping_and_pseudonyms_per_consumer(any_registry, household_body, reg) -> None:  # noqa: ANN001
    h = any_registry
    await _world(h, household_body, reg)
    county, _, _ = await pull(h, "households", division=COUNTY)
    assert {x["village_code"] for x in county} == {reg.VILLAGE} and len(county) == 2
    county_people, _, _ = await pull(h, "persons", division=COUNTY)
    assert {x["village_code"] for x in county_people} == {reg.VILLAGE}
    first, _, _ = await pull(h, "households", client_id="stats-bureau")
    second, _, _ = await pull(h, "households", client_id="stats-bureau")
    other, _, _ = await pull(h, "households", client_id="health-commission")
    assert [x["household_id"] for x in first] == [x["household_id"] for x in second]
    assert not ({x["household_id"] for x in first} & {x["household_id"] for x in other})
    assert len({x["household_id"] for x in first}) == 3 and all(len(x["household_id"]) == 32 for x in first)


async def test_feeds_csv_bom_and_parquet_match_ndjson(any_registry, household_body, reg) -> None:  # noqa: ANN001
    h = any_registry
    await _world(h, household_body, reg)
    nd, cursor, _ = await pull(h, "persons")
    rows, c_csv, body = await pull(h, "persons", fmt="csv", bom="true")
    assert body.startswith(b"\xef\xbb\xbf") and c_csv == cursor
    assert list(rows[0])[:4] == ["op", "seq", "person_id", "household_id"]
    assert sorted((r["person_id"], r["household_id"], r["age_band"], r["sex"]) for r in rows) == sorted(
        (r["person_id"], r["household_id"], r["age_band"], r["sex"]) for r in nd)
    plain = (await pull(h, "households", fmt="csv"))[2]
    assert not plain.startswith(b"\xef\xbb\xbf")
    table, c_pq, _ = await pull(h, "persons", fmt="parquet")
    assert c_pq == cursor and sorted(r["person_id"] for r in table) == sorted(r["person_id"] for r in nd)
    assert {r["in_school"] for r in table} == {True, False}


async def test_feeds_refused_and_every_pull_logged(any_registry, household_body, reg) -> None:  # noqa: ANN001
    h = any_registry
    await _world(h, household_body, reg)
    r = await h.client.get("/v1/feeds/households", headers=h.auth(scopes=["registry:read"]))
    assert r.status_code == 403
    r = await h.client.get("/v1/feeds/households", params={"since": "abc"}, headers=h.auth(scopes=FEED))
    assert r.status_code == 400 and r.json()["type"].endswith("feed-bad-cursor")
    r = await h.client.get("/v1/feeds/incomes", headers=h.auth(scopes=FEED))
    assert r.status_code == 404 and r.json()["type"].endswith("feed-unknown")
    async with h.runtime.engine.connect() as conn:
        before = (await conn.execute(text("SELECT count(*) FROM access_log WHERE action = 'feed.pull'"))).scalar_one()
    assert before == 0
    await pull(h, "households", client_id="stats-bureau")
    await pull(h, "persons", since="0")
    async with h.runtime.engine.connect() as conn:
        logged = (await conn.execute(text(
            "SELECT resource, division FROM access_log WHERE action = 'feed.pull' ORDER BY id"))).all()
    assert [tuple(x) for x in logged] == [("feeds/households?since=0", CITY), ("feeds/persons?since=0", CITY)]


async def test_feeds_village_aggregates_suppress_small_cells(any_registry, household_body, reg) -> None:  # noqa: ANN001
    h = any_registry
    for _ in range(5):
        await _post(h, "/v1/households", household_body())
    await _post(h, "/v1/households", household_body(village=reg.OTHER_COUNTY_VILLAGE))
    r = await h.client.get("/v1/feeds/village-aggregates", headers=h.auth(scopes=FEED))
    assert r.status_code == 200
    items = {(x["village_code"], x["status"]): x for x in r.json()["items"]}
    big = items[(reg.VILLAGE, "applied")]
    assert big["households"] == 5 and big["persons"] == 10 and big["suppressed"] == ""
    small = items[(reg.OTHER_COUNTY_VILLAGE, "applied")]
    assert small["households"] is None and small["persons"] is None and small["suppressed"] == "households|persons"
    r = await h.client.get("/v1/feeds/village-aggregates", headers=h.auth(scopes=FEED, division=COUNTY))
    assert {x["village_code"] for x in r.json()["items"]} == {reg.VILLAGE}


@pytest.mark.pg
async def test_feeds_cli_pull_and_resume(registry, household_body, reg, tmp_path) -> None:  # noqa: ANN001
    import asyncio
    import socket

    import uvicorn
    from typer.testing import CliRunner

    from fupin_registry.feeds.cli import app as feeds_cli

    h = registry
    await _world(h, household_body, reg)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(h.app, host="127.0.0.1", port=port, lifespan="off", log_level="warning"))
    task = asyncio.create_task(server.serve())
    await eventually(lambda: _ready(server), timeout=10, message="server did not start")
    token = h.token(scopes=FEED, client_id="stats-bureau")
    out = tmp_path / "households.ndjson"
    try:
        args = ["pull", "households", "--url", f"http://127.0.0.1:{port}", "--token", token, "--out", str(out)]
        first = await asyncio.to_thread(CliRunner().invoke, feeds_cli, args)
        assert first.exit_code == 0, first.output
        cursor = (tmp_path / "households.ndjson.cursor").read_text().strip()
        assert len(out.read_bytes().splitlines()) == 3 and f"--since {cursor}" in first.output
        again = await asyncio.to_thread(CliRunner().invoke, feeds_cli, [*args, "--since", cursor])
        assert again.exit_code == 0, again.output
        assert out.read_bytes() == b""
        refused = await asyncio.to_thread(CliRunner().invoke, feeds_cli,
                                          ["pull", "households", "--url", f"http://127.0.0.1:{port}", "--token",
                                           h.token(scopes=["registry:read"]), "--out", str(out)])
        assert refused.exit_code == 1
    finally:
        server.should_exit = True
        await task


async def _ready(server) -> bool:  # noqa: ANN001
    return bool(server.started)


@pytest.mark.pg
async def test_a_feed_pull_aborted_mid_copy_leaves_no_broken_connection_in_the_pool(registry) -> None:  # noqa: ANN001
    """A client that disconnects mid-stream cancels the COPY, and asyncpg closes that connection: it must
    leave the pool, not be handed to the next request (which then failed with 'connection is closed')."""
    from fupin_registry.feeds.repository import PgExport

    engine = registry.runtime.engine
    export = PgExport(engine)
    await export.open()
    stream = export.copy_csv("SELECT g, repeat('x', 200) FROM generate_series(1, 200000) g", [], header=False)
    assert await anext(stream)  # the first chunk, then the client goes away
    await stream.aclose()
    await export.close()
    for _ in range(engine.pool.size() + 2):  # every pooled connection in turn answers
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT 1"))).scalar_one() == 1
