"""The plan over HTTP: loaded at startup with all 32 tasks and their lead units, the matrix views,
loading another plan (idempotently), and refusals that write nothing."""
import copy
import json

import pytest
from fupin_tasks.settings import DATA

pytestmark = pytest.mark.pg

PLAN = json.loads((DATA / "plan.json").read_text(encoding="utf-8"))
UNITS = json.loads((DATA / "units.json").read_text(encoding="utf-8"))
GOV = ["各级党委和政府"]
EXPECTED_LEADS = {**{n: GOV for n in range(1, 33)},
                  17: ["端州区党委和政府", "鼎湖区党委和政府", "高要区党委和政府", "四会市党委和政府"],
                  18: ["各定点帮扶单位"], 22: ["市国土资源局"], 26: ["市扶贫开发领导小组成员单位"]}


async def test_the_plan_is_loaded_at_startup_with_all_32_tasks_and_their_lead_units(tasks_pg, tk):
    h = tasks_pg
    r = await h.client.get("/v1/tasks", headers=tk.dept(h, scopes=["tasks:read"]))
    assert r.status_code == 200, r.text
    tasks = r.json()["items"]
    assert [t["number"] for t in tasks] == list(range(1, 33)) and r.json()["next_cursor"] is None
    assert {t["number"]: t["lead_units"] for t in tasks} == EXPECTED_LEADS
    task1 = tasks[0]
    assert task1["section"] == "二" and task1["title"] == "大力发展优势特色扶贫产业"
    assert task1["participating_units"][:2] == ["市农业局", "市林业局"] and len(task1["participating_units"]) == 10
    assert task1["deadlines"] == [{"date": "2019-12-31", "text": "到 2019 年年底，实现每个有劳动能力有参与意愿的相对贫困户都有扶贫产业带动"}]
    assert [t["id"] for t in task1["targets"]] == ["T01-1"] and task1["targets"][0]["deadline"] == "2019-12-31"
    assert tasks[21]["participating_units"] == ["市农业局", "市林业局", "各级党委和政府"]
    [loaded] = await tk.events(h, "plan.loaded")
    assert loaded.data["tasks"] == 32 and loaded.data["units"] == 49 and loaded.data["targets"] == 44
    assert loaded.data["change"] == "created" and loaded.subject == "2018-2020"
    page = await h.client.get("/v1/tasks?limit=10", headers=tk.admin(h))
    second = await h.client.get(f"/v1/tasks?limit=10&cursor={page.json()['next_cursor']}", headers=tk.admin(h))
    assert [t["number"] for t in second.json()["items"]] == list(range(11, 21))


async def test_matrix_views_answer_who_does_what(tasks_pg, tk):
    h = tasks_pg
    headers = tk.dept(h)
    grid = (await h.client.get("/v1/matrix", headers=headers)).json()
    assert len(grid["tasks"]) == 32 and len(grid["rows"]) == 49
    assert sum(len(r["cells"]) for r in grid["rows"]) == 173
    edu = next(r for r in grid["rows"] if r["unit"] == "市教育局")
    assert edu["cells"] == {"7": "participant", "8": "participant", "12": "participant", "17": "participant"}
    mine = (await h.client.get("/v1/matrix/units/市教育局", headers=headers)).json()
    assert [t["number"] for t in mine["participant"]] == [7, 8, 12, 17] and mine["lead"] == []
    land = (await h.client.get("/v1/matrix/tasks/22", headers=headers)).json()
    assert [u["name"] for u in land["lead_units"]] == ["市国土资源局"]
    by_unit = (await h.client.get("/v1/matrix?view=by_unit", headers=headers)).json()
    assert len(next(u for u in by_unit if u["unit"] == "各级党委和政府")["lead"]) == 28
    html = await h.client.get("/v1/matrix.html")
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "任务分工责任矩阵" in html.text and html.text.count(">牵头</td>") == 35
    units = (await h.client.get("/v1/units?limit=100", headers=headers)).json()["items"]
    assert len(units) == 49
    assert next(u for u in units if u["name"] == "市国土资源局")["lead_of"] == [22]


