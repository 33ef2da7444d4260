"""The registry (issue 3) on the full stack: REST into the registry process, its events over Kafka,
their effects in the monitoring process; refusals that write nothing; county scope; history and
``as_of``; the bulk import job; the de-identified feeds."""
from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime

import orjson
import pytest

from fupin_e2e_client import (GUANGNING, HUAIJI, StackClient, birth, expect, fresh_village, household_body, id_number,
                              member, token, wrong_check_digit)
from fupin_shared.testing import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.pg, pytest.mark.xdist_group("stack")]

INCOME = {"wage_fen": 1_800_000, "production_fen": 900_000, "production_cost_fen": 200_000, "transfer_fen": 100_000}
"""2,600,000 fen for two persons: 1,300,000 fen per capita, above the 2019 line of 869,900."""
SECURE = {"food": True, "clothing": True, "compulsory_education": True, "basic_medical": True,
          "housing_safety": "A", "drinking_water": True}


async def test_household_identified_and_exited_after_its_notices_reaches_monitoring(api, villages) -> None:
    village = fresh_village(villages, GUANGNING)
    before, before_now = await api.overview(division=village, year=2019), await api.overview(division=village)
    h = await api.register(household_body(village, year=2019))
    assert (h.state["status"], h.state["persons"], h.etag) == ("applied", 2, '"v1"')

    await h.step("identification/appraise", {"on": "2019-03-01"})
    noticed = await h.step("identification/notice", {"on": "2019-03-02", "days": 7})
    assert noticed["notice"] == {"kind": "identification", "started_on": "2019-03-02", "ends_on": "2019-03-09"}
    early = await h.step("identification/town-review", {"on": "2019-03-08"}, status=409)
    assert early["type"].endswith("/notice-period-running") and early["notice_ends_on"] == "2019-03-09"
    await h.step("identification/town-review", {"on": "2019-03-09"})
    identified = await h.step("identification/approve", {"on": "2019-03-10", "year": 2019})
    assert (identified["status"], identified["identified_year"]) == ("identified", 2019)
    identified_at = datetime.now(UTC)

    await h.put("incomes/2019", INCOME)
    await h.put("guarantees/2019", SECURE)
    check = expect(await api.registry.get(f"/v1/households/{h.id}/exit-check", params={"year": 2019}), 200)
    assert check["eligible"] is True and check["income_fen"] == 1_300_000 and check["failed"] == []
    await h.step("pre-exit", {"year": 2019, "on": "2019-10-01", "exit_path": "employment"})
    notice = await h.step("exit-notice", {"year": 2019, "on": "2019-11-01", "days": 7})
    assert notice["notice"]["ends_on"] == "2019-11-08"
    early = await h.step("exit", {"year": 2019, "exit_path": "employment", "on": "2019-11-07"}, status=409)
    assert early["notice_ends_on"] == "2019-11-08"
    exited = await h.step("exit", {"year": 2019, "exit_path": "employment", "on": "2019-11-08"})
    assert (exited["status"], exited["exit_year"], exited["exit_path"]) == ("exited", 2019, "employment")

    async def counted() -> dict | None:
        view = await api.overview(division=village, year=2019)
        return view if view["exits"]["households"] == before["exits"]["households"] + 1 else None

    view = await eventually(counted, timeout=30, interval=0.2, message="the exit did not reach the monitoring view")
    assert view["exits"]["by_key"].get("employment", 0) == before["exits"]["by_key"].get("employment", 0) + 1
    assert view["identifications"]["households"] == before["identifications"]["households"] + 1
    now = await api.overview(division=village)
    exited_now = now["households_by_status"].get("exited", {"households": 0, "persons": 0})
    exited_before = before_now["households_by_status"].get("exited", {"households": 0, "persons": 0})
    assert (exited_now["households"], exited_now["persons"]) == (exited_before["households"] + 1,
                                                                 exited_before["persons"] + 2)

    # history from the outbox, every event sequenced by the relay once Kafka acknowledged it
    async def published() -> list | None:
        events = await h.history()
        return events if all(e["sequence"] is not None for e in events) else None

    history = await eventually(published, timeout=30, interval=0.2, message="history not published")
    verbs = [e["type"].split(".")[3] for e in history]
    assert verbs[:3] == ["registered", "added", "added"] and verbs[-1] == "exited"
    assert verbs.index("identified") < verbs.index("income_recorded") < verbs.index("exited")
    sequences = [e["sequence"] for e in history]
    assert sequences == sorted(sequences) and len(set(sequences)) == len(sequences)
    assert all(e["actor"] for e in history)

    then = await h.get(as_of=identified_at.isoformat())
    assert (then["status"], then["identified_year"], then["exit_year"], then["incomes"]) == ("identified", 2019,
                                                                                             None, {})
    later = await h.get(as_of=datetime.now(UTC).isoformat())
    assert (later["status"], later["exit_path"]) == ("exited", "employment")
    assert later["incomes"]["2019"]["per_capita_income_fen"] == 1_300_000
    assert (await api.registry.get(f"/v1/households/{h.id}", params={"as_of": "2001-01-01T00:00:00Z"})
            ).status_code == 404


