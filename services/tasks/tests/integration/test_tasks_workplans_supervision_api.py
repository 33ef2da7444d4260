"""Work plans (yearly milestones with owners) and supervision findings over HTTP."""
from datetime import date

import pytest
from fupin_tasks.config import config_for
from fupin_tasks.overdue.service import detect_overdue

pytestmark = pytest.mark.pg
PLAN_BODY = {"year": 2019, "summary": "教育扶贫年度工作计划", "milestones": [
    {"title": "制定资助工作方案", "due_on": "2019-03-31", "owner": {"name": "王建华", "post": "资助中心主任"},
     "status": "done", "done_on": "2019-03-20"},
    {"title": "完成春季学期资助发放", "due_on": "2019-06-30", "owner": {"name": "李丽娟", "post": "科长"}}]}


async def test_a_unit_files_its_work_plan_with_owners(any_tasks, tk):
    h = any_tasks
    r = await h.client.post("/v1/tasks/8/work-plans", json=PLAN_BODY, headers=tk.dept(h))
    assert r.status_code == 201, r.text
    plan = r.json()
    assert plan["unit"] == "市教育局" and plan["role"] == "participant" and plan["milestones_done"] == 1
    assert [m["owner"]["name"] for m in plan["milestones"]] == ["王**", "李**"]  # masked without pii:read
    assert plan["milestones"][0]["owner"]["post"] == "资助中心主任"
    [event] = await tk.events(h, "work_plan.changed")
    assert event.data["work_plan_id"] == plan["id"] and event.data["milestones"] == 2
    assert event.data["milestones_done"] == 1 and "王建华" not in str(event.data)
    before = await tk.counts(h, "access_log")
    full = await h.client.get(f"/v1/tasks/8/work-plans/{plan['id']}", headers=tk.admin(h))
    assert full.json()["milestones"][0]["owner"]["name"] == "王建华"
    assert (await tk.counts(h, "access_log"))["access_log"] == before["access_log"] + 1
    revised = {**PLAN_BODY, "milestones": [{**m, "status": "done", "done_on": "2019-06-28"} if i == 1 else m
                                           for i, m in enumerate(PLAN_BODY["milestones"])]}
    revised.pop("year")
    r = await h.client.put(f"/v1/tasks/8/work-plans/{plan['id']}", json=revised,
                           headers={**tk.dept(h), "If-Match": '"v1"'})
    assert r.status_code == 200 and r.json()["milestones_done"] == 2 and r.headers["etag"] == '"v2"'
    history = (await h.client.get(f"/v1/tasks/8/work-plans/{plan['id']}/history", headers=tk.dept(h))).json()
    assert [e["data"]["milestones_done"] for e in history] == [1, 2]


async def test_work_plans_are_refused_off_the_units_tasks_and_with_bad_milestones(tasks_pg, tk):
    h = tasks_pg
    before = await tk.counts(h, "work_plan", "outbox")
    r = await h.client.post("/v1/tasks/1/work-plans", json=PLAN_BODY, headers=tk.dept(h))
    assert r.status_code == 403 and r.json()["type"].endswith("/unit-has-no-role-on-task")
    bad = {**PLAN_BODY, "milestones": [{**PLAN_BODY["milestones"][0], "due_on": "2020-01-15"}]}
    r = await h.client.post("/v1/tasks/8/work-plans", json=bad, headers=tk.dept(h))
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "#/milestones/0/due_on"
    r = await h.client.post("/v1/tasks/8/work-plans", json={**PLAN_BODY, "year": 2023}, headers=tk.dept(h))
    assert r.status_code == 422
    assert await tk.counts(h, "work_plan", "outbox") == before
    assert (await h.client.post("/v1/tasks/8/work-plans", json=PLAN_BODY, headers=tk.dept(h))).status_code == 201
    r = await h.client.post("/v1/tasks/8/work-plans", json=PLAN_BODY, headers=tk.dept(h))
    assert r.status_code == 409 and r.json()["type"].endswith("/work-plan-exists")


FINDING = {"kind": "supervision", "severity": "major", "title": "教育生活费补助发放台账不完整",
           "found_on": "2019-04-16", "rectify_by": "2019-05-31", "unit": "市教育局", "task_number": 8}


async def test_the_office_records_a_finding_the_unit_rectifies_and_the_office_closes_it(any_tasks, tk):
    h = any_tasks
    r = await h.client.post("/v1/supervisions", json=FINDING, headers=tk.office(h))
    assert r.status_code == 201, r.text
    finding = r.json()
    assert finding["state"] == "open" and finding["division_code"] == "441200000000" and finding["year"] == 2019
    assert finding["overdue"] is True  # 2019 deadline, nothing submitted
    url = f"/v1/supervisions/{finding['id']}"
    r = await h.client.post(f"{url}/evidence", headers={**tk.dept(h), "If-Match": '"v1"'}, json={
        "description": "已补齐台账并公示", "rectified_on": "2019-05-20",
        "documents": [{"title": "整改报告", "reference": "教整〔2019〕3号"}]})
    assert r.status_code == 200 and r.json()["state"] == "evidence_submitted"
    r = await h.client.post(f"{url}/close", headers={**tk.office(h), "If-Match": r.headers["etag"]},
                            json={"comment": "整改到位，同意销号。"})
    assert r.status_code == 200 and r.json()["state"] == "closed" and r.json()["overdue"] is False
    types = [e["type"] for e in (await h.client.get(f"{url}/history", headers=tk.dept(h))).json()]
    assert types == ["fupin.tasks.finding.recorded.v1", "fupin.tasks.finding.changed.v1",
                     "fupin.tasks.finding.closed.v1"]
    [closed] = await tk.events(h, "finding.closed")
    assert closed.data["on_time"] is False and closed.data["kind"] == "supervision"  # evidence came years late
    assert closed.data["unit"] == "市教育局" and closed.data["task_number"] == 8


