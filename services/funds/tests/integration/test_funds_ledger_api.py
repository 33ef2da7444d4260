"""Ledger use cases over HTTP: each succeeds with its event, and each refusal writes nothing."""
import uuid
from datetime import date

import pytest
from sqlalchemy import select

from fupin_funds.testing import CITY, GUANGNING, HUAIJI, OTHER_VILLAGE, TOWN, VILLAGE

pytestmark = pytest.mark.pg


def _types(history):
    return [e["type"].removeprefix("fupin.funds.") for e in history]


async def test_register_source_records_its_event(funds_pg):
    f = funds_pg
    source = await f.post("/v1/sources", {"level": "provincial", "category": "integrated_agri", "year": 2019,
                                          "division_code": CITY, "document_no": "粤财农〔2019〕21号",
                                          "title": "统筹整合涉农资金", "amount_fen": 123_456_789})
    assert source["available_fen"] == 123_456_789 and source["registered_fen"] == 123_456_789
    history = (await f.client.get(f"/v1/sources/{source['id']}/history", headers=f.auth())).json()
    assert _types(history) == ["source.registered.v1"]
    assert history[0]["data"]["category"] == "integrated_agri" and history[0]["data"]["amount_fen"] == 123_456_789


async def test_source_refusals_write_nothing(funds_pg):
    f = funds_pg
    before = await f.snapshot()
    body = {"level": "central", "category": "special_fund", "year": 2019, "division_code": CITY, "document_no": "x",
            "amount_fen": 100}
    r = await f.client.post("/v1/sources", json=body, headers=f.auth(GUANGNING))
    assert r.status_code == 403                                              # a county cannot register the city's money
    r = await f.client.post("/v1/sources", json=body, headers=f.auth(scopes=["funds:read"]))
    assert r.status_code == 403 and r.json()["missing_scopes"] == ["funds:write"]
    r = await f.client.post("/v1/sources", json=body | {"amount_fen": "100"}, headers=f.auth())
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    r = await f.client.post("/v1/sources", json=body)
    assert r.status_code == 401
    assert await f.snapshot() == before


async def test_source_adjustment_and_its_refusal(funds_pg):
    f = funds_pg
    source = await f.source(10_000)
    await f.allocate(amount_fen=8_000, division_code=GUANGNING, source_id=source["id"])
    up = await f.post(f"/v1/sources/{source['id']}/adjustments", {"amount_fen": 500, "reason": "追加下达"})
    assert up["amount_fen"] == 10_500 and up["registered_fen"] == 10_000
    before = await f.snapshot()
    refused = await f.post(f"/v1/sources/{source['id']}/adjustments", {"amount_fen": -3_000, "reason": "收回"},
                           expect=409)
    assert refused["type"].endswith("/source-adjustment-below-allocated") and refused["allocated_fen"] == 8_000
    assert await f.snapshot() == before
    assert (await f.ledger_balanced())["balanced"]


async def test_allocation_tree_with_events_and_balances(funds_any):
    f = funds_any
    source = await f.source(1_000_000)
    county = await f.allocate(amount_fen=600_000, division_code=GUANGNING, source_id=source["id"])
    town = await f.allocate(amount_fen=400_000, division_code=TOWN, parent=county["id"])
    village = await f.allocate(amount_fen=150_000, division_code=VILLAGE, parent=town["id"])
    assert (town["division_level"], village["parent_division_code"]) == ("town", TOWN)
    county_now = (await f.client.get(f"/v1/allocations/{county['id']}", headers=f.auth())).json()
    assert (county_now["allocated_fen"], county_now["available_fen"]) == (400_000, 200_000)
    history = (await f.client.get(f"/v1/allocations/{village['id']}/history", headers=f.auth())).json()
    assert _types(history) == ["allocation.made.v1"]
    made = history[0]["data"]
    assert made["parent_allocation_id"] == town["id"] and made["source_level"] == "central"
    assert made["division_level"] == "village" and made["parent_division_code"] == TOWN
    balances = (await f.client.get("/v1/balances", params={"division": GUANGNING, "year": 2019},
                                   headers=f.auth())).json()
    assert balances["received_fen"] == 600_000 and balances["disbursed_fen"] == 0
    assert [c["division_code"] for c in balances["children"]] == [TOWN]
    assert (await f.ledger_balanced())["balanced"]


