"""Micro-credit over HTTP: issue, repay, 展期, 无还本续贷, overdue — and their refusals."""
import asyncio
import uuid
from datetime import date, timedelta

import pytest

from fupin_funds.common import today
from fupin_funds.testing import HUAIJI

pytestmark = pytest.mark.pg


def _loan(household, **overrides):
    issued = today() - timedelta(days=400)
    return {"household_id": str(household), "bank": "广东广宁农村商业银行", "contract_no": "GN-2019-001",
            "purpose": "发展养殖业", "principal_fen": 3_000_000, "issued_on": issued.isoformat(), "term_months": 36} \
        | overrides


async def test_issue_and_repay_until_closed(funds_pg):
    f = funds_pg
    [household] = await f.households(n=1)
    loan = await f.post("/v1/loans", _loan(household))
    assert (loan["status"], loan["outstanding_fen"], loan["division_code"]) == ("current", 3_000_000, "441223101201")
    part = await f.post(f"/v1/loans/{loan['id']}/repayments", {"principal_fen": 1_000_000, "interest_fen": 130_500,
                                                              "paid_on": today().isoformat()})
    assert part["outstanding_fen"] == 2_000_000 and part["interest_subsidy_fen"] == 130_500
    done = await f.post(f"/v1/loans/{loan['id']}/repayments", {"principal_fen": 2_000_000,
                                                              "paid_on": today().isoformat()})
    assert done["status"] == "repaid" and done["repaid_on"] == today().isoformat() and len(done["repayments"]) == 2
    changes = [(e["data"]["change"], e["data"]["outstanding_fen"]) for e in
               (await f.client.get(f"/v1/loans/{loan['id']}/history", headers=f.auth())).json()]
    assert changes == [("issued", 3_000_000), ("repaid", 2_000_000), ("repaid", 0)]
    # closed: the household may borrow again
    await f.post("/v1/loans", _loan(household, contract_no="GN-2020-002"))


async def test_loan_refusals_write_nothing(funds_pg):
    f = funds_pg
    [household] = await f.households(n=1)
    loan = await f.post("/v1/loans", _loan(household))
    before = await f.snapshot()
    too_big = await f.post("/v1/loans", _loan(household, principal_fen=5_000_001, term_months=48), expect=422)
    assert too_big["reasons"] == ["principal_above_limit", "term_above_limit"]
    second = await f.post("/v1/loans", _loan(household), expect=409)
    assert second["type"].endswith("/household-has-active-loan") and second["loan_id"] == loan["id"]
    unknown = await f.post("/v1/loans", _loan(uuid.uuid4()), expect=409)
    assert unknown["type"].endswith("/household-not-known")
    await f.post("/v1/loans", _loan(household), division=HUAIJI, expect=409)     # not in a Huaiji officer's area
    over = await f.post(f"/v1/loans/{loan['id']}/repayments", {"principal_fen": 3_000_001,
                                                              "paid_on": today().isoformat()}, expect=409)
    assert over["reasons"] == ["more_than_outstanding"]
    assert await f.snapshot() == before


async def test_two_concurrent_loans_for_one_household_one_wins(funds_pg):
    f = funds_pg
    [household] = await f.households(n=1)
    results = await asyncio.gather(*[f.client.post("/v1/loans", json=_loan(household, contract_no=f"C{i}"),
                                                   headers=f.auth()) for i in range(4)])
    assert sorted(r.status_code for r in results) == [201, 409, 409, 409]


async def test_extension_and_renewal_need_if_match_and_follow_the_policy(funds_pg):
    f = funds_pg
    [a, b] = await f.households(n=2)
    issued = today() - timedelta(days=3 * 365 - 10)            # falls due within the month
    loan = await f.post("/v1/loans", _loan(a, issued_on=issued.isoformat()))
    url = f"/v1/loans/{loan['id']}"
    assert (await f.client.post(f"{url}/renewals", json={"reason": "信用良好"}, headers=f.auth())).status_code == 428
    renewed = await f.client.post(f"{url}/renewals", json={"reason": "信用良好"}, headers=f.auth() | {"If-Match": '"v1"'})
    assert renewed.status_code == 200 and renewed.json()["status"] == "renewed"
    assert renewed.json()["term_changes"][0]["kind"] == "renewal"
    before = await f.snapshot()
    again = await f.client.post(f"{url}/renewals", json={"reason": "x"}, headers=f.auth() | {"If-Match": '"v2"'})
    assert again.status_code == 409 and "already_renewed" in again.json()["reasons"]
    assert await f.snapshot() == before

    other = await f.post("/v1/loans", _loan(b))
    due = date.fromisoformat(other["due_on"])
    too_far = await f.client.post(f"/v1/loans/{other['id']}/extensions", headers=f.auth() | {"If-Match": '"v1"'},
                                  json={"new_due_on": (due + timedelta(days=400)).isoformat(), "reason": "因病"})
    assert too_far.status_code == 409 and too_far.json()["reasons"] == ["extension_above_limit"]
    extended = await f.client.post(f"/v1/loans/{other['id']}/extensions", headers=f.auth() | {"If-Match": '"v1"'},
                                   json={"new_due_on": (due + timedelta(days=180)).isoformat(), "reason": "因病住院"})
    assert extended.status_code == 200 and extended.json()["status"] == "extended"
    assert extended.json()["original_due_on"] == other["due_on"]


async def test_overdue_scan_marks_loans_past_due_once(funds_pg):
    from fupin_funds.loans.service import mark_overdue

    f = funds_pg
    [a, b] = await f.households(n=2)
    old = await f.post("/v1/loans", _loan(a, issued_on=(today() - timedelta(days=800)).isoformat(), term_months=12))
    fresh = await f.post("/v1/loans", _loan(b))
    runtime = f.harness.runtime
    assert await mark_overdue(runtime.uow()) == 1
    assert await mark_overdue(runtime.uow()) == 0
    assert (await f.client.get(f"/v1/loans/{old['id']}", headers=f.auth())).json()["status"] == "overdue"
    assert (await f.client.get(f"/v1/loans/{fresh['id']}", headers=f.auth())).json()["status"] == "current"
    overdue = (await f.client.get("/v1/loans", params={"status": "overdue"}, headers=f.auth())).json()["items"]
    assert [loan["id"] for loan in overdue] == [old["id"]]
    history = (await f.client.get(f"/v1/loans/{old['id']}/history", headers=f.auth())).json()
    assert history[-1]["data"]["change"] == "overdue" and history[-1]["actor"] == "system:overdue-scan"
