"""Divisions, code lists and poverty lines over HTTP."""
import pytest

from fupin_shared.testing import eventually

pytestmark = pytest.mark.pg


async def test_division_tree_counties_towns_villages(registry):
    auth = registry.auth(scopes="registry:read")
    r = await registry.client.get("/v1/divisions", params={"level": "county"}, headers=auth)
    assert r.status_code == 200
    assert [(d["code"], d["name"]) for d in r.json()["items"]] == [
        ("441202000000", "端州区"), ("441203000000", "鼎湖区"), ("441204000000", "高要区"), ("441223000000", "广宁县"),
        ("441224000000", "怀集县"), ("441225000000", "封开县"), ("441226000000", "德庆县"), ("441284000000", "四会市")]
    poor, cursor = 0, None
    while True:
        r = await registry.client.get("/v1/divisions", params={"level": "village", "provincial_poor_village": "true",
                                                               "limit": 50, **({"cursor": cursor} if cursor else {})},
                                      headers=auth)
        poor += len(r.json()["items"])
        cursor = r.json()["next_cursor"]
        if cursor is None:
            break
    assert poor == 111
    detail = (await registry.client.get("/v1/divisions/441223000000", headers=auth)).json()
    assert detail["children"]["town"] == 17 and detail["path"] == [{"code": "441200000000", "name": "肇庆市"}]


async def test_county_token_sees_its_subtree_and_the_path_above(registry, reg):
    county = registry.auth(scopes="registry:read", division=reg.COUNTY)
    r = await registry.client.get("/v1/divisions", params={"level": "county"}, headers=county)
    assert [d["code"] for d in r.json()["items"]] == [reg.COUNTY]
    assert (await registry.client.get("/v1/divisions/441200000000", headers=county)).status_code == 200
    assert (await registry.client.get("/v1/divisions/441224000000", headers=county)).status_code == 404
    assert (await registry.client.get("/v1/divisions", params={"parent": "441224000000"},
                                      headers=county)).status_code == 403


async def test_code_lists_with_labels(registry):
    r = await registry.client.get("/v1/codelists", headers=registry.auth(scopes="registry:read"))
    names = {cl["name"] for cl in r.json()["items"]}
    assert {"poverty_cause", "household_status", "exit_path", "measure_type", "labour_type",
            "guarantee_type"} <= names
    r = await registry.client.get("/v1/codelists/measure_type", headers=registry.auth(scopes="registry:read"))
    housing = next(c for c in r.json()["codes"] if c["code"] == "housing")
    assert housing == {"code": "housing", "label_zh": "危房改造", "label_en": "Housing renovation", "plan_task": 10}
    assert (await registry.client.get("/v1/codelists/nope", headers=registry.auth())).status_code == 404


async def test_poverty_lines_seeded_and_set_as_data(registry, reg):
    auth = registry.auth()
    r = await registry.client.get("/v1/poverty-lines", headers=auth)
    assert [(line["year"], line["household_line_fen"], line["village_line_fen"]) for line in r.json()["items"]] == [
        (2018, 869900, 1159900), (2019, 869900, 1159900), (2020, 869900, 1159900)]
    body = {"household_line_fen": 900000, "village_line_fen": 1200000}
    assert (await registry.client.put("/v1/poverty-lines/2020", json=body, headers=auth)).status_code == 428
    r = await registry.client.put("/v1/poverty-lines/2020", json=body, headers={**auth, "If-Match": '"v1"'})
    assert r.status_code == 200 and r.headers["etag"] == '"v2"'
    r = await registry.client.put("/v1/poverty-lines/2021", json=body, headers=auth)
    assert r.status_code == 201
    stale = await registry.client.put("/v1/poverty-lines/2020", json=body, headers={**auth, "If-Match": '"v1"'})
    assert stale.status_code == 412
    await eventually(lambda: _published(registry, 2))


async def _published(registry, n):
    from fupin_registry.db import INFRA
    from sqlalchemy import func, select

    async with registry.runtime.sessionmaker() as s:
        return (await s.execute(select(func.count()).select_from(INFRA.Outbox).where(
            INFRA.Outbox.type == "fupin.registry.poverty_line.set.v1", INFRA.Outbox.published_at.is_not(None)))
        ).scalar_one() == n


async def test_poverty_lines_refused_for_county_and_bad_money_writes_nothing(registry, reg):
    county = registry.auth(scopes="registry:read registry:write", division=reg.COUNTY)
    body = {"household_line_fen": 900000, "village_line_fen": 1200000}
    assert (await registry.client.put("/v1/poverty-lines/2021", json=body, headers=county)).status_code == 403
    bad = await registry.client.put("/v1/poverty-lines/2021", json={**body, "household_line_fen": -1},
                                    headers=registry.auth())
    assert bad.status_code == 422 and bad.json()["errors"][0]["pointer"] == "#/household_line_fen"
    assert (await registry.client.put("/v1/poverty-lines/1999", json=body, headers=registry.auth())).status_code == 422
    assert (await reg.count_rows(registry, "poverty_line", "outbox")) == {"poverty_line": 3, "outbox": 0}
