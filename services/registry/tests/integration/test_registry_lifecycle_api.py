"""The lifecycle over HTTP: identification with its notice, exit with its checks, return, removal, as_of."""
from datetime import UTC, datetime

import pytest

pytestmark = pytest.mark.pg

INCOME_OK = {"wage_fen": 1_800_000, "production_fen": 900_000, "production_cost_fen": 200_000, "transfer_fen": 100_000}
SECURE = {"food": True, "clothing": True, "compulsory_education": True, "basic_medical": True,
          "housing_safety": "A", "drinking_water": True}


class Client:
    """Follows the household's ETag from step to step."""

    def __init__(self, harness, household_id, etag='"v1"'):
        self.h, self.id, self.etag = harness, household_id, etag

    async def post(self, path, body, *, expect=200):
        r = await self.h.client.post(f"/v1/households/{self.id}/{path}", json=body,
                                     headers={**self.h.auth(), "If-Match": self.etag})
        assert r.status_code == expect, r.text
        if r.status_code == 200:
            self.etag = r.headers["etag"]
        return r.json()

    async def put(self, path, body, *, expect=(200, 201)):
        r = await self.h.client.put(f"/v1/households/{self.id}/{path}", json=body, headers=self.h.auth())
        assert r.status_code in expect, r.text
        return r.json()


async def _registered(harness, household_body, **overrides):
    r = await harness.client.post("/v1/households", json=household_body(**overrides), headers=harness.auth())
    return Client(harness, r.json()["id"])


async def _identified(harness, household_body, **overrides):
    c = await _registered(harness, household_body, **overrides)
    await c.post("identification/appraise", {"on": "2019-03-01"})
    await c.post("identification/notice", {"on": "2019-03-02", "days": 7})
    await c.post("identification/town-review", {"on": "2019-03-09"})
    await c.post("identification/approve", {"on": "2019-03-10", "year": 2019})
    return c


async def test_identification_procedure_with_a_seven_day_notice(any_registry, household_body, reg):
    c = await _registered(any_registry, household_body)
    await c.post("identification/appraise", {"on": "2019-03-01"})
    noticed = await c.post("identification/notice", {"on": "2019-03-02"})
    assert noticed["status"] == "identification_notice"
    assert noticed["notice"] == {"kind": "identification", "started_on": "2019-03-02", "ends_on": "2019-03-09"}
    early = await c.post("identification/town-review", {"on": "2019-03-08"}, expect=409)
    assert early["type"].endswith("/notice-period-running") and early["notice_ends_on"] == "2019-03-09"
    await c.post("identification/town-review", {"on": "2019-03-09"})
    approved = await c.post("identification/approve", {"on": "2019-03-10"})
    assert approved["status"] == "identified" and approved["identified_year"] == 2019 and approved["notice"] is None
    history = (await any_registry.client.get(f"/v1/households/{c.id}/history", headers=any_registry.auth())).json()
    assert [e["type"].split(".")[3] for e in history][-4:] == ["status_changed", "status_changed", "status_changed",
                                                               "identified"]
    assert history[-3]["data"]["notice_ends_on"] == "2019-03-09" and history[-1]["data"]["year"] == 2019


async def test_notice_shorter_than_seven_days_and_illegal_steps_refused(registry, household_body, reg):
    c = await _registered(registry, household_body)
    before = await reg.count_rows(registry, "outbox")
    short = await c.post("identification/notice", {"days": 7}, expect=409)
    assert short["type"].endswith("/illegal-transition") and short["allowed_steps"] == [
        "appraise", "new_poverty", "reject", "remove"]
    await c.post("exit", {"year": 2019, "exit_path": "industry"}, expect=409)
    await c.post("identification/appraise", {"on": "2019-03-01"})
    r = await registry.client.post(f"/v1/households/{c.id}/identification/notice", json={"days": 6},
                                   headers={**registry.auth(), "If-Match": c.etag})
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "#/days"
    backdated = await c.post("identification/notice", {"on": "2019-02-01"}, expect=422)
    assert backdated["errors"][0]["pointer"] == "#/on"
    future = await c.post("identification/notice", {"on": "2099-01-01"}, expect=422)
    assert future["errors"][0]["pointer"] == "#/on"
    assert (await reg.count_rows(registry, "outbox"))["outbox"] == before["outbox"] + 1


