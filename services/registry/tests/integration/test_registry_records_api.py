"""Yearly records over HTTP: incomes, guarantees, measures; villages: records, exit check, exit."""
import pytest

pytestmark = pytest.mark.pg
POOR_VILLAGE = "441223100207"


async def _household(registry, household_body):
    r = await registry.client.post("/v1/households", json=household_body(), headers=registry.auth())
    return r.json()["id"]


async def test_income_put_creates_then_needs_if_match(registry, household_body, reg):
    hid = await _household(registry, household_body)
    auth = registry.auth()
    r = await registry.client.put(f"/v1/households/{hid}/incomes/2019", json={"wage_fen": 1_000_001}, headers=auth)
    assert r.status_code == 201 and r.json()["per_capita_fen"] == 500_000 and r.json()["persons"] == 2
    assert (await registry.client.put(f"/v1/households/{hid}/incomes/2019", json={"wage_fen": 1},
                                      headers=auth)).status_code == 428
    r = await registry.client.put(f"/v1/households/{hid}/incomes/2019", json={"wage_fen": 1_800_000, "persons": 3},
                                  headers={**auth, "If-Match": '"v1"'})
    assert r.status_code == 200 and r.json()["per_capita_fen"] == 600_000 and r.headers["etag"] == '"v2"'
    listed = (await registry.client.get(f"/v1/households/{hid}/incomes", headers=auth)).json()["items"]
    assert [i["year"] for i in listed] == [2019]


async def test_bad_money_and_years_refused_nothing_written(registry, household_body, reg):
    hid = await _household(registry, household_body)
    before = await reg.count_rows(registry, "household_income", "household_guarantee", "measure", "outbox")
    auth = registry.auth()
    r = await registry.client.put(f"/v1/households/{hid}/incomes/2019", json={"wage_fen": -5}, headers=auth)
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "#/wage_fen"
    assert (await registry.client.put(f"/v1/households/{hid}/incomes/2040", json={}, headers=auth)).status_code == 422
    assert (await registry.client.put(f"/v1/households/{hid}/incomes/2019", json={"wage_fen": 1.5},
                                      headers=auth)).status_code == 422
    r = await registry.client.put(f"/v1/households/{hid}/guarantees/2019", json={
        "food": True, "clothing": True, "compulsory_education": True, "basic_medical": True,
        "housing_safety": "E", "drinking_water": True}, headers=auth)
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "#/housing_safety"
    r = await registry.client.post(f"/v1/households/{hid}/measures", json={
        "type": "housing", "amount_fen": 100, "date": "2010-01-01"}, headers=auth)
    assert r.status_code == 422
    r = await registry.client.post(f"/v1/households/{hid}/measures", json={
        "type": "housing", "amount_fen": 100, "date": "2019-01-01", "plan_task": 33}, headers=auth)
    assert r.status_code == 422
    assert await reg.count_rows(registry, "household_income", "household_guarantee", "measure", "outbox") == before


async def test_guarantees_and_measures_tagged_with_plan_tasks(registry, household_body):
    hid = await _household(registry, household_body)
    auth = registry.auth()
    r = await registry.client.put(f"/v1/households/{hid}/guarantees/2019", json={
        "food": True, "clothing": True, "compulsory_education": True, "basic_medical": True,
        "housing_safety": "C", "drinking_water": True}, headers=auth)
    assert r.status_code == 201 and r.json()["compliant"] is False
    m1 = await registry.client.post(f"/v1/households/{hid}/measures", json={
        "type": "housing", "amount_fen": 4_000_000, "date": "2019-05-01", "unit": "县住建局"}, headers=auth)
    m2 = await registry.client.post(f"/v1/households/{hid}/measures", json={
        "type": "other", "amount_fen": 0, "date": "2019-06-01", "plan_task": 13}, headers=auth)
    assert (m1.status_code, m1.json()["plan_task"], m2.json()["plan_task"]) == (201, 10, 13)
    listed = (await registry.client.get(f"/v1/households/{hid}/measures", headers=auth)).json()["items"]
    assert [m["type"] for m in listed] == ["housing", "other"]
    history = (await registry.client.get(f"/v1/households/{hid}/history", headers=auth)).json()
    measure_event = next(e for e in history if e["type"].endswith("measure_recorded.v1"))
    assert measure_event["data"]["plan_task"] == 10 and measure_event["data"]["on"] == "2019-05-01"
    guarantee_event = next(e for e in history if e["type"].endswith("guarantees_assessed.v1"))
    assert guarantee_event["data"]["compliant"] is False and guarantee_event["data"]["housing_safety"] == "C"


