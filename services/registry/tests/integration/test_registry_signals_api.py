"""Signals from other departments: matched by ID number and published, unmatched kept and listed."""
import pytest
from sqlalchemy import select

from fupin_registry.db import INFRA
from fupin_shared.testing import eventually

pytestmark = pytest.mark.pg
SIGNALS = ["signals:write", "registry:read"]


async def _types(h):
    async with h.runtime.sessionmaker() as s:
        return [(r.type, r.data) for r in (await s.scalars(select(INFRA.Outbox).where(
            INFRA.Outbox.type.like("fupin.registry.signal.%")).order_by(INFRA.Outbox.id))).all()]


async def test_matched_signal_is_published_and_unmatched_is_kept_and_listed(any_registry, household_body, reg):
    h = any_registry
    body = household_body()
    r = await h.client.post("/v1/households", json=body, headers=h.auth())
    household = r.json()
    kid_number = body["members"][0]["id_number"]
    r = await h.client.post("/v1/signals", headers=h.auth(scopes=SIGNALS), json={
        "kind": "school_dropout", "id_number": kid_number, "occurred_on": "2020-09-01", "source": "市教育局"})
    assert r.status_code == 201, r.text
    matched = r.json()
    assert matched["matched"] is True and matched["household_id"] == household["id"]
    assert matched["division_code"] == reg.VILLAGE and matched["id_number"].count("*") == 10
    kid = next(m for m in household["members"] if m["relation"] == "daughter")
    assert matched["member_id"] == kid["id"]

    stranger = reg.new_id_number(__import__("datetime").date(1980, 1, 1), __import__("random").Random(7))
    r = await h.client.post("/v1/signals", headers=h.auth(scopes=SIGNALS), json={
        "kind": "medical_bill", "id_number": stranger, "occurred_on": "2020-09-02", "detail": {"amount_fen": 5_000_000}})
    assert r.status_code == 201 and r.json()["matched"] is False
    assert r.json()["division_code"] == "441223000000"  # the county of the ID number

    types = await _types(h)
    assert [t for t, _ in types] == ["fupin.registry.signal.received.v1", "fupin.registry.signal.matched.v1",
                                     "fupin.registry.signal.received.v1"]
    assert types[1][1]["member_id"] == kid["id"] and "id_number" not in types[1][1]

    county = h.auth(division=reg.COUNTY, scopes=["registry:read"])
    unmatched = (await h.client.get("/v1/signals", params={"matched": "false"}, headers=county)).json()
    assert [s["id"] for s in unmatched["items"]] == [r.json()["id"]]
    other = (await h.client.get("/v1/signals", headers=h.auth(division="441224000000", scopes=["registry:read"]))).json()
    assert other["items"] == []

    async def published():
        async with h.runtime.sessionmaker() as s:
            return all((await s.scalars(select(INFRA.Outbox.published_at))).all())
    await eventually(published)


async def test_bad_signal_refused_nothing_written(registry, reg):
    r = await registry.client.post("/v1/signals", headers=registry.auth(scopes=SIGNALS), json={
        "kind": "housing_safety", "id_number": "441223198001010000", "occurred_on": "2020-09-01",
        "detail": {"rating": "Z"}})
    assert r.status_code == 422
    assert {e["pointer"] for e in r.json()["errors"]} == {"#/id_number", "#/detail/rating"}
    r = await registry.client.post("/v1/signals", headers=registry.auth(scopes=["registry:write"]), json={
        "kind": "school_dropout", "id_number": "441223198001010000", "occurred_on": "2020-09-01"})
    assert r.status_code == 403
    assert await reg.count_rows(registry, "signal", "outbox") == {"signal": 0, "outbox": 0}
