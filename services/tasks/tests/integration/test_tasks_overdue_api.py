"""Overdue detection as a use case with an explicit ``today``: a missing report is overdue only
after its due date, counted in working days across a weekend and a public holiday; missed target
deadlines and overdue findings are published once."""
from datetime import date

import pytest
from fupin_shared.db import utc_now
from fupin_shared.testing import ServiceHarness, eventually
from fupin_tasks.app import create_app
from fupin_tasks.config import config_for
from fupin_tasks.overdue.service import detect_overdue
from fupin_tasks.settings import TasksSettings

pytestmark = pytest.mark.pg
KEY = (8, "市教育局", "2019Q3")


def overdue_of(events, key=KEY):
    return [e for e in events if (e.data["task_number"], e.data["unit"], e.data["period"]) == key]


async def test_an_overdue_report_is_detected_across_a_weekend_and_a_holiday(any_tasks, tk):
    h = any_tasks
    config = config_for(h.runtime.settings)
    # 2019Q3 ends Mon 30 Sep; National Day 1–7 Oct; Sat 12 Oct is a make-up working day; due Fri 18 Oct
    on_holiday = await detect_overdue(h.runtime.uow(), today=date(2019, 10, 14), config=config)
    assert overdue_of(await tk.events(h, "report.overdue")) == []   # a weekday count would already say late
    on_due_date = await detect_overdue(h.runtime.uow(), today=date(2019, 10, 18), config=config)
    assert overdue_of(await tk.events(h, "report.overdue")) == []
    assert on_holiday.reports > 0 and on_due_date.reports == 0  # the earlier periods' missing reports, once
    after_weekend = await detect_overdue(h.runtime.uow(), today=date(2019, 10, 21), config=config)
    [event] = overdue_of(await tk.events(h, "report.overdue"))
    assert event.data["due_on"] == "2019-10-18" and event.data["detected_on"] == "2019-10-21"
    assert event.data["working_days_overdue"] == 1 and event.data["role"] == "participant"
    assert event.data["period_kind"] == "quarterly" and event.subject == "8"
    assert after_weekend.reports == 141  # every obliged (task, unit) of the matrix, for 2019Q3
    again = await detect_overdue(h.runtime.uow(), today=date(2019, 10, 22), config=config)
    assert again.reports == 0 and len(overdue_of(await tk.events(h, "report.overdue"))) == 1
    view = (await h.client.get("/v1/overdue?as_of=2019-10-21&unit=市教育局", headers=tk.dept(h))).json()
    [edu] = view["items"]
    q3 = [i for i in edu["items"] if i["period"] == "2019Q3"]
    assert {i["task_number"] for i in q3} == {7, 8, 12, 17} and q3[0]["working_days_overdue"] == 1
    view = (await h.client.get("/v1/overdue?as_of=2019-10-18&unit=市教育局", headers=tk.dept(h))).json()
    assert not [i for i in view["items"][0]["items"] if i["period"] == "2019Q3"]


async def test_a_report_submitted_by_its_due_date_is_never_overdue(tasks_pg, tk):
    h = tasks_pg
    r = await h.client.post("/v1/tasks/8/reports", headers=tk.dept(h), json={
        "period": "2019Q3", "status": "on_track", "narrative": "按期报送。"})
    assert r.status_code == 201
    config = config_for(h.runtime.settings)
    await detect_overdue(h.runtime.uow(), today=date(2019, 10, 21), config=config)
    # submitted today (years after 2019), so on 21 Oct 2019 it was still missing …
    assert len(overdue_of(await tk.events(h, "report.overdue"))) == 1
    # … and it is never published twice, nor is it overdue now that it exists
    await detect_overdue(h.runtime.uow(), today=date(2030, 1, 1), config=config)
    assert len(overdue_of(await tk.events(h, "report.overdue"))) == 1
    view = (await h.client.get("/v1/overdue?unit=市教育局&kind=report", headers=tk.dept(h))).json()
    assert not [i for i in view["items"][0]["items"] if (i["task_number"], i["period"]) == (8, "2019Q3")]


async def test_task_1s_end_2019_target_is_judged_on_the_2019_figure_and_its_miss_published(tasks_pg, tk):
    h = tasks_pg
    r = await h.client.post("/v1/tasks/1/reports", headers=tk.dept(h, "市农业局"), json={
        "period": "2019", "status": "at_risk", "narrative": "产业带动覆盖率97.2%。", "metrics": {"T01-1": 97.2}})
    assert r.status_code == 201
    report = r.json()
    accepted = await h.client.post(f"/v1/tasks/1/reports/{report['id']}/accept",
                                   headers={**tk.office(h), "If-Match": '"v1"'})
    assert accepted.status_code == 200
    config = config_for(h.runtime.settings)
    # the 2019 annual reports are due on 5 Feb 2020 (20 working days, Spring Festival extended)
    await detect_overdue(h.runtime.uow(), today=date(2020, 2, 5), config=config)
    earlier = [e.data["target_id"] for e in await tk.events(h, "target.missed")]
    assert earlier == ["T10-1"]  # end of 2018, nothing reported: judged when the 2018 reports were due
    after_due = await detect_overdue(h.runtime.uow(), today=date(2020, 2, 6), config=config)
    missed = await tk.events(h, "target.missed")
    assert [e.data["target_id"] for e in missed] == ["T10-1", "T01-1", "T03-1"] and after_due.targets == 2
    event = next(e for e in missed if e.data["target_id"] == "T01-1")
    assert event.data["task_number"] == 1 and event.data["deadline"] == "2019-12-31"
    assert event.data["value"] == 97.2 and event.data["target_value"] == 100.0
    assert event.data["lead_units"] == ["各级党委和政府"] and event.data["detected_on"] == "2020-02-06"
    # a later figure (met in 2020) does not undo the missed deadline, and it is never published twice
    r = await h.client.post("/v1/tasks/1/reports", headers=tk.dept(h, "市农业局"), json={
        "period": "2020", "status": "done", "narrative": "全面覆盖。", "metrics": {"T01-1": 100}})
    await h.client.post(f"/v1/tasks/1/reports/{r.json()['id']}/accept", headers={**tk.office(h), "If-Match": '"v1"'})
    await detect_overdue(h.runtime.uow(), today=date(2021, 3, 1), config=config)
    assert [e.data["target_id"] for e in await tk.events(h, "target.missed")].count("T01-1") == 1
    target = (await h.client.get("/v1/targets/T01-1", headers=tk.dept(h))).json()
    assert target["progress"]["value"] == 100 and target["progress"]["met"] is True
    assert target["value_at_deadline"] == 97.2 and target["missed_on"] == "2020-02-06"
    overdue = (await h.client.get("/v1/overdue?as_of=2020-02-06&kind=target", headers=tk.dept(h))).json()
    assert "T01-1" in [i["target_id"] for g in overdue["items"] for i in g["items"]]



async def test_the_background_job_publishes_what_is_overdue_today(key_file, tmp_path, tk):
    settings = TasksSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/job.db", auth_key_file=key_file,
                             data_dir=tmp_path, overdue_initial_delay_seconds=0)
    harness = ServiceHarness(create_app, settings)
    async with harness.running():
        today = config_for(settings).schedule.cadence.today(utc_now()).isoformat()

        async def published():
            found = await tk.events(harness, "report.overdue")
            return len(found) == 141 * 9 and found  # every obligation of 2018–2020, none reported
        found = await eventually(published, timeout=30)
        assert {e.data["detected_on"] for e in found} == {today}
