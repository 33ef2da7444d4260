"""Progress reports over HTTP: a department reports only on its tasks; the leading-group office
accepts or returns; accepted reports are immutable; refusals write nothing."""
import pytest
from fupin_shared.testing import eventually

pytestmark = pytest.mark.pg
TABLES = ("report", "outbox")
BODY = {"period": "2019Q3", "status": "on_track", "narrative": "本季度完成教育扶贫资助发放。",
        "metrics": {"students_supported": 1520, "T08-2": 100, "on_schedule": True}}


async def submit(h, tk, task=8, unit="市教育局", **overrides):
    return await h.client.post(f"/v1/tasks/{task}/reports", json={**BODY, **overrides}, headers=tk.dept(h, unit))


async def test_a_department_submits_a_report_on_its_task(any_tasks, tk):
    h = any_tasks
    r = await submit(h, tk)
    assert r.status_code == 201, r.text
    report = r.json()
    assert r.headers["etag"] == '"v1"' and r.headers["location"] == f"/v1/tasks/8/reports/{report['id']}"
    assert (report["unit"], report["role"], report["period"], report["period_kind"]) == (
        "市教育局", "participant", "2019Q3", "quarterly")
    assert report["state"] == "submitted" and report["status"] == "on_track"
    assert report["due_on"] == "2019-10-18" and report["on_time"] is False  # submitted today, years later
    [event] = await tk.events(h, "report.changed")
    assert event.subject == "8" and event.division == "441200000000"
    assert event.data["report_id"] == report["id"] and event.data["state"] == "submitted"
    assert event.data["progress"] == "on_track" and event.data["due_on"] == "2019-10-18"
    assert event.data["role"] == "participant" and event.data["plan_id"] == "2018-2020"
    assert event.data["metrics"]["students_supported"] == 1520

    async def published():
        return all(e.published_at for e in await tk.events(h, "report"))
    await eventually(published)
    listed = await h.client.get("/v1/tasks/8/reports", headers=tk.dept(h, "市农业局", ["tasks:read"]))
    assert [x["id"] for x in listed.json()["items"]] == [report["id"]]


async def test_a_unit_is_refused_on_a_task_it_has_no_role_in_and_nothing_is_written(any_tasks, tk):
    h = any_tasks
    before = await tk.counts(h, *TABLES)
    r = await submit(h, tk, task=1)
    assert r.status_code == 403 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["type"].endswith("/unit-has-no-role-on-task") and r.json()["task_number"] == 1
    # a token for one unit cannot report for another, nor can a reader write
    r = await h.client.post("/v1/tasks/1/reports", json={**BODY, "unit": "市农业局"}, headers=tk.dept(h))
    assert r.status_code == 403 and r.json()["type"].endswith("/unit-mismatch")
    r = await h.client.post("/v1/tasks/8/reports", json=BODY, headers=tk.dept(h, scopes=["tasks:read"]))
    assert r.status_code == 403
    assert await tk.counts(h, *TABLES) == before


async def test_bad_input_is_refused_and_nothing_is_written(tasks_pg, tk):
    h = tasks_pg
    before = await tk.counts(h, *TABLES)
    for body, status, slug in [({**BODY, "period": "2019Q5"}, 422, "validation-error"),
                               ({**BODY, "status": "fine"}, 422, "validation-error"),
                               ({**BODY, "period": "2021Q1"}, 422, "validation-error"),
                               ({**BODY, "narrative": ""}, 422, "validation-error")]:
        r = await h.client.post("/v1/tasks/8/reports", json=body, headers=tk.dept(h))
        assert (r.status_code, r.json()["type"].rsplit("/", 1)[1]) == (status, slug), r.text
    r = await h.client.post("/v1/tasks/99/reports", json=BODY, headers=tk.dept(h))
    assert r.status_code == 404 and r.json()["type"].endswith("/task-not-found")
    first = await submit(h, tk)
    r = await submit(h, tk)
    assert r.status_code == 409 and r.json()["report_id"] == first.json()["id"]
    assert (await tk.counts(h, *TABLES))["report"] == before["report"] + 1


