"""Children never exceed their parent and disbursements never exceed their allocation — under concurrent
HTTP requests, on PostgreSQL (row locks + guarded UPDATE + CHECK) and on SQLite (one writer)."""
import asyncio
import uuid
import random

import pytest
from sqlalchemy import func, select

from fupin_funds.ledger.models import Disbursement, FundAllocation
from fupin_funds.testing import GUANGNING, TOWN, VILLAGE

pytestmark = pytest.mark.pg

LAST_100_YUAN = 10_000


async def _village_allocation(f, *, amount_fen: int, spent_fen: int) -> dict:
    """A village allocation with ``amount_fen - spent_fen`` left, after one earlier payment."""
    source = await f.source(amount_fen * 2)
    county = await f.allocate(amount_fen=amount_fen, division_code=GUANGNING, source_id=source["id"])
    town = await f.allocate(amount_fen=amount_fen, division_code=TOWN, parent=county["id"])
    village = await f.allocate(amount_fen=amount_fen, division_code=VILLAGE, parent=town["id"])
    [first] = await f.households(n=1)
    if spent_fen:
        await f.post("/v1/disbursements", _payment(village["id"], first, spent_fen))
    return village


def _payment(allocation_id: str, household, amount_fen: int) -> dict:
    return {"allocation_id": allocation_id, "household_id": str(household), "purpose": "industry_subsidy",
            "amount_fen": amount_fen, "paid_on": "2019-06-01", "account_no": "6221880000000001"}


async def _race(f, allocation_id: str, amounts: list[int]) -> list:
    households = await f.households(n=len(amounts))
    headers = f.auth()
    return await asyncio.gather(*[
        f.client.post("/v1/disbursements", json=_payment(allocation_id, h, a), headers=headers)
        for h, a in zip(households, amounts, strict=True)])


async def _stored(f, allocation_id: str) -> tuple[int, int, int]:
    async with f.harness.runtime.sessionmaker() as session:
        node = await session.get(FundAllocation, uuid.UUID(allocation_id))
        rows, total = (await session.execute(select(func.count(), func.coalesce(func.sum(Disbursement.amount_fen), 0))
                                             .where(Disbursement.allocation_id == node.id))).one()
    return node.disbursed_fen, int(rows), int(total)


async def test_fifty_concurrent_disbursements_race_for_the_last_100_yuan(funds_pg):
    f = funds_pg
    village = await _village_allocation(f, amount_fen=100_000, spent_fen=90_000)
    responses = await _race(f, village["id"], [300] * 50)   # 3 yuan each: 33 fit into 100 yuan, 17 do not

    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(201) == 33 and statuses.count(409) == 17, statuses
    refused = [r.json() for r in responses if r.status_code == 409]
    assert {p["type"].rsplit("/", 1)[1] for p in refused} == {"disbursement-exceeds-allocation"}
    disbursed, rows, total = await _stored(f, village["id"])
    assert (disbursed, rows, total) == (90_000 + 33 * 300, 34, 90_000 + 33 * 300)
    after = (await f.client.get(f"/v1/allocations/{village['id']}", headers=f.auth())).json()
    assert after["available_fen"] == 100
    assert (await f.ledger_balanced())["balanced"]
    history = (await f.client.get(f"/v1/allocations/{village['id']}/history", headers=f.auth())).json()
    assert sum(1 for e in history if e["type"] == "fupin.funds.allocation.disbursed.v1") == 34


async def test_mixed_amounts_racing_never_overspend(funds_pg):
    f = funds_pg
    village = await _village_allocation(f, amount_fen=50_000, spent_fen=50_000 - LAST_100_YUAN)
    rng = random.Random(20)
    amounts = [rng.randint(100, 1_500) for _ in range(50)]
    responses = await _race(f, village["id"], amounts)

    passed = [a for a, r in zip(amounts, responses, strict=True) if r.status_code == 201]
    refused = [a for a, r in zip(amounts, responses, strict=True) if r.status_code == 409]
    assert len(passed) + len(refused) == 50
    left = LAST_100_YUAN - sum(passed)
    assert left >= 0
    # a request is refused only when it did not fit: it is larger than what is left even now
    assert all(a > left for a in refused)
    disbursed, _, total = await _stored(f, village["id"])
    assert disbursed == total == 50_000 - LAST_100_YUAN + sum(passed)
    assert (await f.ledger_balanced())["balanced"]


async def test_concurrent_child_allocations_never_exceed_their_parent(funds_pg):
    f = funds_pg
    source = await f.source(LAST_100_YUAN)
    county = await f.allocate(amount_fen=LAST_100_YUAN, division_code=GUANGNING, source_id=source["id"])
    headers = f.auth()
    responses = await asyncio.gather(*[
        f.client.post("/v1/allocations", headers=headers, json={
            "parent_allocation_id": county["id"], "division_code": TOWN, "amount_fen": 700, "year": 2019,
            "document_no": f"广扶〔2019〕{i}号"}) for i in range(50)])
    statuses = [r.status_code for r in responses]
    assert statuses.count(201) == 14 and statuses.count(409) == 36   # 14 × 7 yuan = 98 ≤ 100 < 15 × 7
    after = (await f.client.get(f"/v1/allocations/{county['id']}", headers=f.auth())).json()
    assert after["allocated_fen"] == 14 * 700 and after["available_fen"] == 200
    assert (await f.ledger_balanced())["balanced"]


async def test_concurrent_disbursements_on_sqlite_are_serialised_and_exact(funds_sqlite):
    f = funds_sqlite
    village = await _village_allocation(f, amount_fen=20_000, spent_fen=20_000 - LAST_100_YUAN)
    responses = await _race(f, village["id"], [700] * 20)   # 14 fit into 100 yuan
    statuses = [r.status_code for r in responses]
    assert statuses.count(201) == 14 and statuses.count(409) == 6, statuses
    disbursed, rows, total = await _stored(f, village["id"])
    assert disbursed == total == 20_000 - LAST_100_YUAN + 14 * 700 and rows == 15
    assert (await f.ledger_balanced())["balanced"]
