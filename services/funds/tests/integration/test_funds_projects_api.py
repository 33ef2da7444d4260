"""The project library over HTTP: entry with beneficiaries from the registry copy, lifecycle, performance."""
import uuid

import pytest

from fupin_funds.testing import GUANGNING, HUAIJI_VILLAGE, OTHER_VILLAGE, TOWN, VILLAGE

pytestmark = pytest.mark.pg


async def test_register_project_with_beneficiaries_and_targets(funds_any):
    f = funds_any
    households = await f.households(n=3)
    project = await f.project(beneficiaries=households)
    assert project["status"] == "reserve" and sorted(project["beneficiary_household_ids"]) == sorted(map(str, households))
    assert sorted(t["kind"] for t in project["targets"]) == ["benefit", "output"]
    history = (await f.client.get(f"/v1/projects/{project['id']}/history", headers=f.auth())).json()
    [created] = history
    assert created["type"] == "fupin.funds.project.changed.v1"
    assert created["data"]["change"] == "created" and created["data"]["beneficiary_households"] == 3
    assert created["data"]["targets_total"] == 2 and created["data"]["plan_task"] == 14


async def test_project_refusals_write_nothing(funds_pg):
    f = funds_pg
    [removed] = await f.households(n=1, status="removed")
    [elsewhere] = await f.households(village=OTHER_VILLAGE, n=1)
    before = await f.snapshot()
    unknown = await f.project(beneficiaries=[uuid.uuid4()], expect=409)
    assert unknown["type"].endswith("/household-not-known")
    ineligible = await f.project(beneficiaries=[removed, elsewhere], expect=409)
    assert sorted(h["reason"] for h in ineligible["households"]) == ["outside_division", "status_removed"]
    r = await f.client.post("/v1/projects", headers=f.auth(GUANGNING), json={
        "name": "x", "village_code": HUAIJI_VILLAGE, "category": "road", "content": "c", "budget_fen": 1, "year": 2019,
        "responsible_unit": "u"})
    assert r.status_code == 403
    bad = await f.post("/v1/projects", {"name": "x", "village_code": VILLAGE, "category": "spaceport", "content": "c",
                                        "budget_fen": 1, "year": 2019, "responsible_unit": "u"}, expect=422)
    assert bad["errors"][0]["pointer"] == "#/category"
    assert await f.snapshot() == before


async def test_lifecycle_one_step_at_a_time_with_preconditions(funds_pg):
    f = funds_pg
    project = await f.project(targets=False)
    before = await f.snapshot()
    skip = await f.transition(project, "implementing", expect=409)
    assert skip["reasons"] == ["illegal_move"] and skip["current"] == "reserve"
    no_targets = await f.transition(project, "approved", expect=409)
    assert no_targets["reasons"] == ["performance_targets_missing"]
    assert await f.snapshot() == before
    etag = (await f.client.get(f"/v1/projects/{project['id']}", headers=f.auth())).headers["ETag"]
    await f.post(f"/v1/projects/{project['id']}/targets", {"kind": "output", "indicator": "硬化道路长度", "unit": "公里",
                                                          "target_value": "2.5"})
    stale = await f.client.post(f"/v1/projects/{project['id']}/transitions", json={"to": "approved"},
                                headers=f.auth() | {"If-Match": etag})
    assert stale.status_code == 412
    missing = await f.client.post(f"/v1/projects/{project['id']}/transitions", json={"to": "approved"},
                                  headers=f.auth())
    assert missing.status_code == 428
    approved = await f.transition(project, "approved")
    assert approved["status"] == "approved"
    unfunded = await f.transition(project, "implementing", expect=409)
    assert unfunded["reasons"] == ["not_funded"]


async def test_acceptance_needs_results_and_performance_is_reported(funds_pg):
    f = funds_pg
    project, _ = await f.funded_project()
    await f.transition(project, "completed")
    refused = await f.transition(project, "accepted", expect=409)
    assert refused["reasons"] == ["output_results_missing"]
    targets = {t["kind"]: t["id"] for t in project["targets"]}
    etag = (await f.client.get(f"/v1/projects/{project['id']}", headers=f.auth())).headers["ETag"]
    r = await f.client.put(f"/v1/projects/{project['id']}/targets/{targets['output']}/result",
                           json={"actual_value": "2.6", "measured_on": "2019-12-10"}, headers=f.auth() | {"If-Match": etag})
    assert r.status_code == 200 and r.json()["performance"] == {"targets": 2, "measured": 1, "met": 1, "rate": 1.0}
    accepted = await f.transition(project, "accepted")
    assert accepted["status"] == "accepted"
    report = (await f.client.get("/v1/performance", params={"division": GUANGNING, "year": 2019},
                                 headers=f.auth())).json()
    assert (report["projects"], report["targets"], report["measured"], report["met"]) == (1, 2, 1, 1)
    changes = [e["data"]["change"] for e in
               (await f.client.get(f"/v1/projects/{project['id']}/history", headers=f.auth())).json()]
    assert changes == ["created", "transitioned", "transitioned", "transitioned", "result_recorded", "transitioned"]