async def test_exit_after_notice_with_checks_passing(any_registry, household_body):
    c = await _identified(any_registry, household_body)
    income = await c.put("incomes/2019", INCOME_OK)
    assert income["per_capita_fen"] == 1_300_000 and income["line_fen"] == 869_900
    await c.put("guarantees/2019", SECURE)
    await c.post("pre-exit", {"year": 2019, "on": "2019-10-01", "exit_path": "employment"})
    await c.post("exit-notice", {"year": 2019, "on": "2019-11-01"})
    early = await c.post("exit", {"year": 2019, "exit_path": "employment", "on": "2019-11-07"}, expect=409)
    assert early["notice_ends_on"] == "2019-11-08"
    exited = await c.post("exit", {"year": 2019, "exit_path": "employment", "on": "2019-11-08"})
    assert (exited["status"], exited["exit_year"], exited["exit_path"]) == ("exited", 2019, "employment")
    follow = await c.post("follow-ups", {"on": "2020-03-01", "note": "visited"})
    assert follow["status"] == "exited"
    returned = await c.post("return", {"year": 2020, "cause": "illness", "on": "2020-05-01"})
    assert returned["status"] == "returned" and returned["return_cause"] == "illness"
    history = (await any_registry.client.get(f"/v1/households/{c.id}/history", headers=any_registry.auth())).json()
    exit_event = next(e for e in history if e["type"] == "fupin.registry.household.exited.v1")
    assert exit_event["data"] == {**exit_event["data"], "year": 2019, "exit_path": "employment", "status": "exited",
                                  "per_capita_income_fen": 1_300_000, "line_fen": 869_900, "persons": 2}


async def test_exit_refused_naming_each_failed_criterion_nothing_written(registry, household_body, reg):
    c = await _identified(registry, household_body)
    await c.put("incomes/2019", {"wage_fen": 1_000_000})
    await c.put("guarantees/2019", {**SECURE, "housing_safety": "D", "drinking_water": False})
    check = (await registry.client.get(f"/v1/households/{c.id}/exit-check", params={"year": 2019},
                                       headers=registry.auth())).json()
    assert check["eligible"] is False and check["line_fen"] == 869_900 and check["income_fen"] == 500_000
    assert [f["criterion"] for f in check["failed"]] == ["income_below_line", "housing_safety", "drinking_water"]
    await c.post("pre-exit", {"year": 2019})
    before = await reg.count_rows(registry, "outbox")
    refused = await c.post("exit-notice", {"year": 2019}, expect=409)
    assert refused["type"].endswith("/household-exit-conditions-unmet")
    assert refused["unmet"] == ["income_below_line", "housing_safety", "drinking_water"]
    assert await reg.count_rows(registry, "outbox") == before
    state = (await registry.client.get(f"/v1/households/{c.id}", headers=registry.auth())).json()
    assert state["status"] == "pre_exit" and state["notice"] is None
    cancelled = await c.post("exit-cancel", {})
    assert cancelled["status"] == "identified"


async def test_household_without_labour_exits_through_social_security(registry, household_body, reg):
    body = household_body(labour_type="no_labour", guarantee_type="dibao")
    body["head"]["labour_skill"] = "lost"
    c = await _identified(registry, household_body, **{k: body[k] for k in ("labour_type", "guarantee_type", "head")})
    await c.put("incomes/2019", {"transfer_fen": 500_000})
    await c.put("guarantees/2019", SECURE)
    check = (await registry.client.get(f"/v1/households/{c.id}/exit-check", params={"year": 2019},
                                       headers=registry.auth())).json()
    assert check["eligible"] is True and check["track"] == "social_security"
    await c.post("pre-exit", {"year": 2019, "on": "2019-10-01"})
    await c.post("exit-notice", {"year": 2019, "on": "2019-11-01"})
    wrong = await c.post("exit", {"year": 2019, "exit_path": "industry", "on": "2019-11-08"}, expect=422)
    assert wrong["errors"][0]["pointer"] == "#/exit_path"
    exited = await c.post("exit", {"year": 2019, "exit_path": "social_security", "on": "2019-11-08"})
    assert exited["status"] == "exited"


