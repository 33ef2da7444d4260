"""Verification sampling from the assessment's copy of the registry (PostgreSQL): the frame built
from registry events, reproducible samples, CSV/XLSX export, division scoping, refusals."""
from __future__ import annotations

import csv
import io
import uuid

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from fupin_shared.contracts.registry import HouseholdRegistered, HouseholdStatusChanged, MemberAdded, MemberLeft
from fupin_shared.testing import eventually

pytestmark = pytest.mark.pg
WRITER = ["assessment:read", "assessment:write"]
READER = ["assessment:read"]
COUNTIES = ("441223", "441224", "441225")


async def registry_frame(h, bus) -> dict[str, uuid.UUID]:  # noqa: ANN001
    """3 counties × 2 towns × 2 villages × 12 households in pre-exit, 2 per village with a disabled
    member, plus households in other statuses; returns the household of each village with the
    only disabled member of village 441223101201's second one."""
    marked: dict[str, uuid.UUID] = {}
    for county in COUNTIES:
        for town in (101, 102):
            for village in (201, 202):
                code = f"{county}{town}{village}"
                for n in range(14):
                    household = uuid.uuid5(uuid.NAMESPACE_URL, f"{code}/{n}")
                    status = "pre_exit" if n < 12 else "identified"
                    await bus.publish(HouseholdRegistered(household_id=household, village_code=code,
                                                          status="identified", persons=3), subject=str(household))
                    if status == "pre_exit":
                        await bus.publish(HouseholdStatusChanged(household_id=household, village_code=code,
                                                                 status="pre_exit", persons=3,
                                                                 from_status="identified", step="pre_exit"),
                                          subject=str(household))
                    member = uuid.uuid5(uuid.NAMESPACE_URL, f"{code}/{n}/m")
                    await bus.publish(MemberAdded(household_id=household, village_code=code, status=status, persons=3,
                                                  member_id=member, disability_grade=2 if n in (3, 8) else None),
                                      subject=str(household))
                    if n == 8:
                        marked[code] = member
    return marked


async def frame_ready(h, expected: int) -> None:  # noqa: ANN001
    from fupin_assessment.inputs.models import FrameHousehold

    async def probe() -> bool:
        async with h.runtime.uow() as uow:
            pre_exit = await uow.session.scalar(select(func.count()).select_from(FrameHousehold)
                                                .where(FrameHousehold.status == "pre_exit"))
            return pre_exit == expected

    await eventually(probe, timeout=30, message="sampling frame copied from registry events")


async def outbox_count(h) -> int:  # noqa: ANN001
    async with h.runtime.uow() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(uow.infra.Outbox)))


