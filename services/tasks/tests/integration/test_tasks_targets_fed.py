"""Targets the registry and funds hold the figure for are fed from their events, never typed in:
registry VillageExited → G04 (111 provincial villages exited), households exited → G03, guarantees
→ G05/T15-1/T09-1/T08-1, funds allocations and disclosures → T20-1; each change published as
TargetProgressed; a redelivered event changes nothing."""
import uuid
from datetime import UTC, datetime

import pytest
from fupin_shared.contracts import funds as F
from fupin_shared.contracts import registry as R
from fupin_shared.events import Envelope
from fupin_shared.testing import eventually

VILLAGES = ["441223101200", "441223102200", "441224100200"]


def envelope(contract, subject: str, source: str) -> tuple[bytes, bytes]:
    event = Envelope(id=uuid.uuid4(), source=f"/fupin/{source}", type=contract.event_type(), subject=subject,
                     time=datetime.now(UTC), data=contract.model_dump(mode="json"))
    return subject.encode(), event.to_json()


async def publish(h, source: str, records) -> None:
    await h.runtime.transport.publish(h.runtime.settings.topic(source), records)


async def target(h, tk, target_id):
    return (await h.client.get(f"/v1/targets/{target_id}", headers=tk.dept(h, scopes=["tasks:read"]))).json()


async def test_villages_and_households_exited_feed_their_targets(any_tasks, tk):
    h = any_tasks
    exits = [envelope(R.VillageExited(village_code=v, year=2019), v, "registry") for v in VILLAGES]
    households = []
    for i, village in enumerate(VILLAGES * 2):
        hid = uuid.uuid4()
        status = "exited" if i < 4 else "identified"
        households.append(envelope(R.HouseholdIdentified(household_id=hid, village_code=village, status="identified",
                                                         persons=3, year=2016), str(hid), "registry"))
        if status == "exited":
            households.append(envelope(R.HouseholdExited(household_id=hid, village_code=village, status="exited",
                                                         persons=3, year=2019, exit_path="industry"), str(hid),
                                       "registry"))
        households.append(envelope(R.GuaranteesAssessed(
            household_id=hid, village_code=village, status=status, persons=3, year=2019, food=True, clothing=True,
            compulsory_education=i != 5, basic_medical=True, housing_safety="C" if i == 0 else "A",
            drinking_water=True, compliant=i not in (0, 5)), str(hid), "registry"))
    await publish(h, "registry", exits + households)

    async def fed():
        g04, g03 = await target(h, tk, "G04"), await target(h, tk, "G03")
        return g04["progress"] and g03["progress"] and g03["progress"]["value"] == 66.67 and (g04, g03)
    g04, g03 = await eventually(fed)
    assert g04["progress"]["value"] == 3 and g04["progress"]["source"] == "registry" and not g04["progress"]["met"]
    assert g04["fed_by"]["figure"] == "provincial_villages_exited"
    assert (await target(h, tk, "G05"))["progress"]["value"] == 83.33        # one house is C-grade
    assert (await target(h, tk, "T08-1"))["progress"]["value"] == 1          # one child out of school
    assert (await target(h, tk, "T15-1"))["progress"]["met"] is True
    progressed = {e.data["target_id"]: e for e in await tk.events(h, "target.progressed")}
    assert progressed["G04"].data["value"] == 3 and progressed["G04"].data["task_number"] == 0
    assert progressed["G04"].subject == "G04" and progressed["T15-1"].subject == "15"
    assert progressed["G04"].data["source"] == "registry" and progressed["G04"].data["target_value"] == 111
    count = len(await tk.events(h, "target.progressed"))
    await publish(h, "registry", exits[:1])  # the same event again: applied once, nothing changes
    await publish(h, "registry", [envelope(R.VillageExited(village_code=VILLAGES[0], year=2020), VILLAGES[0],
                                           "registry")])

    async def settled():
        lag = sum([await c.subscription.lag() for c in h.runtime.consumers if c.subscription])
        return lag == 0
    await eventually(settled)
    assert (await target(h, tk, "G04"))["progress"]["value"] == 3
    assert len(await tk.events(h, "target.progressed")) == count
    figures = (await h.client.get("/v1/figures", headers=tk.dept(h))).json()["figures"]
    assert {f["name"]: f["value"] for f in figures}["households_exited"] == 4


@pytest.mark.pg
async def test_funds_allocations_and_disclosures_feed_the_disclosure_target(tasks_pg, tk):
    h = tasks_pg
    source = uuid.uuid4()
    allocations = [uuid.uuid4() for _ in range(4)]
    made = [envelope(F.AllocationMade(allocation_id=a, source_id=source, division_code=d, amount_fen=amount,
                                      year=2019, source_level="city", parent_division_code=parent), str(a), "funds")
            for a, d, amount, parent in [(allocations[0], "441200000000", 1_000_000, "440000000000"),
                                         (allocations[1], "441223000000", 400_000, "441200000000"),
                                         (allocations[2], "441224000000", 300_000, "441200000000"),
                                         (allocations[3], "441223101000", 50_000, "441223000000")]]
    paid = envelope(F.DisbursementMade(disbursement_id=uuid.uuid4(), allocation_id=allocations[3],
                                       division_code="441223101000", amount_fen=20_000, year=2019,
                                       paid_on=datetime(2019, 8, 1).date()), str(allocations[3]), "funds")
    disclosed = envelope(F.DisclosurePublished(
        disclosure_id=uuid.uuid4(), division_code="441200000000", year=2019, kind="allocation",
        allocation_ids=allocations[:2], notice_starts_on=datetime(2019, 5, 1).date(),
        notice_ends_on=datetime(2019, 5, 10).date()), "d1", "funds")
    await publish(h, "funds", [*made, paid, disclosed])

    async def fed():
        t = await target(h, tk, "T20-1")
        return t["progress"] and t["progress"]["value"] == 66.67 and t
    t = await eventually(fed)
    assert t["progress"]["source"] == "funds" and t["progress"]["met"] is False
    figures = {f["name"]: f["value"] for f in (await h.client.get("/v1/figures", headers=tk.dept(h))).json()["figures"]}
    assert figures["funds_allocated_fen"] == 1_000_000 and figures["funds_disbursed_fen"] == 20_000
    county = {f["name"]: f["value"] for f in (await h.client.get(
        "/v1/figures", headers=h.auth(scopes=["tasks:read"], division="441223000000"))).json()["figures"]}
    assert county["funds_allocated_fen"] == 400_000 and county["allocations_city_county"] == 1
