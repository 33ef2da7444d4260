"""Alerts raised by the rules as events flow, their lifecycle over HTTP, their events, scoping, and
the time-based funds rules."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from fupin_monitoring.db import INFRA
from fupin_monitoring.synthetic import envelope
from fupin_monitoring.view.live import scan_allocations
from fupin_monitoring.workdays import china_date
from fupin_shared.contracts import funds as cf
from fupin_shared.contracts import registry as cr
from fupin_shared.contracts import tasks as ct
from fupin_shared.db import utc_now

pytestmark = pytest.mark.pg

V1, V2 = "441223101201", "441224102301"
GUANGNING, HUAIJI = "441223000000", "441224000000"
WRITE = ["monitoring:read", "monitoring:write"]


def member_event(contract, hid, village, member, **kw):  # noqa: ANN001, ANN003, ANN201
    return envelope(contract(household_id=hid, village_code=village, status="identified", persons=2,
                             member_id=member, **kw), subject=hid, division=village)


async def outbox_types(monitoring) -> list[tuple[str, str]]:  # noqa: ANN001
    async with monitoring.runtime.sessionmaker() as session:
        rows = (await session.execute(sa.select(INFRA.Outbox.type, INFRA.Outbox.data).order_by(INFRA.Outbox.id))).all()
    return [(t, d.get("state")) for t, d in rows]


async def raise_uninsured(monitoring, village: str = V1) -> dict:  # noqa: ANN001
    hid, member = uuid.uuid4(), uuid.uuid4()
    await monitoring.send("registry", [member_event(cr.MemberAdded, hid, village, member, medical_insurance=False)])
    page = (await monitoring.client.get("/v1/alerts", params={"household_id": str(hid)}, headers=monitoring.auth())).json()
    [alert] = page["items"]
    return alert


async def test_an_event_raises_an_alert_with_a_working_day_deadline_and_an_event(monitoring) -> None:  # noqa: ANN001
    alert = await raise_uninsured(monitoring)
    assert alert["kind"] == "member_uninsured" and alert["state"] == "open" and alert["division_code"] == V1
    assert alert["label_zh"] == "成员未参加基本医疗保险" and alert["overdue"] is False
    raised = date.fromisoformat(alert["raised_on"])
    assert raised == china_date(utc_now())
    assert date.fromisoformat(alert["due_on"]) >= raised + timedelta(days=5)  # 5 working days
    await monitoring.settled()
    assert ("fupin.monitoring.alert.changed.v1", "open") in await outbox_types(monitoring)
    overview = await monitoring.overview(division=GUANGNING)
    assert overview["alerts"]["open"] == 1 and overview["alerts"]["by_kind"] == {"member_uninsured": 1}


async def test_the_same_condition_again_raises_no_second_alert_and_its_end_clears_it(monitoring) -> None:  # noqa: ANN001
    hid, member = uuid.uuid4(), uuid.uuid4()
    await monitoring.send("registry", [member_event(cr.MemberAdded, hid, V1, member, medical_insurance=False)])
    await monitoring.send("registry", [member_event(cr.MemberUpdated, hid, V1, member, medical_insurance=False,
                                                    health="chronic", changed=["health"])])
    page = (await monitoring.client.get("/v1/alerts", params={"household_id": str(hid)}, headers=monitoring.auth())).json()
    assert [a["state"] for a in page["items"]] == ["open"]
    await monitoring.send("registry", [member_event(cr.MemberUpdated, hid, V1, member, medical_insurance=True,
                                                    changed=["medical_insurance"])])
    page = (await monitoring.client.get("/v1/alerts", params={"household_id": str(hid)}, headers=monitoring.auth())).json()
    [alert] = page["items"]
    assert alert["state"] == "resolved" and alert["resolution"].startswith("cleared:")
    assert (await monitoring.overview(division=GUANGNING))["alerts"]["open"] == 0


async def test_assign_then_resolve(monitoring) -> None:  # noqa: ANN001
    alert = await raise_uninsured(monitoring)
    url = f"/v1/alerts/{alert['id']}"
    assigned = await monitoring.client.post(url + "/assign", json={"assignee": "排沙镇 李干部"},
                                            headers={**monitoring.auth(scopes=WRITE), "If-Match": '"v1"'})
    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["state"] == "assigned" and assigned.headers["etag"] == '"v2"'
    resolved = await monitoring.client.post(url + "/resolve", json={"resolution": "已为其办理城乡居民医保"},
                                            headers=monitoring.auth(scopes=WRITE))
    assert resolved.status_code == 200 and resolved.json()["state"] == "resolved"
    assert resolved.json()["assignee"] == "排沙镇 李干部" and resolved.json()["resolved_at"]
    history = (await monitoring.client.get(url + "/history", headers=monitoring.auth())).json()
    assert [h["data"]["state"] for h in history] == ["open", "assigned", "resolved"]
    assert history[1]["actor"] == "tester"
    overview = await monitoring.overview(division=V1)
    assert overview["alerts"]["open"] == 0 and overview["alerts"]["assigned"] == 0 and overview["alerts"]["resolved"] == 1


async def test_refused_moves_write_nothing(monitoring) -> None:  # noqa: ANN001
    alert = await raise_uninsured(monitoring)
    url = f"/v1/alerts/{alert['id']}"
    await monitoring.client.post(url + "/resolve", json={"resolution": "done"}, headers=monitoring.auth(scopes=WRITE))
    await monitoring.settled()
    before = await outbox_types(monitoring)
    again = await monitoring.client.post(url + "/assign", json={"assignee": "x"}, headers=monitoring.auth(scopes=WRITE))
    assert again.status_code == 409 and again.json()["type"].endswith("/alert-transition-refused")
    stale = await monitoring.client.post(url + "/resolve", json={"resolution": "again"},
                                         headers={**monitoring.auth(scopes=WRITE), "If-Match": '"v1"'})
    assert stale.status_code == 412
    no_scope = await monitoring.client.post(url + "/resolve", json={"resolution": "x"}, headers=monitoring.auth(
        scopes=["monitoring:read"]))
    assert no_scope.status_code == 403
    invalid = await monitoring.client.post(url + "/assign", json={"assignee": ""}, headers=monitoring.auth(scopes=WRITE))
    assert invalid.status_code == 422
    assert await outbox_types(monitoring) == before
    got = (await monitoring.client.get(url, headers=monitoring.auth())).json()
    assert got["state"] == "resolved" and got["version"] == 2


async def test_alerts_are_scoped_to_the_callers_division(monitoring) -> None:  # noqa: ANN001
    mine = await raise_uninsured(monitoring, V2)
    theirs = await raise_uninsured(monitoring, V1)
    county = monitoring.auth(scopes=WRITE, division=HUAIJI)
    listed = (await monitoring.client.get("/v1/alerts", headers=county)).json()
    assert [a["id"] for a in listed["items"]] == [mine["id"]]
    assert (await monitoring.client.get(f"/v1/alerts/{theirs['id']}", headers=county)).status_code == 404
    assert (await monitoring.client.get(f"/v1/alerts/{theirs['id']}/history", headers=county)).status_code == 404
    refused = await monitoring.client.post(f"/v1/alerts/{theirs['id']}/assign", json={"assignee": "x"}, headers=county)
    assert refused.status_code == 404
    assert (await monitoring.client.get("/v1/alerts", params={"division": GUANGNING}, headers=county)).status_code == 403
    city = (await monitoring.client.get("/v1/alerts", headers=monitoring.auth())).json()
    assert {a["id"] for a in city["items"]} == {mine["id"], theirs["id"]}


async def test_list_filters_and_cursor(monitoring) -> None:  # noqa: ANN001
    for _ in range(3):
        await raise_uninsured(monitoring)
    first = (await monitoring.client.get("/v1/alerts", params={"limit": 2, "kind": "member_uninsured", "state": "open"},
                                         headers=monitoring.auth())).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = (await monitoring.client.get("/v1/alerts", params={"limit": 2, "kind": "member_uninsured", "state": "open",
                                                                "cursor": first["next_cursor"]},
                                          headers=monitoring.auth())).json()
    assert len(second["items"]) == 1 and second["next_cursor"] is None
    assert {a["id"] for a in first["items"]}.isdisjoint({a["id"] for a in second["items"]})
    wrong = await monitoring.client.get("/v1/alerts", params={"kind": "nonsense"}, headers=monitoring.auth())
    assert wrong.status_code == 422
    other_filters = await monitoring.client.get("/v1/alerts", params={"limit": 2, "cursor": first["next_cursor"]},
                                                headers=monitoring.auth())
    assert other_filters.status_code == 400
    kinds = (await monitoring.client.get("/v1/alert-kinds", headers=monitoring.auth())).json()
    assert {k["kind"] for k in kinds} >= {"child_out_of_school", "funds_idle", "report_overdue"}


async def test_an_overdue_report_alerts_the_unit_until_it_is_submitted(monitoring) -> None:  # noqa: ANN001
    await monitoring.send("tasks", [envelope(ct.ReportOverdue(task_number=8, unit="市教育局", period="2019Q3",
                                                              due_on=date(2019, 10, 18)), subject="8")])
    [alert] = (await monitoring.client.get("/v1/alerts", params={"kind": "report_overdue"},
                                           headers=monitoring.auth())).json()["items"]
    assert alert["unit"] == "市教育局" and alert["division_code"] == "441200000000" and alert["state"] == "open"
    await monitoring.send("tasks", [envelope(ct.ReportChanged(
        report_id=uuid.uuid4(), task_number=8, unit="市教育局", period="2019Q3", state="submitted", progress="at_risk",
        due_on=date(2019, 10, 18), on_time=False), subject="8")])
    [alert] = (await monitoring.client.get("/v1/alerts", params={"kind": "report_overdue"},
                                           headers=monitoring.auth())).json()["items"]
    assert alert["state"] == "resolved"


async def test_disaster_and_unsafe_housing_and_income_risk(monitoring) -> None:  # noqa: ANN001
    hid = uuid.uuid4()

    def ev(contract, status, **kw):  # noqa: ANN001, ANN003, ANN202
        return envelope(contract(household_id=hid, village_code=V1, status=status, persons=2, **kw), subject=hid)

    await monitoring.send("registry", [
        ev(cr.HouseholdRegistered, "identified", year=2018, poverty_causes=["illness"]),
        ev(cr.GuaranteesAssessed, "identified", year=2018, food=True, clothing=True, compulsory_education=True,
           basic_medical=True, housing_safety="D", drinking_water=True, compliant=False),
        ev(cr.HouseholdExited, "exited", year=2019, exit_path="industry", per_capita_income_fen=900_000, line_fen=869_900),
        ev(cr.HouseholdReturned, "returned", year=2020, cause="disaster")])
    items = (await monitoring.client.get("/v1/alerts", params={"household_id": str(hid)}, headers=monitoring.auth())).json()
    assert sorted(a["kind"] for a in items["items"]) == ["disaster", "housing_unsafe", "income_below_threshold"]


async def test_funds_rules_run_on_the_scan(monitoring) -> None:  # noqa: ANN001
    allocation = uuid.uuid4()
    await monitoring.send("funds", [envelope(cf.AllocationMade(
        allocation_id=allocation, source_id=uuid.uuid4(), division_code=GUANGNING, amount_fen=1_000_000, year=2019,
        source_level="provincial", parent_division_code="441200000000"), subject=allocation)])
    today = china_date(utc_now())
    assert await scan_allocations(monitoring.runtime, today=today) == []
    later = await scan_allocations(monitoring.runtime, today=today + timedelta(days=120))
    assert sorted(a["kind"] for a in later) == ["allocation_undisclosed", "funds_idle"]
    assert await scan_allocations(monitoring.runtime, today=today + timedelta(days=121)) == []  # already open
    await monitoring.send("funds", [envelope(cf.DisclosurePublished(
        disclosure_id=uuid.uuid4(), division_code=GUANGNING, year=2019, kind="allocation", allocation_ids=[allocation],
        notice_starts_on=today + timedelta(days=121), notice_ends_on=today + timedelta(days=128)), subject=uuid.uuid4()),
        envelope(cf.DisbursementMade(disbursement_id=uuid.uuid4(), allocation_id=allocation, division_code=GUANGNING,
                                     amount_fen=1_000_000, year=2019, paid_on=today), subject=allocation)])
    items = (await monitoring.client.get("/v1/alerts", headers=monitoring.auth())).json()["items"]
    assert sorted((a["kind"], a["state"]) for a in items) == [("allocation_undisclosed", "resolved"),
                                                             ("funds_idle", "resolved")]