async def sampled_ids(h, sample_id: str, headers: dict) -> list[str]:  # noqa: ANN001
    out, cursor = [], None
    while True:
        url = f"/v1/samples/{sample_id}/households?limit=30" + (f"&cursor={cursor}" if cursor else "")
        page = (await h.client.get(url, headers=headers)).json()
        out += [i["household_id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            return out


async def test_sample_is_reproducible_follows_the_rule_and_exports(service) -> None:  # noqa: ANN001
    h, bus = service
    await registry_frame(h, bus)
    await frame_ready(h, 3 * 2 * 2 * 12)
    body = {"year": 2019, "seed": "2019-抽查-1"}
    r = await h.client.post("/v1/samples", json=body, headers=h.auth(scopes=WRITER))
    assert r.status_code == 201, r.text
    first = r.json()
    assert first["households"] == 80 and first["villages"] == 8 and first["shortfalls"] == []
    assert first["frame_households"] == 144 and len(first["counties"]) == 2
    again = (await h.client.post("/v1/samples", json=body, headers=h.auth(scopes=WRITER))).json()
    assert again["id"] != first["id"] and again["frame_fingerprint"] == first["frame_fingerprint"]
    city = h.auth(scopes=READER)
    ids = await sampled_ids(h, first["id"], city)
    assert ids == await sampled_ids(h, again["id"], city) and len(set(ids)) == 80
    other = (await h.client.post("/v1/samples", json={**body, "seed": "another"}, headers=h.auth(scopes=WRITER))).json()
    assert await sampled_ids(h, other["id"], city) != ids
    # every sampled village has at least one household with a disabled member
    rows = (await h.client.get(f"/v1/samples/{first['id']}/households?limit=500", headers=city)).json()["items"]
    by_village: dict[str, list[bool]] = {}
    for row in rows:
        by_village.setdefault(row["village_code"], []).append(row["has_disabled"])
    assert len(by_village) == 8 and all(len(v) == 10 and any(v) for v in by_village.values())
    # CSV (UTF-8 with BOM, Chinese headers) and XLSX
    r = await h.client.get(f"/v1/samples/{first['id']}/export?format=csv", headers=city)
    assert r.status_code == 200 and r.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert table[0][:3] == ["序号", "县（市、区）代码", "县（市、区）"] and len(table) == 81
    assert [row[5] for row in table[1:]] == ids
    r = await h.client.get(f"/v1/samples/{first['id']}/export?format=xlsx", headers=city)
    book = load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == ["抽样名单", "抽样参数"] and book["抽样名单"].max_row == 81
    assert book["抽样参数"]["B2"].value == "2019-抽查-1"
    # a county sees only its own county's part
    county_code = first["counties"][0]
    county = h.auth(scopes=READER, division=county_code)
    own = await sampled_ids(h, first["id"], county)
    assert len(own) == 40 and set(own) < set(ids)
    r = await h.client.get(f"/v1/samples/{first['id']}/export?format=csv", headers=county)
    assert {row[1] for row in list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))[1:]} == {county_code}
    assert (await h.client.get(f"/v1/samples/{first['id']}/export?division=441200000000",
                               headers=county)).status_code == 403


async def test_sample_refused_below_the_rule_or_by_a_county_writes_nothing(service) -> None:  # noqa: ANN001
    h, bus = service
    before = await outbox_count(h)
    r = await h.client.post("/v1/samples", json={"year": 2019, "seed": "x"}, headers=h.auth(scopes=WRITER))
    assert r.status_code == 409 and r.json()["type"].endswith("/sampling-frame-empty")
    r = await h.client.post("/v1/samples", json={"year": 2019, "seed": "x", "counties": 1, "households_per_village": 5},
                            headers=h.auth(scopes=WRITER))
    assert r.status_code == 422
    assert {e["pointer"] for e in r.json()["errors"]} == {"#/counties", "#/households_per_village"}
    r = await h.client.post("/v1/samples", json={"year": 2019, "seed": "x"},
                            headers=h.auth(scopes=WRITER, division="441223000000"))
    assert r.status_code == 403
    assert await outbox_count(h) == before
    assert (await h.client.get("/v1/samples", headers=h.auth(scopes=READER))).json()["items"] == []


async def test_a_member_leaving_changes_the_frame(service) -> None:  # noqa: ANN001
    h, bus = service
    marked = await registry_frame(h, bus)
    await frame_ready(h, 144)
    body = {"year": 2019, "seed": "frame"}
    first = (await h.client.post("/v1/samples", json=body, headers=h.auth(scopes=WRITER))).json()
    code = "441223101201"
    household = uuid.uuid5(uuid.NAMESPACE_URL, f"{code}/8")
    await bus.publish(MemberLeft(household_id=household, village_code=code, status="pre_exit", persons=2,
                                 member_id=marked[code], reason="死亡"), subject=str(household))

    async def left() -> bool:
        from fupin_assessment.inputs.models import FrameMember

        async with h.runtime.uow() as uow:
            return (await uow.session.get(FrameMember, marked[code])).active is False

    await eventually(left, message="member left")
    second = (await h.client.post("/v1/samples", json=body, headers=h.auth(scopes=WRITER))).json()
    assert second["frame_fingerprint"] != first["frame_fingerprint"]
