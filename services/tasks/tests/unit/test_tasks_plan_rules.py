"""The plan as data: all 32 tasks with their lead units, the matrix, and refusal of bad plans."""
import copy
import json

import pytest
from fupin_tasks.plan.domain import Role, UnitProfiles, parse_plan
from fupin_tasks.plan.errors import InvalidPlan
from fupin_tasks.plan.matrix_html import render_matrix_html
from fupin_tasks.settings import DATA

PLAN = json.loads((DATA / "plan.json").read_text(encoding="utf-8"))
UNITS = json.loads((DATA / "units.json").read_text(encoding="utf-8"))
PROFILES = UnitProfiles.from_data(json.loads((DATA / "unit_profiles.json").read_text(encoding="utf-8")))

GOV = ["各级党委和政府"]
# Read from the plan text (列在任务分工首位的为牵头单位): the first listed unit of each task.
EXPECTED_LEADS = {n: GOV for n in range(1, 33)}
EXPECTED_LEADS[17] = ["端州区党委和政府", "鼎湖区党委和政府", "高要区党委和政府", "四会市党委和政府"]
EXPECTED_LEADS[18] = ["各定点帮扶单位"]
EXPECTED_LEADS[22] = ["市国土资源局"]
EXPECTED_LEADS[26] = ["市扶贫开发领导小组成员单位"]


def parsed():
    return parse_plan(PLAN, UNITS, PROFILES)


def test_all_32_tasks_with_the_first_listed_unit_leading():
    plan = parsed()
    assert plan.id == "2018-2020" and plan.lead_unit_rule.startswith("列在任务分工首位的为牵头单位")
    assert [t.number for t in plan.tasks] == list(range(1, 33))
    assert {t.number: list(t.lead_units) for t in plan.tasks} == EXPECTED_LEADS
    task22 = plan.task(22)
    assert task22.role_of("市国土资源局") is Role.LEAD and task22.role_of("各级党委和政府") is Role.PARTICIPANT


def test_the_matrix_has_every_role_once_and_agrees_with_the_units_list():
    plan = parsed()
    cells = plan.matrix()
    assert len(cells) == 173 and len({(n, u) for n, u, _, _ in cells}) == 173
    education = sorted((n, r.value) for n, u, r, _ in cells if u == "市教育局")
    assert education == [(7, "participant"), (8, "participant"), (12, "participant"), (17, "participant")]
    assert len(plan.units) == 49 and len(plan.targets) == 44
    assert {u.name for u in plan.units if u.collective} == {"各级党委和政府", "各定点帮扶单位", "市扶贫开发领导小组成员单位"}
    assert next(u for u in plan.units if u.name == "四会市党委和政府").division_code == "441284000000"
    assert next(t for t in plan.targets if t.id == "T01-1").task_number == 1


def test_the_content_hash_is_stable_and_changes_with_the_content():
    changed = copy.deepcopy(PLAN)
    changed["tasks"][0]["title"] += "（修订）"
    assert parsed().content_hash == parse_plan(copy.deepcopy(PLAN), UNITS, PROFILES).content_hash
    assert parse_plan(changed, UNITS, PROFILES).content_hash != parsed().content_hash


@pytest.mark.parametrize("mutate, expected", [
    (lambda p, u: p["tasks"][3].update(lead_units=[]), "task 4: lead_units must name the first listed unit"),
    (lambda p, u: p["tasks"][4].update(number=4), "tasks: numbers must be unique and run from 1 to 32"),
    (lambda p, u: p["tasks"][0]["participating_units"].append("市不存在局"),
     "units: 市不存在局 appears in the tasks but not in the units list"),
    (lambda p, u: p["tasks"][0].update(targets=["T99-9"]), "task 1: target T99-9 is not defined in targets"),
    (lambda p, u: p["tasks"][0].update(section="九"), "task 1: section '九' is not a section of the plan"),
    (lambda p, u: next(x for x in u if x["name"] == "市教育局").update(participates_in=[7]),
     "units: 市教育局.participates_in disagrees with the tasks [7, 8, 12, 17]"),
    (lambda p, u: p["document"].update(period={"start": 2021}), "document.period: start and end years are required"),
])
def test_bad_plans_are_refused_with_every_problem_named(mutate, expected):
    plan, units = copy.deepcopy(PLAN), copy.deepcopy(UNITS)
    mutate(plan, units)
    with pytest.raises(InvalidPlan) as refused:
        parse_plan(plan, units, PROFILES)
    details = [e["detail"] for e in refused.value.extensions["errors"]]
    assert any(d.startswith(expected) for d in details), details


def test_a_plan_without_a_units_list_takes_its_units_from_the_tasks():
    plan = parse_plan(PLAN, None, PROFILES)
    assert len(plan.units) == 49 and all(u.kind == "other" for u in plan.units)


def test_the_printable_matrix_is_chinese_and_marks_every_cell():
    plan = parsed()
    tasks = [{"number": t.number, "section": t.section, "section_title": t.section_title, "title": t.title,
              "deadlines": [], "lead_units": list(t.lead_units), "participating_units": list(t.participating_units)}
             for t in plan.tasks]
    page = render_matrix_html(title=plan.title, document_number=plan.document_number,
                              lead_unit_rule=plan.lead_unit_rule, tasks=tasks,
                              units=[{"name": u.name, "kind": u.kind} for u in plan.units],
                              cells={(u, n): r.value for n, u, r, _ in plan.matrix()})
    assert page.count('<td class="lead">牵头</td>') == 35  # 28 + 4 + 1 + 1 + 1 lead cells
    assert page.count('<td class="part">参与</td>') == 173 - 35
    assert "任务分工责任矩阵" in page and 'lang="zh-CN"' in page and "<script" not in page
