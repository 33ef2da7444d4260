"""Asset income and audit findings over HTTP."""
from datetime import timedelta

import pytest

from fupin_funds.common import today
from fupin_funds.testing import OTHER_VILLAGE, VILLAGE

pytestmark = pytest.mark.pg


async def _completed_project(f, households):
    project, allocation = await f.funded_project(budget_fen=2_000_000)
    etag = (await f.client.get(f"/v1/projects/{project['id']}", headers=f.auth())).headers["ETag"]
    await f.client.put(f"/v1/projects/{project['id']}/beneficiaries",
                       json={"household_ids": [str(h) for h in households]}, headers=f.auth() | {"If-Match": etag})
    return await f.transition(project, "completed"), allocation


async def test_asset_shares_and_income_to_households(funds_any):
    f = funds_any
    households = await f.households(n=3)
    project, _ = await _completed_project(f, households)
    asset = await f.post("/v1/assets", {"project_id": project["id"], "name": "村级光伏电站", "kind": "photovoltaic",
                                        "operator": "古水镇扶贫开发有限公司", "value_fen": 2_000_000,
                                        "formed_on": "2019-12-20"})
    r = await f.client.put(f"/v1/assets/{asset['id']}/shares", headers=f.auth() | {"If-Match": '"v1"'},
                           json={"shares": [{"village_code": VILLAGE, "share_bp": 7_000},
                                            {"village_code": OTHER_VILLAGE, "share_bp": 3_000}]})
    assert r.status_code == 200 and [s["share_bp"] for s in r.json()["shares"]] == [7_000, 3_000]
    paid = await f.post(f"/v1/assets/{asset['id']}/distributions", {
        "village_code": VILLAGE, "year": 2020, "period": "2020", "guaranteed_per_household_fen": 30_000,
        "dividend_fen": 100_001, "paid_on": "2020-12-20"})
    assert len(paid["payouts"]) == 3
    assert sum(p["dividend_fen"] for p in paid["payouts"]) == 100_001
    assert {p["guaranteed_fen"] for p in paid["payouts"]} == {30_000} and paid["guaranteed_fen"] == 90_000
    events = [e["type"].rsplit(".", 2)[-2] for e in
              (await f.client.get(f"/v1/assets/{asset['id']}/history", headers=f.auth())).json()]
    assert events == ["recorded", "shares_quantified", "income_distributed"]


async def test_asset_refusals_write_nothing(funds_pg):
    f = funds_pg
    households = await f.households(n=2)
    unfinished, _ = await f.funded_project()
    before = await f.snapshot()
    early = await f.post("/v1/assets", {"project_id": unfinished["id"], "name": "x", "kind": "photovoltaic",
                                        "operator": "o", "value_fen": 1, "formed_on": "2019-12-20"}, expect=409)
    assert early["type"].endswith("/asset-project-not-completed")
    assert await f.snapshot() == before
    project, _ = await _completed_project(f, households)
    asset = await f.post("/v1/assets", {"project_id": project["id"], "name": "x", "kind": "facility",
                                        "operator": "o", "value_fen": 1_000_000, "formed_on": "2019-12-20"})
    before = await f.snapshot()
    r = await f.client.put(f"/v1/assets/{asset['id']}/shares", headers=f.auth() | {"If-Match": '"v1"'},
                           json={"shares": [{"village_code": VILLAGE, "share_bp": 7_000},
                                            {"village_code": OTHER_VILLAGE, "share_bp": 3_001}]})
    assert r.status_code == 422 and r.json()["reasons"] == ["shares_exceed_whole"]
    no_share = await f.post(f"/v1/assets/{asset['id']}/distributions", {
        "village_code": VILLAGE, "year": 2020, "period": "2020", "guaranteed_per_household_fen": 1,
        "dividend_fen": 1, "paid_on": "2020-12-20"}, expect=409)
    assert no_share["reasons"] == ["village_holds_no_share"]
    assert await f.snapshot() == before
    await f.client.put(f"/v1/assets/{asset['id']}/shares", headers=f.auth() | {"If-Match": '"v1"'},
                       json={"shares": [{"village_code": VILLAGE, "share_bp": 10_000}]})
    body = {"village_code": VILLAGE, "year": 2020, "period": "2020H1", "guaranteed_per_household_fen": 1,
            "dividend_fen": 10, "paid_on": "2020-07-01"}
    await f.post(f"/v1/assets/{asset['id']}/distributions", body)
    before = await f.snapshot()
    twice = await f.post(f"/v1/assets/{asset['id']}/distributions", body, expect=409)
    assert twice["reasons"] == ["period_already_distributed"]
    assert await f.snapshot() == before


async def test_audit_finding_recorded_and_closed(funds_pg):
    f = funds_pg
    project, allocation = await f.funded_project()
    found = today() - timedelta(days=90)
    finding = await f.post("/v1/audit-findings", {
        "kind": "audit", "severity": "major", "category": "idle_funds", "summary": "资金闲置超过半年",
        "auditor": "肇庆市审计局", "found_on": found.isoformat(), "rectify_by": (found + timedelta(days=30)).isoformat(),
        "amount_involved_fen": 500_000, "allocation_id": allocation["id"], "project_id": project["id"]})
    assert finding["status"] == "open" and finding["overdue"] and finding["division_code"] == VILLAGE
    overdue = (await f.client.get("/v1/audit-findings", params={"overdue": "true"}, headers=f.auth())).json()["items"]
    assert [x["id"] for x in overdue] == [finding["id"]]
    r = await f.client.post(f"/v1/audit-findings/{finding['id']}/closure", headers=f.auth() | {"If-Match": '"v1"'},
                            json={"rectification": "资金已拨付到位", "closed_on": today().isoformat()})
    assert r.status_code == 200 and r.json()["status"] == "closed" and not r.json()["overdue"]
    history = (await f.client.get(f"/v1/audit-findings/{finding['id']}/history", headers=f.auth())).json()
    assert [e["type"] for e in history] == ["fupin.funds.audit_finding.recorded.v1",
                                            "fupin.funds.audit_finding.closed.v1"]
    assert history[0]["data"]["amount_involved_fen"] == 500_000 and history[1]["data"]["overdue"] is True


async def test_audit_refusals_write_nothing(funds_pg):
    f = funds_pg
    project, _ = await f.funded_project()
    base = {"kind": "spot_check", "severity": "minor", "category": "disclosure_missing", "summary": "公示不全",
            "auditor": "市扶贫办", "project_id": project["id"]}
    before = await f.snapshot()
    bad = await f.post("/v1/audit-findings", base | {"found_on": "2019-09-01", "rectify_by": "2019-08-01"},
                       expect=422)
    assert bad["reasons"] == ["rectify_by_before_found_on"]
    await f.post("/v1/audit-findings", base | {"found_on": "2019-09-01", "rectify_by": "2019-10-01"},
                 division="441224000000", expect=404)
    assert await f.snapshot() == before
    finding = await f.post("/v1/audit-findings", base | {"found_on": "2019-09-01", "rectify_by": "2019-10-01"})
    await f.client.post(f"/v1/audit-findings/{finding['id']}/closure", headers=f.auth() | {"If-Match": '"v1"'},
                        json={"rectification": "已补齐"})
    before = await f.snapshot()
    r = await f.client.post(f"/v1/audit-findings/{finding['id']}/closure", headers=f.auth() | {"If-Match": '"v2"'},
                            json={"rectification": "again"})
    assert r.status_code == 409 and r.json()["reasons"] == ["already_closed"]
    assert await f.snapshot() == before
