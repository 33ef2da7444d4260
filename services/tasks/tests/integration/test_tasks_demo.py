"""The demo history for `make run` loads on SQLite, quickly, once, through the service's own paths."""
import time

from fupin_tasks.demo import load_demo
from fupin_tasks.jobs import demo_done
from sqlalchemy import text


async def _scalar(h, sql):
    async with h.runtime.engine.connect() as conn:
        return (await conn.execute(text(sql))).scalar_one()


async def test_the_demo_history_loads_once_with_late_returned_and_missing_reports(any_tasks, tk):
    h = any_tasks
    started = time.perf_counter()
    await load_demo(h.runtime)
    took = time.perf_counter() - started
    assert took < 30, f"demo took {took:.1f} s"
    assert demo_done(h.runtime).is_set()
    reports = await _scalar(h, "SELECT count(*) FROM report")
    assert 1100 < reports < 1269  # most of the 1269 obligations; some never sent
    assert await _scalar(h, "SELECT count(*) FROM report WHERE on_time = false") > 100
    assert await _scalar(h, "SELECT count(*) FROM report WHERE revisions > 0 OR state = 'returned'") > 50
    assert await _scalar(h, "SELECT count(*) FROM work_plan") == 282
    assert await _scalar(h, "SELECT count(*) FROM supervision_finding") == 8
    overdue = await tk.events(h, "report.overdue")
    assert len(overdue) > 100 and all(e.data["detected_on"] <= "2021-02-01" for e in overdue)
    missed = {e.data["target_id"]: e.data for e in await tk.events(h, "target.missed")}
    assert missed["T01-1"]["value"] == 97.2 and missed["T01-1"]["detected_on"] == "2020-02-06"
    before = await tk.counts(h, "outbox", "report")
    await load_demo(h.runtime)
    assert await tk.counts(h, "outbox", "report") == before
    view = (await h.client.get("/v1/overdue?as_of=2021-03-01&limit=100", headers=tk.dept(h))).json()
    assert sum(g["reports"] for g in view["items"]) == 1269 - reports