async def test_amend_only_while_planned_and_never_below_funded(funds_pg):
    f = funds_pg
    project, _ = await f.funded_project(budget_fen=1_000_000)
    before = await f.snapshot()
    etag = (await f.client.get(f"/v1/projects/{project['id']}", headers=f.auth())).headers["ETag"]
    r = await f.client.patch(f"/v1/projects/{project['id']}", json={"name": "改名"}, headers=f.auth() | {"If-Match": etag})
    assert r.status_code == 409 and r.json()["type"].endswith("/project-not-amendable")
    assert await f.snapshot() == before
    planned = await f.project(budget_fen=500_000)
    await f.transition(planned, "approved")
    source = await f.source(10_000_000)
    county = await f.allocate(amount_fen=1_000_000, division_code=GUANGNING, source_id=source["id"])
    await f.allocate(amount_fen=400_000, division_code=VILLAGE, parent=county["id"], project_id=planned["id"])
    etag = (await f.client.get(f"/v1/projects/{planned['id']}", headers=f.auth())).headers["ETag"]
    r = await f.client.patch(f"/v1/projects/{planned['id']}", json={"budget_fen": 300_000},
                             headers=f.auth() | {"If-Match": etag})
    assert r.status_code == 409 and r.json()["funded_fen"] == 400_000
    r = await f.client.patch(f"/v1/projects/{planned['id']}", json={"budget_fen": 450_000, "plan_task": 15},
                             headers=f.auth() | {"If-Match": etag})
    assert r.status_code == 200 and (r.json()["budget_fen"], r.json()["plan_task"]) == (450_000, 15)
    over = await f.allocate(amount_fen=50_001, division_code=VILLAGE, parent=county["id"], project_id=planned["id"],
                            expect=409)
    assert over["type"].endswith("/allocation-exceeds-project-budget") and over["unfunded_fen"] == 50_000


async def test_beneficiaries_replaced_against_the_registry_copy(funds_pg):
    f = funds_pg
    households = await f.households(n=2)
    project = await f.project()
    etag = (await f.client.get(f"/v1/projects/{project['id']}", headers=f.auth())).headers["ETag"]
    r = await f.client.put(f"/v1/projects/{project['id']}/beneficiaries",
                           json={"household_ids": [str(h) for h in households]}, headers=f.auth() | {"If-Match": etag})
    assert r.status_code == 200 and len(r.json()["beneficiary_household_ids"]) == 2
    new_etag = r.headers["ETag"]
    assert new_etag != etag
    await f.registry_event("fupin.registry.household.removed.v1", str(households[0]), {
        "household_id": str(households[0]), "village_code": VILLAGE, "status": "removed", "persons": 3, "year": 2019,
        "reason": "清退"})
    await f.wait_status(households[0], "removed")
    before = await f.snapshot()
    r = await f.client.put(f"/v1/projects/{project['id']}/beneficiaries",
                           json={"household_ids": [str(h) for h in households]}, headers=f.auth() | {"If-Match": new_etag})
    assert r.status_code == 409 and r.json()["households"][0]["reason"] == "status_removed"
    assert await f.snapshot() == before
    read = (await f.client.get(f"/v1/projects/{project['id']}", headers=f.auth())).json()
    assert len(read["beneficiary_household_ids"]) == 2


async def test_a_town_project_outside_the_allocation_is_refused(funds_pg):
    f = funds_pg
    project = await f.project(village=TOWN)
    await f.transition(project, "approved")
    source = await f.source(1_000)
    county = await f.allocate(amount_fen=1_000, division_code=GUANGNING, source_id=source["id"])
    far = await f.allocate(amount_fen=100, division_code="441223102000", parent=county["id"],
                           project_id=project["id"], expect=422)
    assert far["reasons"] == ["project_outside_division"]
    ok = await f.allocate(amount_fen=100, division_code=TOWN, parent=county["id"], project_id=project["id"])
    assert ok["recipient"] == "古水镇人民政府"