async def test_reloading_the_same_plan_changes_nothing(tasks_pg, tk):
    h = tasks_pg
    before = await tk.counts(h, "outbox", "task", "task_unit", "target")
    r = await h.client.post("/v1/plans", json={"plan": PLAN, "units": UNITS}, headers=tk.admin(h))
    assert r.status_code == 200 and r.json()["change"] == "unchanged"
    assert await tk.counts(h, "outbox", "task", "task_unit", "target") == before


async def test_the_next_plan_loads_beside_the_first_and_becomes_current(tasks_pg, tk):
    h = tasks_pg
    nxt = copy.deepcopy(PLAN)
    nxt["document"].update(period={"start": 2021, "end": 2025}, number="肇办发〔2021〕1号", date="2021-03-01",
                           title="巩固拓展脱贫攻坚成果五年行动方案")
    nxt["tasks"] = nxt["tasks"][:5]
    nxt["targets"] = [t for t in nxt["targets"] if t["id"] in {"T01-1", "T02-1", "T03-1"}]
    nxt_units = [{"name": u["name"], "kind": u["kind"]} for u in UNITS]
    r = await h.client.post("/v1/plans", json={"plan": nxt, "units": nxt_units}, headers=tk.office(h))
    assert r.status_code == 201, r.text
    assert r.json() == {"plan_id": "2021-2025", "change": "created", "tasks": 5, "units": 49, "targets": 3,
                        "version": 1}
    plans = (await h.client.get("/v1/plans", headers=tk.dept(h))).json()["items"]
    assert [(p["id"], p["current"]) for p in plans] == [("2018-2020", False), ("2021-2025", True)]
    first = (await h.client.get("/v1/plans?limit=1", headers=tk.dept(h))).json()
    rest = (await h.client.get(f"/v1/plans?limit=1&cursor={first['next_cursor']}", headers=tk.dept(h))).json()
    assert [p["id"] for p in first["items"] + rest["items"]] == ["2018-2020", "2021-2025"]
    assert len((await h.client.get("/v1/tasks", headers=tk.dept(h))).json()["items"]) == 5
    assert len((await h.client.get("/v1/tasks?plan=2018-2020", headers=tk.dept(h))).json()["items"]) == 32
    again = await h.client.post("/v1/plans", json={"plan": nxt, "units": nxt_units}, headers=tk.office(h))
    assert again.json()["change"] == "unchanged"
    corrected = copy.deepcopy(nxt)
    corrected["tasks"][0]["title"] = "发展壮大扶贫产业"
    fixed = await h.client.post("/v1/plans", json={"plan": corrected, "units": nxt_units}, headers=tk.office(h))
    assert fixed.json()["change"] == "updated" and fixed.json()["version"] == 2
    assert [e.data["change"] for e in await tk.events(h, "plan.loaded")] == ["created", "created", "updated"]


async def test_a_bad_plan_or_a_department_is_refused_and_nothing_is_written(tasks_pg, tk):
    h = tasks_pg
    before = await tk.counts(h, "outbox", "plan", "task", "task_unit", "target", "unit")
    broken = copy.deepcopy(PLAN)
    broken["document"]["period"] = {"start": 2022, "end": 2024}
    broken["tasks"][4]["lead_units"] = []
    broken["tasks"][5]["participating_units"].append("市不存在局")
    r = await h.client.post("/v1/plans", json={"plan": broken, "units": UNITS}, headers=tk.admin(h))
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    details = [e["detail"] for e in r.json()["errors"]]
    assert r.json()["type"].endswith("/invalid-plan") and len(details) == 3
    assert "task 5: lead_units must name the first listed unit" in details
    shrunk = copy.deepcopy(PLAN)
    shrunk["tasks"] = shrunk["tasks"][:31]
    r = await h.client.post("/v1/plans", json={"plan": shrunk, "units": None}, headers=tk.admin(h))
    assert r.status_code == 409 and r.json()["type"].endswith("/plan-revision-removes-tasks")
    r = await h.client.post("/v1/plans", json={"plan": PLAN}, headers=tk.dept(h))
    assert r.status_code == 403 and r.json()["type"].endswith("/review-not-allowed")
    assert await tk.counts(h, "outbox", "plan", "task", "task_unit", "target", "unit") == before