async def test_refused_registrations_write_nothing(api, villages) -> None:
    village = fresh_village(villages, HUAIJI)
    first_body = household_body(village)
    first = await api.register(first_body)
    listed_before = await api.households_in(village)

    bad = household_body(village)
    bad["members"][0]["id_number"] = wrong_check_digit(bad["members"][0]["id_number"])
    refused = await api.registry.post("/v1/households", json=bad)
    problem = expect(refused, 422)
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert [e["pointer"] for e in problem["errors"]] == ["#/members/0/id_number"]

    duplicate = household_body(village, members=[dict(first_body["members"][0])])
    conflict = expect(await api.registry.post("/v1/households", json=duplicate), 409)
    assert conflict["type"].endswith("/person-in-active-household") and first.id in conflict["detail"]
    assert [(c["pointer"], c["household_id"]) for c in conflict["conflicts"]] == [("#/members/0/id_number", first.id)]

    assert [x["id"] for x in await api.households_in(village)] == [x["id"] for x in listed_before]
    assert await api.households_with(bad["head"]["id_number"]) == []
    assert await api.households_with(duplicate["head"]["id_number"]) == []
    [only] = await api.households_with(first_body["members"][0]["id_number"])
    assert only["identifier"][0]["identifier_value"] == first.id
    assert [e["type"].split(".")[3] for e in await first.history()] == ["registered", "added", "added"]


async def test_county_token_sees_and_changes_only_its_county(api, county_api, villages) -> None:
    mine = await api.register(household_body(fresh_village(villages, GUANGNING)))
    other = await api.register(household_body(fresh_village(villages, HUAIJI)))
    county = county_api.registry

    first_page = expect(await county.get("/v1/households", params={"limit": 200}), 200)["items"]
    assert first_page and all(x["village_code"].startswith(GUANGNING[:6]) for x in first_page)
    assert mine.id in [x["id"] for x in await county_api.households_in(mine.state["village_code"])]
    seen = expect(await county.get(f"/v1/households/{mine.id}"), 200)
    assert "*" in seen["head"]["id_number"] and seen["head"]["id_number"] != mine.state["head"]["id_number"]
    assert expect(await county.get(f"/v1/households/{mine.id}/history"), 200)

    for path, params in [("/v1/households", {"division": HUAIJI}),
                         ("/v1/households", {"division": other.state["village_code"]})]:
        assert (await county.get(path, params=params)).status_code == 403
    for path, params in [(f"/v1/households/{other.id}", {}), (f"/v1/households/{other.id}/history", {}),
                         (f"/v1/households/{other.id}", {"as_of": datetime.now(UTC).isoformat()}),
                         (f"/v1/households/{other.id}/members", {})]:
        assert (await county.get(path, params=params)).status_code == 404, path

    patched = await county.patch(f"/v1/households/{other.id}", json={"address": "越权修改"}, headers={"If-Match": '"v1"'})
    assert patched.status_code == 404
    outside = household_body(other.state["village_code"])
    assert (await county.post("/v1/households", json=outside)).status_code == 403
    assert await api.households_with(outside["head"]["id_number"]) == []
    assert (await other.get())["version"] == 1


def _import_file(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["户编号", "村代码", "识别年度", "劳动能力类型", "致贫原因", "姓名", "证件号码", "与户主关系",
                     "参加基本医疗保险"])
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


async def _finished_import(client: StackClient, data: bytes) -> dict:
    accepted = await client.registry.post("/v1/imports", files={"file": ("县扶贫办台账.csv", data, "text/csv")})
    job = expect(accepted, 202)
    assert accepted.headers["location"] == f"imports/{job['id']}" and job["status"] in ("queued", "running")

    async def done() -> dict | None:
        now = expect(await client.registry.get(f"/v1/imports/{job['id']}"), 200)
        assert 0.0 <= now["progress"] <= 1.0
        return now if now["status"] in ("done", "failed") else None

    return await eventually(done, timeout=60, interval=0.25, message="import job did not finish")


