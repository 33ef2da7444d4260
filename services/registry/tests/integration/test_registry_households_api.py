"""Households and members over HTTP: register, read (masked, logged), amend, members join and leave."""
import pytest
from sqlalchemy import select, text

from fupin_registry.db import INFRA
from fupin_shared.testing import eventually

pytestmark = pytest.mark.pg
TABLES = ("household", "member", "outbox")


async def _events(harness, subject=None):
    async with harness.runtime.sessionmaker() as s:
        query = select(INFRA.Outbox).order_by(INFRA.Outbox.id)
        if subject:
            query = query.where(INFRA.Outbox.subject == str(subject))
        return list((await s.scalars(query)).all())


async def test_register_household_writes_state_and_events(any_registry, household_body):
    reg = any_registry
    body = household_body()
    r = await reg.client.post("/v1/households", json=body, headers=reg.auth())
    assert r.status_code == 201, r.text
    data = r.json()
    assert r.headers["etag"] == '"v1"' and r.headers["location"] == f"households/{data['id']}"
    assert data["status"] == "applied" and data["persons"] == 2
    assert data["allowed_steps"] == ["appraise", "new_poverty", "reject", "remove"]
    kid = next(m for m in data["members"] if m["relation"] == "daughter")
    assert kid["sex"] == "female" and kid["birth_date"] == f"{body['members'][0]['id_number'][6:10]}-" \
        f"{body['members'][0]['id_number'][10:12]}-{body['members'][0]['id_number'][12:14]}"
    events = await _events(reg, data["id"])
    assert [e.type for e in events] == ["fupin.registry.household.registered.v1",
                                        "fupin.registry.member.added.v1", "fupin.registry.member.added.v1"]
    assert events[0].data["labour_type"] == "labour" and events[0].data["persons"] == 2
    assert "name" not in events[1].data and "id_number" not in events[1].data
    assert events[2].data["relation"] == "daughter" and events[2].data["in_school"] is True

    async def published():
        return all(e.published_at for e in await _events(reg, data["id"]))
    await eventually(published)


async def test_idempotent_retry_creates_one_household(registry, household_body, reg):
    body = household_body()
    headers = {**registry.auth(), "Idempotency-Key": "k-1"}
    first = await registry.client.post("/v1/households", json=body, headers=headers)
    again = await registry.client.post("/v1/households", json=body, headers=headers)
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert again.headers["idempotent-replayed"] == "true"
    assert (await reg.count_rows(registry, "household"))["household"] == 1


@pytest.mark.parametrize("mutate, pointer", [
    (lambda b: b["head"].update(id_number=b["head"]["id_number"][:17] + ("0" if b["head"]["id_number"][17] != "0" else "1")),
     "#/head/id_number"),
    (lambda b: b["members"][0].update(birth_date="2001-01-01"), "#/members/0/birth_date"),
    (lambda b: b["members"][0].update(sex="male"), "#/members/0/sex"),
    (lambda b: b.update(village_code="441223101999"), "#/village_code"),
    (lambda b: b.update(poverty_causes=["illness", "illness"]), "#/poverty_causes"),
    (lambda b: b["members"][0].update(relation="head"), "#/members/0/relation"),
    (lambda b: b.update(persons=5), "#/persons"),
    (lambda b: b.update(poverty_causes=["bad_luck"]), "#/poverty_causes/0"),
    (lambda b: b["head"].update(disability_grade=7), "#/head/disability_grade"),
])
async def test_invalid_household_refused_with_field_errors_nothing_written(registry, household_body, reg, mutate,
                                                                           pointer):
    body = household_body()
    mutate(body)
    r = await registry.client.post("/v1/households", json=body, headers=registry.auth())
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert pointer in [e["pointer"] for e in r.json()["errors"]]
    assert await reg.count_rows(registry, *TABLES) == {t: 0 for t in TABLES}