async def test_allocation_refusals_write_nothing(funds_any):
    f = funds_any
    source = await f.source(10_000)
    county = await f.allocate(amount_fen=10_000, division_code=GUANGNING, source_id=source["id"])
    before = await f.snapshot()
    over = await f.allocate(amount_fen=10_001, division_code=TOWN, parent=county["id"], expect=409)
    assert over["type"].endswith("/allocation-exceeds-parent") and over["available_fen"] == 10_000
    wrong = await f.allocate(amount_fen=1, division_code="441224101000", parent=county["id"], expect=422)
    assert wrong["reasons"] == ["outside_parent_division"]
    sideways = await f.allocate(amount_fen=1, division_code=GUANGNING, parent=county["id"], expect=422)
    assert sideways["reasons"] == ["not_below_parent_division"]
    early = await f.allocate(amount_fen=1, division_code=TOWN, parent=county["id"], year=2018, expect=422)
    assert early["reasons"] == ["year_before_parent"]
    # a county officer cannot reach the city's source, nor another county's allocation
    await f.allocate(amount_fen=1, division_code=GUANGNING, source_id=source["id"], as_division=GUANGNING, expect=404)
    await f.allocate(amount_fen=1, division_code="441224101000", parent=county["id"], as_division=HUAIJI, expect=404)
    assert await f.snapshot() == before


async def test_reversal_returns_money_to_the_parent_as_a_new_entry(funds_pg):
    f = funds_pg
    source = await f.source(10_000)
    county = await f.allocate(amount_fen=8_000, division_code=GUANGNING, source_id=source["id"])
    town = await f.allocate(amount_fen=5_000, division_code=TOWN, parent=county["id"])
    entry = await f.post(f"/v1/allocations/{town['id']}/reversals", {"amount_fen": 2_000, "reason": "项目调整，收回资金"})
    assert entry["kind"] == "reversal" and entry["amount_fen"] == -2_000 and entry["reversal_of"] == town["id"]
    town_now = (await f.client.get(f"/v1/allocations/{town['id']}", headers=f.auth())).json()
    assert (town_now["amount_fen"], town_now["net_amount_fen"]) == (5_000, 3_000)       # the original entry is unchanged
    county_now = (await f.client.get(f"/v1/allocations/{county['id']}", headers=f.auth())).json()
    assert county_now["allocated_fen"] == 3_000
    history = (await f.client.get(f"/v1/allocations/{town['id']}/history", headers=f.auth())).json()
    assert [e["data"]["amount_fen"] for e in history] == [5_000, -2_000]
    listed = (await f.client.get("/v1/allocations", params={"parent_allocation_id": county["id"]},
                                 headers=f.auth())).json()["items"]
    assert sorted(a["amount_fen"] for a in listed) == [-2_000, 5_000]
    assert (await f.ledger_balanced())["balanced"]


async def test_reversal_refusals_write_nothing(funds_pg):
    f = funds_pg
    source = await f.source(10_000)
    county = await f.allocate(amount_fen=8_000, division_code=GUANGNING, source_id=source["id"])
    await f.allocate(amount_fen=5_000, division_code=TOWN, parent=county["id"])
    before = await f.snapshot()
    too_much = await f.post(f"/v1/allocations/{county['id']}/reversals", {"amount_fen": 3_001, "reason": "x"},
                            expect=409)
    assert too_much["type"].endswith("/reversal-exceeds-uncommitted") and too_much["available_fen"] == 3_000
    own = await f.post(f"/v1/allocations/{county['id']}/reversals", {"amount_fen": 1, "reason": "x"},
                       division=GUANGNING, expect=409)
    assert own["type"].endswith("/reversal-by-allocating-level-only")
    assert await f.snapshot() == before


async def test_project_payments_follow_progress_and_disclosure(funds_any):
    f = funds_any
    project, allocation = await f.funded_project(budget_fen=1_000_000)
    paid = await f.post("/v1/disbursements", {"allocation_id": allocation["id"], "amount_fen": 300_000,
                                              "paid_on": "2019-04-01", "progress_pct": 10})
    assert (paid["stage"], paid["purpose"], paid["project_id"]) == ("advance", "project", project["id"])
    before = await f.snapshot()
    over = await f.post("/v1/disbursements", {"allocation_id": allocation["id"], "amount_fen": 1,
                                              "paid_on": "2019-04-02", "progress_pct": 10}, expect=409)
    assert over["type"].endswith("/project-payment-refused") and over["reasons"] == ["exceeds_progress_cap"]
    assert await f.snapshot() == before
    await f.post("/v1/disbursements", {"allocation_id": allocation["id"], "amount_fen": 400_000,
                                       "paid_on": "2019-07-01", "progress_pct": 60})
    history = (await f.client.get(f"/v1/allocations/{allocation['id']}/history", headers=f.auth())).json()
    assert _types(history).count("allocation.disbursed.v1") == 2
    assert history[-1]["data"]["stage"] == "progress" and history[-1]["data"]["project_id"] == project["id"]
    read = (await f.client.get(f"/v1/projects/{project['id']}", headers=f.auth())).json()
    assert (read["disbursed_fen"], read["progress_pct"]) == (700_000, 60)
    assert (await f.ledger_balanced())["balanced"]