async def test_the_office_returns_then_accepts_and_an_accepted_report_is_immutable(any_tasks, tk):
    h = any_tasks
    report = (await submit(h, tk)).json()
    url = f"/v1/tasks/8/reports/{report['id']}"
    r = await h.client.post(f"{url}/return", json={"comment": "请补充资助资金发放进度。"},
                            headers={**tk.office(h), "If-Match": '"v1"'})
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "returned" and r.json()["review_comment"] == "请补充资助资金发放进度。"
    r = await h.client.put(url, json={"status": "at_risk", "narrative": "已补充资金发放进度。", "metrics": {"T08-2": 98.5}},
                           headers={**tk.dept(h), "If-Match": r.headers["etag"]})
    assert r.status_code == 200 and r.json()["state"] == "submitted" and r.json()["revisions"] == 1
    r = await h.client.post(f"{url}/accept", headers={**tk.office(h), "If-Match": r.headers["etag"]})
    assert r.status_code == 200 and r.json()["state"] == "accepted" and r.headers["etag"] == '"v4"'
    target = (await h.client.get("/v1/targets/T08-2", headers=tk.dept(h))).json()
    assert target["progress"]["value"] == 98.5 and target["progress"]["source"] == "report"
    assert target["progress"]["period"] == "2019Q3" and target["progress"]["met"] is False
    before = await tk.counts(h, *TABLES)
    r = await h.client.put(url, json={"status": "done", "narrative": "改"}, headers={**tk.dept(h), "If-Match": '"v4"'})
    assert r.status_code == 409 and r.json()["type"].endswith("/report-accepted")
    r = await h.client.post(f"{url}/return", json={"comment": "x"}, headers={**tk.office(h), "If-Match": '"v4"'})
    assert r.status_code == 409
    assert await tk.counts(h, *TABLES) == before
    history = (await h.client.get(f"{url}/history", headers=tk.dept(h))).json()
    assert [e["data"]["state"] for e in history] == ["submitted", "returned", "submitted", "accepted"]
    assert [e["data"]["version"] for e in history] == [1, 2, 3, 4]
    progressed = await tk.events(h, "target.progressed")
    assert [(e.data["target_id"], e.data["value"], e.data["source"]) for e in progressed] == [("T08-2", 98.5, "report")]


async def test_only_the_office_reviews_and_refusals_write_nothing(tasks_pg, tk):
    h = tasks_pg
    report = (await submit(h, tk)).json()
    url = f"/v1/tasks/8/reports/{report['id']}"
    before = await tk.counts(h, *TABLES)
    r = await h.client.post(f"{url}/accept", headers={**tk.dept(h), "If-Match": '"v1"'})
    assert r.status_code == 403 and r.json()["type"].endswith("/review-not-allowed")
    r = await h.client.post(f"{url}/accept", headers=tk.office(h))
    assert r.status_code == 428
    r = await h.client.post(f"{url}/accept", headers={**tk.office(h), "If-Match": '"v7"'})
    assert r.status_code == 412
    r = await h.client.post(f"{url}/return", json={}, headers={**tk.office(h), "If-Match": '"v1"'})
    assert r.status_code == 422
    assert await tk.counts(h, *TABLES) == before
    reviewer = h.auth(scopes=["tasks:read", "tasks:review"], unit="市审计局")
    r = await h.client.post(f"{url}/accept", headers={**reviewer, "If-Match": '"v1"'})
    assert r.status_code == 200 and r.json()["reviewer"]


async def test_a_retried_submission_with_an_idempotency_key_creates_one_report(tasks_pg, tk):
    h = tasks_pg
    headers = {**tk.dept(h), "Idempotency-Key": "rep-2019q3-8"}
    first = await h.client.post("/v1/tasks/8/reports", json=BODY, headers=headers)
    again = await h.client.post("/v1/tasks/8/reports", json=BODY, headers=headers)
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert again.headers["idempotent-replayed"] == "true"
    assert (await tk.counts(h, "report"))["report"] == 1


async def test_a_county_sees_only_its_units_reports(tasks_pg, tk):
    h = tasks_pg
    city = (await submit(h, tk)).json()
    county = await h.client.post("/v1/tasks/17/reports", json={**BODY, "unit": "四会市党委和政府"},
                                 headers=h.auth(scopes=["tasks:read", "tasks:write"], division="441284000000"))
    assert county.status_code == 201, county.text
    sihui = h.auth(scopes=["tasks:read"], division="441284000000")
    listed = (await h.client.get("/v1/reports", headers=sihui)).json()["items"]
    assert [x["unit"] for x in listed] == ["四会市党委和政府"]
    assert (await h.client.get(f"/v1/tasks/8/reports/{city['id']}", headers=sihui)).status_code == 404
    r = await h.client.get("/v1/reports?division=441200000000", headers=sihui)
    assert r.status_code == 403
    other = h.auth(scopes=["tasks:read", "tasks:write"], division="441223000000")
    r = await h.client.post("/v1/tasks/17/reports", json={**BODY, "unit": "四会市党委和政府", "period": "2019"},
                            headers=other)
    assert r.status_code == 403 and r.json()["type"].endswith("/unit-outside-division")
