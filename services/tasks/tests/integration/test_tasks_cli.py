"""`fupin tasks load-plan FILE` loads any plan of the plan's shape, idempotently (embedded SQLite)."""
import copy
import json

import pytest
from fupin_tasks.cli import app
from fupin_tasks.settings import DATA, get_settings
from sqlalchemy import create_engine, text
from typer.testing import CliRunner


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    db = tmp_path / "tasks-cli.db"
    monkeypatch.setenv("FUPIN_TASKS_DATABASE_URL", f"sqlite+aiosqlite:///{db}")
    monkeypatch.setenv("FUPIN_TASKS_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield db
    get_settings.cache_clear()


def _rows(db, sql):
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        rows = conn.execute(text(sql)).all()
    engine.dispose()
    return rows


def test_load_plan_from_a_file_is_idempotent(cli_env, tmp_path):
    runner = CliRunner()
    first = runner.invoke(app, ["load-plan", str(DATA / "plan.json")])
    assert first.exit_code == 0, first.output
    assert "plan 2018-2020: created (version 1; 32 tasks, 49 units, 44 targets)" in first.output
    again = runner.invoke(app, ["load-plan", str(DATA / "plan.json")])
    assert "plan 2018-2020: unchanged" in again.output
    nxt = json.loads((DATA / "plan.json").read_text(encoding="utf-8"))
    nxt["document"]["period"] = {"start": 2021, "end": 2025}
    nxt["tasks"] = copy.deepcopy(nxt["tasks"][:3])
    nxt["targets"] = [t for t in nxt["targets"] if t["id"] in {"T01-1", "T02-1", "T03-1"}]
    path = tmp_path / "next-plan.json"
    path.write_text(json.dumps(nxt, ensure_ascii=False), encoding="utf-8")
    loaded = runner.invoke(app, ["load-plan", str(path)])
    assert "plan 2021-2025: created (version 1; 3 tasks" in loaded.output, loaded.output
    assert _rows(cli_env, "SELECT plan_id, count(*) FROM task GROUP BY plan_id ORDER BY plan_id") == [
        ("2018-2020", 32), ("2021-2025", 3)]
    types = [t for (t,) in _rows(cli_env, "SELECT type FROM outbox ORDER BY id")]
    assert types == ["fupin.tasks.plan.loaded.v1"] * 2


def test_a_bad_plan_file_is_refused_and_nothing_is_loaded(cli_env, tmp_path):
    broken = json.loads((DATA / "plan.json").read_text(encoding="utf-8"))
    broken["tasks"][0]["lead_units"] = []
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(app, ["load-plan", str(path), "--units", str(DATA / "units.json")])
    assert result.exit_code == 1 and "task 1: lead_units must name the first listed unit" in result.output
    assert _rows(cli_env, "SELECT count(*) FROM plan") == [(0,)]


def test_due_dates_are_printed_on_the_working_day_calendar(cli_env):
    result = CliRunner().invoke(app, ["due-dates", "2019Q3", "2019"])
    assert "2019Q3\t2019年第三季度\tends 2019-09-30\tdue 2019-10-18" in result.output
    assert "2019\t2019年度\tends 2019-12-31\tdue 2020-02-05" in result.output