async def test_one_active_household_per_person_409_names_the_other(any_registry, household_body, reg):
    first = household_body()
    r1 = await any_registry.client.post("/v1/households", json=first, headers=any_registry.auth())
    before = await reg.count_rows(any_registry, *TABLES)
    second = household_body()
    second["members"].append({"name": "黄小红", "id_number": first["members"][0]["id_number"], "relation": "other"})
    r = await any_registry.client.post("/v1/households", json=second, headers=any_registry.auth(
        scopes="registry:read registry:write"))
    assert r.status_code == 409
    problem = r.json()
    assert problem["type"].endswith("/person-in-active-household")
    assert problem["conflicts"][0]["household_id"] == r1.json()["id"]
    assert problem["conflicts"][0]["pointer"] == "#/members/1/id_number"
    assert "*" in problem["conflicts"][0]["id_number"]
    assert r1.json()["id"] in problem["detail"]
    assert await reg.count_rows(any_registry, *TABLES) == before


async def test_county_officer_cannot_register_or_read_outside_its_county(registry, household_body, reg):
    county = registry.auth(scopes="registry:read registry:write", division=reg.COUNTY)
    r = await registry.client.post("/v1/households", json=household_body(village=reg.OTHER_COUNTY_VILLAGE),
                                   headers=county)
    assert r.status_code == 403
    other = await registry.client.post("/v1/households", json=household_body(village=reg.OTHER_COUNTY_VILLAGE),
                                       headers=registry.auth())
    hid = other.json()["id"]
    for path in (f"/v1/households/{hid}", f"/v1/households/{hid}/history", f"/v1/households/{hid}/members"):
        assert (await registry.client.get(path, headers=county)).status_code == 404
    listed = await registry.client.get("/v1/households", headers=county)
    assert listed.json()["items"] == []
    assert (await registry.client.get("/v1/households", params={"division": "441224000000"},
                                      headers=county)).status_code == 403
    patch = await registry.client.patch(f"/v1/households/{hid}", json={"assisting_cadre": "x"},
                                        headers={**county, "If-Match": '"v1"'})
    assert patch.status_code == 404


async def test_personal_data_masked_without_pii_and_unmasked_reads_logged(registry, household_body, reg):
    body = household_body()
    hid = (await registry.client.post("/v1/households", json=body, headers=registry.auth())).json()["id"]
    masked = (await registry.client.get(f"/v1/households/{hid}", headers=registry.auth(
        scopes="registry:read"))).json()
    assert masked["head"]["id_number"].startswith("4412") and "*" in masked["head"]["id_number"]
    assert masked["head"]["name"] == "黄**" and masked["phone"] == "138****8000"
    assert masked["one_card_account"].endswith("5678") and masked["one_card_account"].startswith("*")
    assert "*" in masked["members"][1]["name"]
    assert (await reg.count_rows(registry, "access_log"))["access_log"] == 0
    full = (await registry.client.get(f"/v1/households/{hid}", headers=registry.auth(
        client_id="auditor", scopes="registry:read pii:read"))).json()
    assert full["head"]["id_number"] == body["head"]["id_number"] and full["phone"] == "13800138000"
    await registry.client.get("/v1/households", headers=registry.auth(client_id="auditor",
                                                                      scopes="registry:read pii:read"))
    async with registry.runtime.sessionmaker() as s:
        logs = list((await s.scalars(select(INFRA.AccessLog).order_by(INFRA.AccessLog.id))).all())
    assert [(log.actor, log.action, log.resource) for log in logs] == [
        ("auditor", "household.read", f"household/{hid}"), ("auditor", "household.list", f"household/{hid}")]


async def test_list_filters_by_status_and_cause_with_cursor(registry, household_body):
    auth = registry.auth()
    ids = []
    for causes in (["illness"], ["disability"], ["illness", "disaster"]):
        r = await registry.client.post("/v1/households", json=household_body(poverty_causes=causes), headers=auth)
        ids.append(r.json()["id"])
    page1 = (await registry.client.get("/v1/households", params={"cause": "illness", "limit": 1}, headers=auth)).json()
    assert [h["id"] for h in page1["items"]] == [ids[0]] and page1["next_cursor"]
    page2 = (await registry.client.get("/v1/households", params={"cause": "illness", "limit": 1,
                                                                 "cursor": page1["next_cursor"]}, headers=auth)).json()
    assert [h["id"] for h in page2["items"]] == [ids[2]] and page2["next_cursor"] is None
    wrong = await registry.client.get("/v1/households", params={"cause": "disability",
                                                                "cursor": page1["next_cursor"]}, headers=auth)
    assert wrong.status_code == 400
    none = await registry.client.get("/v1/households", params={"status": "exited"}, headers=auth)
    assert none.json()["items"] == []


