"""Concurrency on PostgreSQL, through HTTP on the real apps (in-process, one connection per request from the
pool): concurrent PATCHes with one If-Match lose no update; concurrent retries with one Idempotency-Key
create one resource (registry household, funds disbursement).

Racing disbursements that must never overspend are tested by the funds suite
(services/funds/tests/integration/test_funds_concurrency.py: 50 payments racing for the last 100 yuan, mixed
amounts, child allocations against their parent, and on SQLite); not repeated here.
"""
from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import date

import pytest
from sqlalchemy import func, select, text

from fupin_shared.bus import InProcessTransport
from fupin_shared.testing import ServiceHarness

pytestmark = pytest.mark.pg

ROUNDS, WRITERS = 6, 8
VILLAGE = "441223101200"


@pytest.fixture
async def registry(migrated_pg, key_file, topic_prefix, tmp_path) -> AsyncIterator[ServiceHarness]:
    from fupin_registry.app import MIGRATIONS, create_app
    from fupin_registry.settings import RegistrySettings

    url = await migrated_pg(MIGRATIONS)
    harness = ServiceHarness(create_app, RegistrySettings(database_url=url, auth_key_file=key_file,
                                                          topic_prefix=topic_prefix, bus="memory", data_dir=tmp_path,
                                                          db_pool_size=WRITERS + 2))
    async with harness.running():
        yield harness


def _household(head_serial: int) -> dict:
    from fupin_registry.households import idnumber

    return {"village_code": VILLAGE, "labour_type": "labour", "poverty_causes": ["illness"],
            "head": {"name": "并发户主", "id_number": idnumber.make(VILLAGE[:6], date(1962, 4, 9), head_serial)},
            "members": []}


async def _count(harness: ServiceHarness, sql: str) -> int:
    async with harness.runtime.sessionmaker() as session:
        return (await session.execute(text(sql))).scalar_one()


async def test_concurrent_patches_with_one_if_match_lose_no_update(registry):
    headers = registry.auth(scopes=["registry:read", "registry:write"])
    created = await registry.client.post("/v1/households", json=_household(11), headers=headers)
    assert created.status_code == 201, created.text
    hid, etag = created.json()["id"], created.headers["etag"]
    winners: list[str] = []
    for round_no in range(ROUNDS):
        values = [f"第{round_no}轮帮扶单位{i}" for i in range(WRITERS)]
        responses = await asyncio.gather(*[
            registry.client.patch(f"/v1/households/{hid}", json={"assisting_unit": value},
                                  headers={**headers, "If-Match": etag}) for value in values])
        statuses = [r.status_code for r in responses]
        assert statuses.count(200) == 1 and statuses.count(412) == WRITERS - 1, statuses
        [(winner, won)] = [(v, r) for v, r in zip(values, responses, strict=True) if r.status_code == 200]
        assert won.json()["assisting_unit"] == winner
        assert won.headers["etag"] == f'"v{int(etag.strip(chr(34))[1:]) + 1}"'
        stale = next(r for r in responses if r.status_code == 412)
        assert stale.json()["type"].endswith("/stale-version")
        winners.append(winner)
        etag = won.headers["etag"]
    now = await registry.client.get(f"/v1/households/{hid}", headers=headers)
    assert now.json()["assisting_unit"] == winners[-1] and now.headers["etag"] == etag
    history = (await registry.client.get(f"/v1/households/{hid}/history", headers=headers)).json()
    applied = [e["data"]["values"].get("assisting_unit") for e in history
               if e["type"] == "fupin.registry.household.updated.v1"]
    assert applied == winners, "each round's winner is applied once, in order, and nothing else"


async def test_concurrent_retries_with_one_idempotency_key_create_one_household(registry):
    headers = {**registry.auth(scopes=["registry:read", "registry:write"]), "Idempotency-Key": uuid.uuid4().hex}
    body = _household(12)
    responses = await asyncio.gather(*[registry.client.post("/v1/households", json=body, headers=headers)
                                       for _ in range(WRITERS)])
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {201, 409} and 201 in statuses, statuses
    in_progress = [r.json()["type"] for r in responses if r.status_code == 409]
    assert all(t.endswith("/idempotent-request-in-progress") for t in in_progress), in_progress
    ids = {r.json()["id"] for r in responses if r.status_code == 201}
    assert len(ids) == 1
    retry = await registry.client.post("/v1/households", json=body, headers=headers)
    assert retry.status_code == 201 and retry.json()["id"] in ids
    assert await _count(registry, "select count(*) from household") == 1
    assert await _count(registry, "select count(*) from outbox where type = 'fupin.registry.household.registered.v1'") == 1


async def test_concurrent_retries_with_one_idempotency_key_pay_once(migrated_pg, key_file, topic_prefix, tmp_path):
    from fupin_funds.app import MIGRATIONS, create_app
    from fupin_funds.ledger.models import Disbursement, FundAllocation
    from fupin_funds.settings import FundsSettings
    from fupin_funds.testing import GUANGNING, TOWN, Funds
    from fupin_funds.testing import VILLAGE as FUNDS_VILLAGE

    url = await migrated_pg(MIGRATIONS)
    transport = InProcessTransport()
    harness = ServiceHarness(create_app, FundsSettings(database_url=url, auth_key_file=key_file,
                                                       topic_prefix=topic_prefix, bus="memory", data_dir=tmp_path,
                                                       db_pool_size=WRITERS + 2), transport=transport)
    async with harness.running():
        f = Funds(harness, transport)
        source = await f.source(1_000_000)
        county = await f.allocate(amount_fen=1_000_000, division_code=GUANGNING, source_id=source["id"])
        town = await f.allocate(amount_fen=1_000_000, division_code=TOWN, parent=county["id"])
        village = await f.allocate(amount_fen=1_000_000, division_code=FUNDS_VILLAGE, parent=town["id"])
        [household] = await f.households(n=1)
        body = {"allocation_id": village["id"], "household_id": str(household), "purpose": "industry_subsidy",
                "amount_fen": 12_345, "paid_on": "2019-06-01", "account_no": "6221880000000001"}
        headers = {**f.auth(), "Idempotency-Key": uuid.uuid4().hex}
        responses = await asyncio.gather(*[f.client.post("/v1/disbursements", json=body, headers=headers)
                                           for _ in range(WRITERS)])
        statuses = [r.status_code for r in responses]
        assert set(statuses) <= {201, 409} and 201 in statuses, statuses
        assert len({r.json()["id"] for r in responses if r.status_code == 201}) == 1
        async with harness.runtime.sessionmaker() as session:
            rows = await session.scalar(select(func.count()).select_from(Disbursement))
            node = await session.get(FundAllocation, uuid.UUID(village["id"]))
        assert rows == 1 and node.disbursed_fen == 12_345, "one key paid more than once"
        assert (await f.ledger_balanced())["balanced"]