async def test_findings_are_recorded_only_by_the_office_and_overdue_ones_published_once(tasks_pg, tk):
    h = tasks_pg
    before = await tk.counts(h, "supervision_finding", "outbox")
    r = await h.client.post("/v1/supervisions", json=FINDING, headers=tk.dept(h))
    assert r.status_code == 403
    r = await h.client.post("/v1/supervisions", json={**FINDING, "rectify_by": "2019-04-01"}, headers=tk.office(h))
    assert r.status_code == 422
    r = await h.client.post("/v1/supervisions", json={**FINDING, "unit": "市不存在局"}, headers=tk.office(h))
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "#/unit"
    assert await tk.counts(h, "supervision_finding", "outbox") == before
    county = {**FINDING, "unit": None, "division_code": "441223000000", "kind": "inspection"}
    finding = (await h.client.post("/v1/supervisions", json=county, headers=tk.office(h))).json()
    r = await h.client.post(f"/v1/supervisions/{finding['id']}/evidence", headers={**tk.dept(h), "If-Match": '"v1"'},
                            json={"description": "x", "rectified_on": "2019-05-01"})
    assert r.status_code == 403 and r.json()["type"].endswith("/not-responsible-for-finding")
    config = config_for(h.runtime.settings)
    await detect_overdue(h.runtime.uow(), today=date(2019, 5, 31), config=config)
    assert await tk.events(h, "finding.overdue") == []
    await detect_overdue(h.runtime.uow(), today=date(2019, 6, 1), config=config)
    await detect_overdue(h.runtime.uow(), today=date(2019, 6, 2), config=config)
    [event] = await tk.events(h, "finding.overdue")
    assert event.data["finding_id"] == finding["id"] and event.data["division_code"] == "441223000000"
    assert event.data["detected_on"] == "2019-06-01" and event.data["kind"] == "inspection"
    guangning = h.auth(scopes=["tasks:read"], division="441223000000")
    listed = (await h.client.get("/v1/supervisions?overdue=true", headers=guangning)).json()["items"]
    assert [f["id"] for f in listed] == [finding["id"]]
    sihui = h.auth(scopes=["tasks:read"], division="441284000000")
    assert (await h.client.get("/v1/supervisions", headers=sihui)).json()["items"] == []
    assert (await h.client.get(f"/v1/supervisions/{finding['id']}", headers=sihui)).status_code == 404


async def test_only_the_unit_revises_its_work_plan_and_stale_revisions_are_refused(tasks_pg, tk):
    h = tasks_pg
    plan = (await h.client.post("/v1/tasks/8/work-plans", json=PLAN_BODY, headers=tk.dept(h))).json()
    body = {"summary": "改", "milestones": PLAN_BODY["milestones"]}
    url = f"/v1/tasks/8/work-plans/{plan['id']}"
    before = await tk.counts(h, "outbox")
    r = await h.client.put(url, json=body, headers={**tk.dept(h, "市人力资源社会保障局"), "If-Match": '"v1"'})
    assert r.status_code == 403 and r.json()["type"].endswith("/unit-mismatch")
    r = await h.client.put(url, json=body, headers={**tk.dept(h), "If-Match": '"v0"'})
    assert r.status_code == 412
    r = await h.client.put(url, json=body, headers=tk.dept(h))
    assert r.status_code == 428
    assert await tk.counts(h, "outbox") == before
    assert (await h.client.get(url, headers=tk.dept(h))).json()["summary"] == PLAN_BODY["summary"]


async def test_rejected_evidence_reopens_the_finding_and_it_closes_only_on_evidence(tasks_pg, tk):
    h = tasks_pg
    finding = (await h.client.post("/v1/supervisions", json=FINDING, headers=tk.office(h))).json()
    url = f"/v1/supervisions/{finding['id']}"
    before = await tk.counts(h, "outbox")
    r = await h.client.post(f"{url}/close", json={}, headers={**tk.office(h), "If-Match": '"v1"'})
    assert r.status_code == 409 and r.json()["type"].endswith("/finding-transition-refused")
    assert await tk.counts(h, "outbox") == before
    r = await h.client.post(f"{url}/evidence", headers={**tk.dept(h), "If-Match": '"v1"'},
                            json={"description": "已整改", "rectified_on": "2019-05-10"})
    r = await h.client.post(f"{url}/reject-evidence", json={"comment": "材料不全"},
                            headers={**tk.dept(h), "If-Match": r.headers["etag"]})
    assert r.status_code == 403
    r = await h.client.post(f"{url}/reject-evidence", json={"comment": "材料不全"},
                            headers={**tk.office(h), "If-Match": '"v2"'})
    assert r.status_code == 200 and r.json()["state"] == "open"
    assert r.json()["evidence"][0]["rejection_comment"] == "材料不全"
    changed = await tk.events(h, "finding.changed")
    assert [e.data["step"] for e in changed] == ["evidence_submitted", "evidence_rejected"]
    assert changed[-1].data["state"] == "open" and changed[-1].data["rectify_by"] == "2019-05-31"