async def test_amend_needs_if_match_and_events_carry_no_personal_values(registry, household_body, reg):
    auth = registry.auth()
    hid = (await registry.client.post("/v1/households", json=household_body(), headers=auth)).json()["id"]
    change = {"guarantee_type": "dibao", "phone": "13900000000", "poverty_causes": ["disability"]}
    assert (await registry.client.patch(f"/v1/households/{hid}", json=change, headers=auth)).status_code == 428
    before = await reg.count_rows(registry, "outbox")
    stale = await registry.client.patch(f"/v1/households/{hid}", json=change, headers={**auth, "If-Match": '"v9"'})
    assert stale.status_code == 412 and await reg.count_rows(registry, "outbox") == before
    r = await registry.client.patch(f"/v1/households/{hid}", json=change, headers={**auth, "If-Match": '"v1"'})
    assert r.status_code == 200 and r.headers["etag"] == '"v2"' and r.json()["guarantee_type"] == "dibao"
    event = (await _events(registry, hid))[-1]
    assert event.type == "fupin.registry.household.updated.v1"
    assert event.data["changed"] == ["guarantee_type", "phone", "poverty_causes"]
    assert event.data["values"] == {"guarantee_type": "dibao", "poverty_causes": ["disability"]}
    listed = await registry.client.get("/v1/households", params={"cause": "disability"}, headers=auth)
    assert [h["id"] for h in listed.json()["items"]] == [hid]


async def test_members_join_change_and_leave_never_deleted(any_registry, household_body, reg):
    h = any_registry
    auth = h.auth()
    created = (await h.client.post("/v1/households", json=household_body(), headers=auth)).json()
    hid = created["id"]
    head = next(m for m in created["members"] if m["relation"] == "head")
    kid = next(m for m in created["members"] if m["relation"] == "daughter")
    spouse_id = reg.new_id_number(__import__("datetime").date(1972, 2, 2), __import__("random").Random(7),
                                  male=False)
    r = await h.client.post(f"/v1/households/{hid}/members", json={"name": "陈某", "id_number": spouse_id,
                                                                  "relation": "spouse", "medical_insurance": True},
                            headers=auth)
    assert r.status_code == 201 and r.json()["sex"] == "female"
    spouse = r.json()
    r = await h.client.patch(f"/v1/households/{hid}/members/{kid['id']}", json={"health": "serious_illness"},
                             headers={**auth, "If-Match": '"v1"'})
    assert r.status_code == 200 and r.json()["health"] == "serious_illness"
    no_heir = await h.client.post(f"/v1/households/{hid}/members/{head['id']}/leave", json={"reason": "death"},
                                  headers={**auth, "If-Match": '"v1"'})
    assert no_heir.status_code == 422 and no_heir.json()["errors"][0]["pointer"] == "#/new_head_member_id"
    r = await h.client.post(f"/v1/households/{hid}/members/{head['id']}/leave",
                            json={"reason": "death", "new_head_member_id": spouse["id"]},
                            headers={**auth, "If-Match": '"v1"'})
    assert r.status_code == 200 and r.json()["active"] is False and r.json()["left_reason"] == "death"
    household = (await h.client.get(f"/v1/households/{hid}", headers=auth)).json()
    assert household["persons"] == 2 and household["head"]["id_number"] == spouse_id
    assert len(household["members"]) == 3
    types = [e.type.split(".")[2] + "." + e.type.split(".")[3] for e in await _events(h, hid)]
    assert types[-4:] == ["member.added", "member.updated", "member.left", "member.updated"]
    # the person who left may now be registered elsewhere
    assert (await h.client.delete(f"/v1/households/{hid}/members/{kid['id']}", headers=auth)).status_code == 405