async def test_bulk_csv_import_job_with_row_errors_and_reimport_changing_nothing(api, county_api, villages) -> None:
    village, elsewhere = fresh_village(villages, GUANGNING), fresh_village(villages, HUAIJI)
    before = await api.overview(division=village)
    tag = uuid.uuid4().hex[:10].upper()

    def person(area_of: str, relation: str, born: str, insured: str = "是") -> tuple[str, str, str, str]:
        return f"测试{relation}", id_number(area=area_of[:6], birth=born), relation, insured

    households = {f"E2E-{tag}-A": (village, [person(village, "户主", birth(1960, 1970)),
                                             person(village, "之子", birth(1990, 1999))]),
                  f"E2E-{tag}-B": (village, [person(village, "户主", birth(1960, 1970))]),
                  f"E2E-{tag}-C": (village, [person(village, "户主", birth(1960, 1970)),
                                             person(village, "之女", birth(1990, 1999), "否")]),
                  f"E2E-{tag}-D": (elsewhere, [person(elsewhere, "户主", birth(1960, 1970))])}
    rows = [[number, where, "2019", "有劳动能力", "因病", *p] for number, (where, people) in households.items()
            for p in people]
    bad_row = 2 + 2  # the header is row 1; household A takes rows 2 and 3
    rows[bad_row - 2][6] = wrong_check_digit(rows[bad_row - 2][6])
    data = _import_file(rows)

    job = await _finished_import(county_api, data)  # 广宁县's officer: household D lies in 怀集县
    assert (job["status"], job["progress"], job["division"]) == ("done", 1.0, GUANGNING)
    assert (job["households_created"], job["persons_created"], job["households_rejected"], job["rows_rejected"]) == (
        2, 4, 2, 2)
    errors = {(e["row"], e["column"]): e for e in job["errors"]}
    assert set(errors) == {(bad_row, "证件号码"), (len(rows) + 1, "村代码")}
    assert "check" in errors[(bad_row, "证件号码")]["reason"] and errors[(bad_row, "证件号码")]["household_no"] == \
        f"E2E-{tag}-B"
    assert "outside your division" in errors[(len(rows) + 1, "村代码")]["reason"]

    listed = await api.households_in(village)
    imported = {x["household_no"]: x for x in listed if (x["household_no"] or "").startswith(f"E2E-{tag}")}
    assert sorted(imported) == [f"E2E-{tag}-A", f"E2E-{tag}-C"]
    assert imported[f"E2E-{tag}-A"]["status"] == "identified" and imported[f"E2E-{tag}-C"]["persons"] == 2
    assert await api.households_with(households[f"E2E-{tag}-D"][1][0][1]) == []
    assert imported[f"E2E-{tag}-A"]["identified_year"] == 2019

    async def in_view() -> dict | None:
        view = await api.overview(division=village)
        return view if view["households_total"] == before["households_total"] + 2 else None

    view = await eventually(in_view, timeout=30, interval=0.2, message="imported households not in the view")
    assert view["persons_total"] == before["persons_total"] + 4

    again = await _finished_import(county_api, data)
    assert again["id"] != job["id"]
    assert (again["households_created"], again["households_unchanged"], again["persons_created"],
            again["households_rejected"]) == (0, 2, 0, 2)
    relisted = await api.households_in(village)
    assert [(x["id"], x["version"]) for x in relisted] == [(x["id"], x["version"]) for x in listed]


@pytest.fixture(scope="module")
def stats_token(running_stack: None) -> str:
    return token("stats-bureau")


async def _pull(feeds: StackClient, name: str, since: str, fmt: str = "ndjson") -> tuple[bytes, str]:
    response = await feeds.registry.get(f"/v1/feeds/{name}", params={"since": since, "format": fmt})
    assert response.status_code == 200, response.text
    return response.content, response.headers["feed-cursor"]


async def test_feeds_pull_returns_the_new_rows_de_identified(api, stats_token, villages) -> None:
    async with StackClient(stats_token) as feeds:
        _, start = await _pull(feeds, "households", since=str(2**62))  # nothing newer: the current cursor
        village = fresh_village(villages, GUANGNING)
        body = household_body(village, members=[member(village, "daughter", birth(2012, 2016), in_school=True)])
        h = await api.register(body)

        async def pulled() -> tuple | None:
            data, cursor = await _pull(feeds, "households", since=start)
            rows = [r for r in map(orjson.loads, data.splitlines()) if r["village_code"] == village]
            return (rows, data, cursor) if rows else None

        rows, data, cursor = await eventually(pulled, timeout=30, interval=0.2, message="household not in the feed")
        assert [(r["op"], r["status"], r["persons"], r["poverty_causes"]) for r in rows] == [
            ("upsert", "applied", 2, "illness")]
        assert int(cursor) > int(start) and rows[0]["seq"] > int(start)
        for secret in (h.id, body["head"]["id_number"], body["head"]["name"], body["members"][0]["id_number"]):
            assert secret.encode() not in data

        persons, _ = await _pull(feeds, "persons", since=start, fmt="csv")
        mine = sorted((r for r in csv.DictReader(io.StringIO(persons.decode("utf-8-sig"))) if r["village_code"] == village),
                      key=lambda r: r["relation"])
        assert [(r["relation"], r["household_id"]) for r in mine] == [("daughter", rows[0]["household_id"]),
                                                                     ("head", rows[0]["household_id"])]
        assert mine[0]["age_band"] == "6-15" and mine[1]["age_band"] in ("45-59", "60-69", "70+")
        assert body["members"][0]["id_number"].encode() not in persons

        later, _ = await _pull(feeds, "households", since=cursor)
        assert not [r for r in map(orjson.loads, later.splitlines()) if r["village_code"] == village]