async def test_no_money_to_a_village_project_before_its_notice_period_is_over(funds_pg):
    f = funds_pg
    project, allocation = await f.funded_project(budget_fen=1_000_000, disclosed=False)
    body = {"allocation_id": allocation["id"], "amount_fen": 100, "paid_on": "2019-04-01", "progress_pct": 10}
    before = await f.snapshot()
    refused = await f.post("/v1/disbursements", body, expect=409)
    assert refused["type"].endswith("/project-not-disclosed") and refused["reason"] == "arrangement_not_posted"
    assert await f.snapshot() == before
    await f.publish_arrangement(project, starts=date(2019, 3, 25), ends=date(2019, 4, 3))
    before = await f.snapshot()
    refused = await f.post("/v1/disbursements", body, expect=409)                  # paid on day 8 of 10
    assert refused["reason"] == "notice_period_not_over" and refused["notice_ends_on"] == "2019-04-03"
    assert await f.snapshot() == before
    await f.post("/v1/disbursements", body | {"paid_on": "2019-04-04"})


async def test_household_instalments_by_construction_stage(funds_any):
    f = funds_any
    [household] = await f.households(n=1)
    source = await f.source(10_000_000)
    county = await f.allocate(amount_fen=5_000_000, division_code=GUANGNING, source_id=source["id"])
    village = await f.allocate(amount_fen=4_000_000, division_code=VILLAGE, parent=county["id"])
    body = {"allocation_id": village["id"], "household_id": str(household), "purpose": "housing_renovation",
            "account_no": "6221881234567890", "paid_on": "2019-05-01"}
    first = await f.post("/v1/disbursements", body | {"stage": "start", "amount_fen": 1_200_000})
    assert first["account_no"] == "6221881234567890"                           # the caller holds pii:read
    before = await f.snapshot()
    skipped = await f.post("/v1/disbursements", body | {"stage": "completion", "amount_fen": 1}, expect=409)
    assert skipped["reason"] == "stage_out_of_order" and skipped["paid_stages"] == ["start"]
    again = await f.post("/v1/disbursements", body | {"stage": "start", "amount_fen": 1}, expect=409)
    assert again["reason"] == "stage_already_paid"
    assert await f.snapshot() == before
    await f.post("/v1/disbursements", body | {"stage": "main_structure", "amount_fen": 1_600_000})
    masked = (await f.client.get(f"/v1/disbursements/{first['id']}", headers=f.auth(scopes=["funds:read"]))).json()
    assert masked["account_no"] == "************7890"


async def test_household_payments_refused_for_unknown_removed_or_distant_households(funds_pg):
    f = funds_pg
    [removed] = await f.households(n=1, status="removed")
    [elsewhere] = await f.households(village=OTHER_VILLAGE, n=1)
    source = await f.source(10_000)
    county = await f.allocate(amount_fen=10_000, division_code=GUANGNING, source_id=source["id"])
    village = await f.allocate(amount_fen=10_000, division_code=VILLAGE, parent=county["id"])
    body = {"allocation_id": village["id"], "purpose": "industry_subsidy", "account_no": "6221881234567890",
            "paid_on": "2019-05-01", "amount_fen": 100}
    before = await f.snapshot()
    unknown = await f.post("/v1/disbursements", body | {"household_id": str(uuid.uuid4())}, expect=409)
    assert unknown["type"].endswith("/household-not-known")
    gone = await f.post("/v1/disbursements", body | {"household_id": str(removed)}, expect=409)
    assert gone["households"][0]["reason"] == "status_removed"
    far = await f.post("/v1/disbursements", body | {"household_id": str(elsewhere)}, expect=409)
    assert far["households"][0]["reason"] == "outside_division"
    assert await f.snapshot() == before


async def test_disbursement_reversal_returns_the_money_once(funds_pg):
    f = funds_pg
    [household] = await f.households(n=1)
    source = await f.source(10_000)
    county = await f.allocate(amount_fen=10_000, division_code=GUANGNING, source_id=source["id"])
    village = await f.allocate(amount_fen=10_000, division_code=VILLAGE, parent=county["id"])
    paid = await f.post("/v1/disbursements", {"allocation_id": village["id"], "household_id": str(household),
                                              "purpose": "housing_renovation", "stage": "start",
                                              "account_no": "6221881234567890", "paid_on": "2019-05-01",
                                              "amount_fen": 4_000})
    entry = await f.post(f"/v1/disbursements/{paid['id']}/reversals", {"reason": "重复拨付，收回", "on": "2019-06-01"})
    assert entry["amount_fen"] == -4_000 and entry["reversal_of"] == paid["id"]
    assert (await f.client.get(f"/v1/allocations/{village['id']}", headers=f.auth())).json()["available_fen"] == 10_000
    before = await f.snapshot()
    twice = await f.post(f"/v1/disbursements/{paid['id']}/reversals", {"reason": "x"}, expect=409)
    assert twice["type"].endswith("/disbursement-already-reversed")
    assert await f.snapshot() == before
    # the stage can be paid again once its payment was reversed
    await f.post("/v1/disbursements", {"allocation_id": village["id"], "household_id": str(household),
                                       "purpose": "housing_renovation", "stage": "start",
                                       "account_no": "6221881234567890", "paid_on": "2019-06-02", "amount_fen": 4_000})
    listed = (await f.client.get("/v1/disbursements", params={"allocation_id": village["id"]},
                                 headers=f.auth())).json()["items"]
    assert [(d["amount_fen"], d["reversed"]) for d in listed] == [(4_000, True), (-4_000, False), (4_000, False)]
    assert (await f.ledger_balanced())["balanced"]