async def test_member_refused_while_active_elsewhere_and_last_member_cannot_leave(registry, household_body, reg):
    auth = registry.auth()
    a = household_body()
    first = (await registry.client.post("/v1/households", json=a, headers=auth)).json()
    b = (await registry.client.post("/v1/households", json=household_body(members=[]), headers=auth)).json()
    before = await reg.count_rows(registry, *TABLES)
    r = await registry.client.post(f"/v1/households/{b['id']}/members",
                                   json={"name": "黄小红", "id_number": a["members"][0]["id_number"],
                                         "relation": "daughter"}, headers=auth)
    assert r.status_code == 409 and r.json()["conflicts"][0]["household_id"] == first["id"]
    only = b["members"][0]
    r = await registry.client.post(f"/v1/households/{b['id']}/members/{only['id']}/leave", json={"reason": "moved"},
                                   headers={**auth, "If-Match": '"v1"'})
    assert r.status_code == 409 and r.json()["type"].endswith("/last-member-cannot-leave")
    assert await reg.count_rows(registry, *TABLES) == before


async def _another_village(harness, county: str, not_this: str) -> str:
    async with harness.runtime.engine.connect() as conn:
        return (await conn.execute(text(
            "SELECT code FROM division WHERE level = 'village' AND code LIKE :county AND code <> :other "
            "ORDER BY code LIMIT 1"), {"county": county[:6] + "%", "other": not_this})).scalar_one()


async def test_household_moves_to_another_village_with_an_event(any_registry, household_body, reg):
    h = any_registry
    county = h.auth(scopes="registry:read registry:write", division=reg.COUNTY)
    hid = (await h.client.post("/v1/households", json=household_body(), headers=county)).json()["id"]
    target = await _another_village(h, reg.COUNTY, reg.VILLAGE)
    r = await h.client.patch(f"/v1/households/{hid}", json={"village_code": target},
                             headers={**county, "If-Match": '"v1"'})
    assert r.status_code == 200, r.text
    assert r.json()["village_code"] == target and r.headers["etag"] == '"v2"'
    event = (await _events(h, hid))[-1]
    assert event.type == "fupin.registry.household.updated.v1" and event.division == target
    assert event.data["village_code"] == target and event.data["previous_village_code"] == reg.VILLAGE
    assert event.data["changed"] == ["village_code"] and event.data["values"] == {"village_code": target}
    listed = await h.client.get("/v1/households", params={"division": target}, headers=county)
    assert [x["id"] for x in listed.json()["items"]] == [hid]


async def test_move_refused_outside_the_division_or_to_an_unknown_village_nothing_written(registry, household_body,
                                                                                          reg):
    county = registry.auth(scopes="registry:read registry:write", division=reg.COUNTY)
    hid = (await registry.client.post("/v1/households", json=household_body(), headers=county)).json()["id"]
    before = await reg.count_rows(registry, "outbox")
    away = await registry.client.patch(f"/v1/households/{hid}", json={"village_code": reg.OTHER_COUNTY_VILLAGE},
                                       headers={**county, "If-Match": '"v1"'})
    assert away.status_code == 403  # the new village is outside the caller's county
    unknown = await registry.client.patch(f"/v1/households/{hid}", json={"village_code": "441223101999"},
                                          headers={**county, "If-Match": '"v1"'})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["pointer"] == "#/village_code"
    elsewhere = (await registry.client.post("/v1/households", json=household_body(village=reg.OTHER_COUNTY_VILLAGE),
                                            headers=registry.auth())).json()["id"]
    after_second = await reg.count_rows(registry, "outbox")
    into = await registry.client.patch(f"/v1/households/{elsewhere}", json={"village_code": reg.VILLAGE},
                                       headers={**county, "If-Match": '"v1"'})
    assert into.status_code == 404  # the old village is outside the caller's county
    assert await reg.count_rows(registry, "outbox") == after_second
    assert after_second["outbox"] == before["outbox"] + 3  # only the second registration's events
    state = (await registry.client.get(f"/v1/households/{hid}", headers=county)).json()
    assert state["village_code"] == reg.VILLAGE and state["version"] == 1
    other = (await registry.client.get(f"/v1/households/{elsewhere}", headers=registry.auth())).json()
    assert other["village_code"] == reg.OTHER_COUNTY_VILLAGE and other["version"] == 1