async def test_new_poverty_from_illness_and_removal_frees_the_people(registry, household_body, reg):
    body = household_body()
    c = await _registered(registry, household_body, **{k: body[k] for k in ("head", "members")})
    wrong = await c.post("new-poverty", {"year": 2020, "cause": "lack_of_skills"}, expect=422)
    assert wrong["errors"][0]["pointer"] == "#/cause"
    brought_in = await c.post("new-poverty", {"year": 2020, "cause": "illness"})
    assert brought_in["status"] == "identified" and brought_in["identified_year"] == 2020
    removed = await c.post("removal", {"year": 2020, "reason": "property"})
    assert removed["status"] == "removed" and removed["allowed_steps"] == []
    assert all(m["active"] is False for m in removed["members"])
    again = await registry.client.post("/v1/households", json={**household_body(), "head": body["head"],
                                                               "members": body["members"]},
                                       headers=registry.auth())
    assert again.status_code == 201
    await c.post("removal", {"year": 2020, "reason": "property"}, expect=409)


async def test_state_as_of_a_past_time_is_rebuilt_from_events(registry, household_body):
    c = await _identified(registry, household_body)
    middle = datetime.now(UTC)
    await c.put("incomes/2019", INCOME_OK)
    await c.put("guarantees/2019", SECURE)
    await c.post("pre-exit", {"year": 2019, "on": "2019-10-01"})
    await c.post("exit-notice", {"year": 2019, "on": "2019-11-01"})
    await c.post("exit", {"year": 2019, "exit_path": "industry", "on": "2019-11-08"})
    then = (await registry.client.get(f"/v1/households/{c.id}", params={"as_of": middle.isoformat()},
                                      headers=registry.auth())).json()
    assert then["status"] == "identified" and then["identified_year"] == 2019 and then["incomes"] == {}
    assert then["persons"] == 2 and len(then["members"]) == 2 and then["exit_year"] is None
    now = (await registry.client.get(f"/v1/households/{c.id}", params={"as_of": datetime.now(UTC).isoformat()},
                                     headers=registry.auth())).json()
    assert now["status"] == "exited" and now["exit_path"] == "industry"
    assert now["incomes"]["2019"]["per_capita_income_fen"] == 1_300_000 and now["guarantees"]["2019"]["compliant"]
    before = await registry.client.get(f"/v1/households/{c.id}", params={"as_of": "2001-01-01T00:00:00Z"},
                                       headers=registry.auth())
    assert before.status_code == 404
    naive = await registry.client.get(f"/v1/households/{c.id}", params={"as_of": "2030-01-01T00:00:00"},
                                      headers=registry.auth())
    assert naive.status_code == 422


async def test_lifecycle_table_is_served(registry):
    table = (await registry.client.get("/v1/lifecycle", headers=registry.auth(scopes="registry:read"))).json()
    assert table["notice_min_days"] == 7
    assert {"from": "exit_notice", "step": "exit", "to": "exited"} in table["transitions"]


async def test_cancelling_a_pre_exit_returns_to_identified_with_an_event(any_registry, household_body):
    c = await _identified(any_registry, household_body)
    marked = await c.post("pre-exit", {"year": 2019, "on": "2019-10-01", "exit_path": "industry"})
    assert marked["status"] == "pre_exit" and "cancel_exit" in marked["allowed_steps"]
    cancelled = await c.post("exit-cancel", {"on": "2019-10-05", "note": "objection at the village meeting"})
    assert cancelled["status"] == "identified" and cancelled["notice"] is None
    assert "pre_exit" in cancelled["allowed_steps"]
    history = (await any_registry.client.get(f"/v1/households/{c.id}/history", headers=any_registry.auth())).json()
    last = history[-1]
    assert last["type"] == "fupin.registry.household.status_changed.v1"
    assert last["data"]["from_status"] == "pre_exit" and last["data"]["step"] == "cancel_exit"
    assert last["data"]["status"] == "identified" and last["data"]["note"] == "objection at the village meeting"


async def test_cancel_without_a_pre_exit_is_refused_nothing_written(registry, household_body, reg):
    c = await _identified(registry, household_body)
    before = await reg.count_rows(registry, "outbox")
    refused = await c.post("exit-cancel", {}, expect=409)
    assert refused["type"].endswith("/illegal-transition") and "pre_exit" in refused["allowed_steps"]
    assert await reg.count_rows(registry, "outbox") == before
    state = (await registry.client.get(f"/v1/households/{c.id}", headers=registry.auth())).json()
    assert state["status"] == "identified" and f'"v{state["version"]}"' == c.etag
