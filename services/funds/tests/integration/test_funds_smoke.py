from datetime import date

import pytest

from fupin_funds.testing import GUANGNING, VILLAGE

pytestmark = pytest.mark.pg


async def test_smoke(funds_pg):
    f = funds_pg
    source = await f.source(10_000)
    alloc = await f.allocate(amount_fen=6_000, division_code=GUANGNING, source_id=source["id"])
    assert alloc["available_fen"] == 6_000
    await f.allocate(amount_fen=5_000, division_code=GUANGNING, source_id=source["id"], expect=409)
    assert (await f.ledger_balanced())["balanced"]
    hh = await f.households(n=3)
    project, pa = await f.funded_project()
    d = await f.post("/v1/disbursements", {"allocation_id": pa["id"], "amount_fen": 1_000_000,
                                           "paid_on": "2019-04-01", "progress_pct": 10})
    print(d)
    h = await f.post("/v1/disbursements", {"allocation_id": pa["id"], "household_id": str(hh[0]),
                                           "purpose": "housing_renovation", "stage": "start",
                                           "amount_fen": 500_000, "paid_on": "2019-04-02",
                                           "account_no": "6221881234567890"}, expect=422)
    print(h)
    r = await f.client.get("/v1/balances", headers=f.auth())
    print(r.json())
    r = await f.client.get("/public/v1/disclosures")
    print(r.json())
    r = await f.client.get("/public/v1/disclosures?format=csv")
    print(r.text)
    r = await f.client.get("/public/")
    assert "12317" in r.text
    loan = await f.post("/v1/loans", {"household_id": str(hh[1]), "bank": "广东广宁农村商业银行", "contract_no": "GN-1",
                                      "purpose": "养殖", "principal_fen": 5_000_000, "issued_on": "2018-03-01",
                                      "term_months": 36})
    print(loan)
    rep = await f.post(f"/v1/loans/{loan['id']}/repayments", {"principal_fen": 1_000_000, "interest_fen": 20000,
                                                              "paid_on": "2019-03-01"})
    print(rep)
    finding = await f.post("/v1/audit-findings", {"kind": "audit", "severity": "major", "category": "idle_funds",
                                                  "summary": "资金闲置超过一年", "auditor": "肇庆市审计局",
                                                  "found_on": "2019-09-01", "rectify_by": "2019-12-31",
                                                  "project_id": project["id"]})
    print(finding)
    for path in ["/v1/sources", "/v1/allocations", "/v1/disbursements", "/v1/projects", "/v1/disclosures",
                 "/v1/loans", "/v1/assets", "/v1/audit-findings", "/v1/performance", "/v1/code-lists",
                 "/v1/disclosure-rules", f"/v1/allocations/{pa['id']}/history"]:
        r = await f.client.get(path, headers=f.auth())
        assert r.status_code == 200, (path, r.text)
    assert (await f.ledger_balanced())["balanced"]
    print(date.today())