async def test_idempotency_key_replays_the_first_allocation(funds_pg):
    f = funds_pg
    source = await f.source(10_000)
    body = {"source_id": source["id"], "division_code": GUANGNING, "amount_fen": 1_000, "year": 2019,
            "document_no": "x"}
    headers = f.auth() | {"Idempotency-Key": "alloc-1"}
    first = await f.client.post("/v1/allocations", json=body, headers=headers)
    again = await f.client.post("/v1/allocations", json=body, headers=headers)
    assert first.status_code == again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert first.json()["id"] == again.json()["id"]
    other = await f.client.post("/v1/allocations", json=body | {"amount_fen": 2}, headers=headers)
    assert other.status_code == 422
    assert (await f.client.get(f"/v1/sources/{source['id']}", headers=f.auth())).json()["allocated_fen"] == 1_000


async def test_a_county_sees_only_its_own_subtree(funds_pg):
    f = funds_pg
    source = await f.source(10_000)
    mine = await f.allocate(amount_fen=1_000, division_code=GUANGNING, source_id=source["id"])
    theirs = await f.allocate(amount_fen=1_000, division_code=HUAIJI, source_id=source["id"])
    county = f.auth(GUANGNING, scopes=["funds:read"])
    listed = (await f.client.get("/v1/allocations", headers=county)).json()["items"]
    assert [a["id"] for a in listed] == [mine["id"]]
    assert (await f.client.get(f"/v1/allocations/{theirs['id']}", headers=county)).status_code == 404
    assert (await f.client.get(f"/v1/allocations/{theirs['id']}/history", headers=county)).status_code == 404
    assert (await f.client.get("/v1/allocations", params={"division": HUAIJI}, headers=county)).status_code == 403
    assert (await f.client.get("/v1/balances", params={"division": HUAIJI}, headers=county)).status_code == 403
    assert (await f.client.get(f"/v1/sources/{source['id']}", headers=county)).status_code == 404
    assert (await f.client.get("/v1/disbursements", params={"division": CITY}, headers=county)).status_code == 403


async def test_unmasked_reads_are_logged(funds_pg):
    f = funds_pg
    [household] = await f.households(n=1)
    source = await f.source(10_000)
    county = await f.allocate(amount_fen=10_000, division_code=GUANGNING, source_id=source["id"])
    village = await f.allocate(amount_fen=10_000, division_code=VILLAGE, parent=county["id"])
    paid = await f.post("/v1/disbursements", {"allocation_id": village["id"], "household_id": str(household),
                                              "purpose": "education_subsidy", "account_no": "6221881234567890",
                                              "paid_on": "2019-05-01", "amount_fen": 100})
    await f.client.get(f"/v1/disbursements/{paid['id']}", headers=f.auth())
    await f.client.get(f"/v1/disbursements/{paid['id']}", headers=f.auth(scopes=["funds:read"]))
    infra = f.harness.runtime.definition.infra
    async with f.harness.runtime.sessionmaker() as session:
        rows = (await session.scalars(select(infra.AccessLog))).all()
    assert [(r.action, r.resource) for r in rows] == [("disbursement.read", f"disbursement/{paid['id']}")]


async def test_pagination_is_stable_and_bound_to_its_filters(funds_pg):
    f = funds_pg
    source = await f.source(10_000)
    made = [await f.allocate(amount_fen=100, division_code=GUANGNING, source_id=source["id"]) for _ in range(5)]
    seen, cursor = [], None
    while True:
        params = {"limit": 2, "source_id": source["id"]} | ({"cursor": cursor} if cursor else {})
        page = (await f.client.get("/v1/allocations", params=params, headers=f.auth())).json()
        seen += [a["id"] for a in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [a["id"] for a in made]
    first = (await f.client.get("/v1/allocations", params={"limit": 2}, headers=f.auth())).json()
    r = await f.client.get("/v1/allocations", params={"limit": 2, "year": 2018, "cursor": first["next_cursor"]},
                           headers=f.auth())
    assert r.status_code == 400
