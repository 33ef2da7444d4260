"""Projections through the real consumer loop: every topic, by division and year, idempotent,
and what the overview, the indicators, drill-down and trends answer from them."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

import pytest

from fupin_monitoring.synthetic import envelope
from fupin_monitoring.workdays import china_date
from fupin_shared.contracts import assessment as ca
from fupin_shared.contracts import funds as cf
from fupin_shared.contracts import registry as cr
from fupin_shared.contracts import tasks as ct
from fupin_shared.db import utc_now
from fupin_shared.events import Envelope

BOTH = [pytest.param("sqlite"), pytest.param("pg", marks=pytest.mark.pg)]

CITY, GUANGNING, HUAIJI = "441200000000", "441223000000", "441224000000"
V1, V2 = "441223101201", "441224102301"
LINE = 869_900


@dataclass
class Scenario:
    registry: list[Envelope] = field(default_factory=list)
    funds: list[Envelope] = field(default_factory=list)
    tasks: list[Envelope] = field(default_factory=list)
    assessment: list[Envelope] = field(default_factory=list)
    ids: dict[str, uuid.UUID] = field(default_factory=dict)

    def all(self) -> dict[str, list[Envelope]]:
        return {"registry": self.registry, "funds": self.funds, "tasks": self.tasks, "assessment": self.assessment}


def household_events(hid: uuid.UUID, village: str, persons: int):  # noqa: ANN201
    def make(contract, status: str, **kw) -> Envelope:  # noqa: ANN001
        return envelope(contract(household_id=hid, village_code=village, status=status, persons=persons, **kw),
                        subject=hid, division=village)
    return make


def scenario() -> Scenario:
    s = Scenario()
    h1, h2, h3, m1 = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    s.ids.update(h1=h1, h2=h2, h3=h3, m1=m1)
    e1 = household_events(h1, V1, 3)
    s.registry += [
        e1(cr.HouseholdRegistered, "applied", year=2017, labour_type="labour", poverty_causes=["illness"]),
        e1(cr.HouseholdIdentified, "identified", year=2017, poverty_causes=["illness"], labour_type="labour"),
        e1(cr.MemberAdded, "identified", member_id=m1, birth_date=date(2015, 1, 1), in_school=False,
           medical_insurance=False, health="healthy"),
        e1(cr.IncomeRecorded, "identified", year=2018, per_capita_income_fen=900_000, line_fen=LINE),
        e1(cr.GuaranteesAssessed, "identified", year=2018, food=True, clothing=True, compulsory_education=True,
           basic_medical=True, housing_safety="C", drinking_water=True, compliant=False),
        e1(cr.MeasureRecorded, "identified", measure_id=uuid.uuid4(), measure_type="industry", amount_fen=50_000,
           on=date(2019, 4, 1), plan_task=1),
        e1(cr.HouseholdExited, "exited", year=2019, exit_path="industry", per_capita_income_fen=1_000_000, line_fen=LINE),
        e1(cr.IncomeRecorded, "exited", year=2019, per_capita_income_fen=1_200_000, line_fen=LINE),
    ]
    e2 = household_events(h2, V2, 2)
    s.registry += [
        e2(cr.HouseholdRegistered, "identified", year=2018, labour_type="no_labour", poverty_causes=["disability"]),
        e2(cr.HouseholdIdentified, "identified", year=2018),
        e2(cr.HouseholdExited, "exited", year=2018, exit_path="social_security"),
        e2(cr.HouseholdReturned, "returned", year=2019, cause="illness"),
    ]
    e3 = household_events(h3, V1, 1)
    s.registry += [e3(cr.HouseholdRegistered, "applied", year=2018),
                   e3(cr.HouseholdRemoved, "removed", year=2018, reason="duplicate")]
    s.registry += [
        envelope(cr.VillageAssessed(village_code=V1, year=2019, provincial_poor_village=True, eligible=True,
                                    per_capita_income_fen=1_300_000), subject=V1),
        envelope(cr.VillageExited(village_code=V1, year=2019), subject=V1),
    ]
    source, top, child = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    s.ids.update(top=top, child=child)
    today = china_date(utc_now())
    s.funds += [
        envelope(cf.FundSourceRegistered(source_id=source, level="provincial", category="财政专项扶贫资金", year=2019,
                                         amount_fen=5_000_000, division_code=CITY, document_no="粤财农〔2019〕1号"),
                 subject=source),
        # the disclosure arrives before the allocation it names (another key, another partition)
        envelope(cf.DisclosurePublished(disclosure_id=uuid.uuid4(), division_code=GUANGNING, year=2019,
                                        kind="allocation", allocation_ids=[top], notice_starts_on=today,
                                        notice_ends_on=today), subject=uuid.uuid4()),
        envelope(cf.AllocationMade(allocation_id=top, source_id=source, division_code=GUANGNING, amount_fen=1_000_000,
                                   year=2019, source_level="provincial", parent_division_code=CITY), subject=top),
        envelope(cf.AllocationMade(allocation_id=child, source_id=source, parent_allocation_id=top, division_code=V1,
                                   amount_fen=400_000, year=2019, source_level="provincial",
                                   parent_division_code=GUANGNING), subject=child),
        envelope(cf.DisbursementMade(disbursement_id=uuid.uuid4(), allocation_id=child, division_code=V1,
                                     amount_fen=300_000, year=2019, paid_on=date(2019, 6, 1)), subject=child),
        envelope(cf.ProjectChanged(project_id=uuid.uuid4(), village_code=V1, status="实施", budget_fen=400_000,
                                   year=2019), subject=uuid.uuid4()),
    ]
    s.tasks += [
        envelope(ct.ReportChanged(report_id=uuid.uuid4(), task_number=3, unit="市教育局", period="2019Q3", state="accepted",
                                  progress="on_track", due_on=date(2019, 10, 18), on_time=True), subject="3"),
        envelope(ct.ReportOverdue(task_number=5, unit="市民政局", period="2019Q2", due_on=date(2019, 7, 12)), subject="5"),
    ]
    s.assessment += [envelope(ca.AssessmentPublished(
        assessment_id=uuid.uuid4(), year=2019, version=1,
        results=[ca.SubjectResult(subject=GUANGNING, kind="county", total=88.5, grade="好", rank=1)]),
        subject=uuid.uuid4())]
    return s


async def feed(monitoring, s: Scenario) -> None:  # noqa: ANN001
    for source, events in s.all().items():
        await monitoring.send(source, events)


@pytest.mark.parametrize("backend", BOTH, indirect=True)
async def test_overview_of_the_city_now_and_at_a_year_end(monitoring) -> None:  # noqa: ANN001
    await feed(monitoring, scenario())
    now = await monitoring.overview()
    assert now["division"] == CITY and now["level"] == "city" and now["flow_year"] == 2019
    assert now["households_by_status"] == {"exited": {"households": 1, "persons": 3},
                                           "removed": {"households": 1, "persons": 1},
                                           "returned": {"households": 1, "persons": 2}}
    assert now["households_total"] == 3 and now["persons_total"] == 6
    assert now["identified"] == {"households": 2, "persons": 5}
    assert now["exited"] == {"households": 1, "persons": 3} and now["poor"] == {"households": 1, "persons": 2}
    assert now["exits"] == {"households": 1, "by_key": {"industry": 1}}
    assert now["returns"] == {"households": 1, "by_key": {"illness": 1}}
    assert now["poverty_causes"] == {"disability": 1, "illness": 1}
    assert now["incomes"]["recorded"] == 1 and now["incomes"]["above_line"] == 1
    assert now["villages"] == {"provincial_poor": 1, "poor_exited": 1, "exit_rate": 1.0, "assessed": 1, "eligible": 1,
                               "poor_eligible": 1}
    funds = now["funds"]
    assert funds["allocated_fen"] == 1_000_000 and funds["disbursed_fen"] == 300_000 and funds["spending_rate"] == 0.3
    assert funds["due_disclosure"] == 1 and funds["disclosed_on_time"] == 1
    assert funds["projects_by_status"] == {"实施": 1}
    assert now["tasks"]["reports_on_time"] == 1 and now["tasks"]["reports_overdue"] == 1
    assert now["tasks"]["by_progress"] == {"on_track": 1}
    assert now["measures"]["count"] == 1
    assert now["members"]["members_uninsured"] == 1 and now["members"]["children_out_of_school"] == 1
    assert now["as_of"] is not None and now["lag_ms"] is not None and now["events_applied"] == 25

    end_2018 = await monitoring.overview(year=2018)
    assert end_2018["households_by_status"] == {"exited": {"households": 1, "persons": 2},
                                                "identified": {"households": 1, "persons": 3},
                                                "removed": {"households": 1, "persons": 1}}
    assert end_2018["exits"] == {"households": 1, "by_key": {"social_security": 1}}
    assert end_2018["guarantees"]["assessed"] == 1 and end_2018["guarantees"]["failures"] == {"housing_safety": 1}
    assert end_2018["removals"]["by_key"] == {"duplicate": 1}


@pytest.mark.parametrize("backend", BOTH, indirect=True)
async def test_money_passed_down_the_tree_is_counted_once_per_level(monitoring) -> None:  # noqa: ANN001
    await feed(monitoring, scenario())
    county = await monitoring.overview(division=GUANGNING)
    village = await monitoring.overview(division=V1)
    other = await monitoring.overview(division=HUAIJI)
    assert county["funds"]["allocated_fen"] == 1_000_000 and county["funds"]["disbursed_fen"] == 300_000
    assert village["funds"]["allocated_fen"] == 400_000 and village["funds"]["spending_rate"] == 0.75
    assert other["funds"]["allocated_fen"] == 0 and other["households_total"] == 1


async def test_redelivered_events_change_nothing(monitoring) -> None:  # noqa: ANN001
    s = scenario()
    await feed(monitoring, s)
    first = await monitoring.overview()
    await feed(monitoring, s)  # the same event ids again (at-least-once delivery)
    again = await monitoring.overview()
    assert {k: v for k, v in again.items() if k != "lag_ms"} == {k: v for k, v in first.items() if k != "lag_ms"}


async def test_indicators_of_a_county_with_its_assessment(monitoring) -> None:  # noqa: ANN001
    await feed(monitoring, scenario())
    response = await monitoring.client.get(f"/v1/divisions/{GUANGNING}/indicators", params={"year": 2019},
                                           headers=monitoring.auth())
    assert response.status_code == 200, response.text
    body = response.json()
    values = {i["metric"]: i["value"] for i in body["indicators"]}
    assert values["households_identified"] == 1 and values["households_exited"] == 1 and values["exit_rate"] == 1.0
    assert values["funds_allocated_fen"] == 1_000_000 and values["funds_spending_rate"] == 0.3
    assert values["poor_villages_exited"] == 1 and values["open_alerts"] == 4
    assert body["assessment"]["grade"] == "好" and body["assessment"]["total"] == 88.5


async def test_children_and_trends(monitoring) -> None:  # noqa: ANN001
    await feed(monitoring, scenario())
    children = (await monitoring.client.get(f"/v1/divisions/{CITY}/children", headers=monitoring.auth())).json()
    by_code = {c["code"]: c for c in children["children"]}
    assert set(by_code) == {GUANGNING, HUAIJI}
    assert by_code[GUANGNING]["name"] == "广宁县" and by_code[GUANGNING]["households_exited"] == 1
    assert by_code[HUAIJI]["poor_households"] == 1
    towns = (await monitoring.client.get(f"/v1/divisions/{GUANGNING}/children", headers=monitoring.auth())).json()
    assert [c["code"] for c in towns["children"]] == ["441223101000"]
    trends = (await monitoring.client.get(f"/v1/divisions/{CITY}/trends", headers=monitoring.auth())).json()
    years = {y["year"]: y for y in trends["years"]}
    assert years[2018]["exits"] == 1 and years[2019]["exits"] == 1 and years[2019]["returns"] == 1
    assert years[2018]["households_identified"] == 2 and years[2019]["poor_households"] == 1


async def test_a_county_caller_sees_only_its_subtree(monitoring) -> None:  # noqa: ANN001
    await feed(monitoring, scenario())
    county = monitoring.auth(scopes=["monitoring:read"], division=HUAIJI)
    own = await monitoring.client.get("/v1/overview", headers=county)
    assert own.status_code == 200 and own.json()["division"] == HUAIJI and own.json()["households_total"] == 1
    for path in ("/v1/overview?division=441223000000", f"/v1/divisions/{GUANGNING}/indicators",
                 f"/v1/divisions/{CITY}/children", f"/v1/divisions/{GUANGNING}/trends"):
        refused = await monitoring.client.get(path, headers=county)
        assert refused.status_code == 403, path
        assert refused.headers["content-type"].startswith("application/problem+json")


async def test_bad_input_and_missing_scope_are_refused(monitoring) -> None:  # noqa: ANN001
    bad = await monitoring.client.get("/v1/overview", params={"division": "4412"}, headers=monitoring.auth())
    assert bad.status_code == 422 and bad.json()["errors"][0]["pointer"] == "query:division"
    assert (await monitoring.client.get("/v1/overview", params={"year": 1900}, headers=monitoring.auth())).status_code == 422
    no_scope = await monitoring.client.get("/v1/overview", headers=monitoring.auth(scopes=["registry:read"]))
    assert no_scope.status_code == 403
    assert (await monitoring.client.get("/v1/overview")).status_code == 401


async def test_a_household_moving_village_moves_its_counters(monitoring) -> None:  # noqa: ANN001
    hid, member = uuid.uuid4(), uuid.uuid4()
    e = household_events(hid, V1, 2)
    moved = household_events(hid, V2, 2)
    await monitoring.send("registry", [
        e(cr.HouseholdRegistered, "identified", year=2019),
        e(cr.MemberAdded, "identified", member_id=member, medical_insurance=False),
        moved(cr.HouseholdUpdated, "identified", changed=["village_code"])])
    assert (await monitoring.overview(division=GUANGNING))["households_total"] == 0
    assert (await monitoring.overview(division=GUANGNING))["members"]["members_uninsured"] == 0
    moved_to = await monitoring.overview(division=HUAIJI)
    assert moved_to["households_total"] == 1 and moved_to["members"]["members_uninsured"] == 1


async def test_freshness_is_exported_to_metrics(monitoring) -> None:  # noqa: ANN001
    await feed(monitoring, scenario())
    text = (await monitoring.client.get("/metrics")).text
    group = monitoring.h.settings.group("view")
    assert f'fupin_consumer_lag_ms{{group="{group}"}}' in text
    assert f'fupin_consumer_lag_events{{group="{group}"}} 0.0' in text
    assert "fupin_monitoring_event_lag_seconds_bucket" in text