async def test_village_record_exit_check_and_exit(registry, reg):
    auth = registry.auth()
    village = (await registry.client.get(f"/v1/villages/{POOR_VILLAGE}", headers=auth))
    assert village.status_code == 200 and village.json()["provincial_poor_village"] is True
    needing = [nv["id"] for nv in village.json()["natural_villages"] if nv["road_required"]]
    record = {"collective_income_fen": 5_000_000, "per_capita_income_fen": 1_200_000, "hardened_roads": needing[:-1],
              "clean_village": True, "drinking_water": True, "network": True}
    r = await registry.client.put(f"/v1/villages/{POOR_VILLAGE}/records/2019", json=record, headers=auth)
    assert r.status_code == 201
    check = (await registry.client.get(f"/v1/villages/{POOR_VILLAGE}/exit-check", params={"year": 2019},
                                       headers=auth)).json()
    assert check["eligible"] is False and [f["criterion"] for f in check["failed"]] == ["roads_not_hardened"]
    before = await reg.count_rows(registry, "outbox")
    refused = await registry.client.post(f"/v1/villages/{POOR_VILLAGE}/exit", json={"year": 2019},
                                         headers={**auth, "If-Match": '"v1"'})
    assert refused.status_code == 409 and refused.json()["unmet"] == ["roads_not_hardened"]
    assert await reg.count_rows(registry, "outbox") == before
    r = await registry.client.put(f"/v1/villages/{POOR_VILLAGE}/records/2019",
                                  json={**record, "hardened_roads": needing}, headers={**auth, "If-Match": '"v1"'})
    assert r.status_code == 200
    exited = await registry.client.post(f"/v1/villages/{POOR_VILLAGE}/exit", json={"year": 2019},
                                        headers={**auth, "If-Match": '"v1"'})
    assert exited.status_code == 200 and exited.json()["exited_year"] == 2019
    again = await registry.client.post(f"/v1/villages/{POOR_VILLAGE}/exit", json={"year": 2020},
                                       headers={**auth, "If-Match": exited.headers["etag"]})
    assert again.status_code == 409
    async with registry.runtime.engine.connect() as conn:
        from sqlalchemy import text
        types = (await conn.execute(text("SELECT type, data FROM outbox WHERE subject = :s ORDER BY id"),
                                    {"s": POOR_VILLAGE})).all()
    assert [t for t, _ in types] == ["fupin.registry.village.designated.v1", "fupin.registry.village.assessed.v1",
                                     "fupin.registry.village.assessed.v1", "fupin.registry.village.exited.v1"]
    assert types[1][1]["failed"] == ["roads_not_hardened"] and types[2][1]["eligible"] is True


async def test_village_refusals(registry, reg):
    auth = registry.auth()
    not_poor = "441223101200"
    r = await registry.client.put(f"/v1/villages/{not_poor}/records/2019", json={
        "collective_income_fen": 1, "per_capita_income_fen": 2_000_000, "hardened_roads": ["nope"],
        "clean_village": True, "drinking_water": True, "network": True}, headers=auth)
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "#/hardened_roads/0"
    r = await registry.client.post(f"/v1/villages/{not_poor}/exit", json={"year": 2019},
                                   headers={**auth, "If-Match": '"v1"'})
    assert r.status_code == 409 and r.json()["type"].endswith("/not-a-provincial-poor-village")
    county = registry.auth(scopes="registry:read registry:write", division=reg.COUNTY)
    assert (await registry.client.get("/v1/villages/441224100200", headers=county)).status_code == 404
    assert (await reg.count_rows(registry, "village_record", "outbox")) == {"village_record": 0, "outbox": 0}
