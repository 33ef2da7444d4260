"""Bulk import over HTTP and as a job: batches with events, per-row errors, re-import, scope, resume."""
import asyncio
import csv
import io

import pytest

from fupin_registry import demodata
from fupin_registry.imports import layout, service, templates
from fupin_shared.testing import eventually

pytestmark = pytest.mark.pg
TABLES = ("household", "member", "household_income", "household_guarantee", "outbox")


def csv_file(households: list[list[list[str]]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.header for c in layout.COLUMNS])
    for rows in households:
        writer.writerows(rows)
    return out.getvalue().encode("utf-8")


async def run_import(h, data: bytes, name="registry.csv", **auth):
    r = await h.client.post("/v1/imports", files={"file": (name, data)}, headers=h.auth(**auth))
    assert r.status_code == 202, r.text
    assert r.headers["location"] == f"imports/{r.json()['id']}"
    job_id = r.json()["id"]

    async def finished():
        job = (await h.client.get(f"/v1/imports/{job_id}", headers=h.auth(**auth))).json()
        return job if job["status"] in ("done", "failed") else None
    return await eventually(finished, timeout=60)


async def test_import_commits_households_with_events_and_reimport_changes_nothing(any_registry, reg):
    h = any_registry
    households = list(demodata.Generator(11).households(60))
    job = await run_import(h, csv_file(households))
    persons = sum(len(rows) for rows in households)
    assert (job["status"], job["households_created"], job["persons_created"], job["error_count"]) == (
        "done", 60, persons, 0)
    assert job["progress"] == 1.0
    counts = await reg.count_rows(h, *TABLES)
    assert counts["household"] == 60 and counts["member"] == persons and counts["outbox"] > 60 + persons
    page = (await h.client.get("/v1/households", params={"limit": 500}, headers=h.auth())).json()["items"]
    assert {x["household_no"] for x in page} == {rows[0][0] for rows in households}
    one = page[0]
    history = (await h.client.get(f"/v1/households/{one['id']}/history", headers=h.auth())).json()
    assert history[0]["type"] == "fupin.registry.household.registered.v1"
    assert sum(e["type"] == "fupin.registry.member.added.v1" for e in history) == one["persons"]
    again = await run_import(h, csv_file(households))
    assert (again["households_created"], again["households_unchanged"], again["error_count"]) == (0, 60, 0)
    assert await reg.count_rows(h, *TABLES) == counts

    async def all_published():
        async with h.runtime.engine.connect() as conn:
            from sqlalchemy import text
            return (await conn.execute(text("SELECT count(*) FROM outbox WHERE published_at IS NULL"))).scalar() == 0
    await eventually(all_published, timeout=30)


async def test_bad_rows_reported_with_row_numbers_and_their_households_not_written(registry, reg, household_body):
    households = list(demodata.Generator(12).households(5))
    bad = [list(r) for r in households[1]]
    id_col = layout.COLUMNS.index(layout.BY_FIELD["id_number"])
    bad[0][id_col] = bad[0][id_col][:17] + ("0" if bad[0][id_col][17] != "0" else "1")
    households[1] = bad
    taken = household_body()
    created = (await registry.client.post("/v1/households", json=taken, headers=registry.auth())).json()
    clash = [list(r) for r in households[3]]
    clash[0][id_col] = taken["head"]["id_number"]
    for field in ("birth_date", "sex"):
        clash[0][layout.COLUMNS.index(layout.BY_FIELD[field])] = ""
    households[3] = clash
    job = await run_import(registry, csv_file(households))
    assert (job["households_created"], job["households_rejected"]) == (3, 2)
    first_bad_row = 2 + len(households[0])
    clash_row = 2 + sum(len(x) for x in households[:3])
    errors = {(e["row"], e["column"]): e["reason"] for e in job["errors"]}
    assert "check character" in errors[(first_bad_row, "证件号码")]
    assert created["id"] in errors[(clash_row, "证件号码")] and "*" in errors[(clash_row, "证件号码")]
    assert job["rows_rejected"] == len(households[1]) + len(households[3])
    numbers = {x["household_no"] for x in (await registry.client.get(
        "/v1/households", params={"limit": 100}, headers=registry.auth())).json()["items"]}
    assert households[1][0][0] not in numbers and households[3][0][0] not in numbers
    page = (await registry.client.get(f"/v1/imports/{job['id']}/errors", params={"limit": 1},
                                      headers=registry.auth())).json()
    assert len(page["items"]) == 1 and page["next_cursor"]


async def test_county_import_refuses_rows_outside_and_jobs_are_scoped(registry, reg):
    households = list(demodata.Generator(13).households(40))
    county = {"scopes": "registry:read registry:write", "division": reg.COUNTY}
    job = await run_import(registry, csv_file(households), **county)
    inside = sum(1 for rows in households if rows[0][1].startswith("441223"))
    assert job["households_created"] == inside and job["households_rejected"] == 40 - inside
    assert all(e["column"] == "村代码" and "outside your division" in e["reason"] for e in job["errors"])
    other = registry.auth(scopes="registry:read", division="441224000000")
    assert (await registry.client.get(f"/v1/imports/{job['id']}", headers=other)).status_code == 404
    assert (await registry.client.get("/v1/imports", headers=other)).json()["items"] == []
    assert [j["id"] for j in (await registry.client.get("/v1/imports", headers=registry.auth())).json()["items"]] \
        == [job["id"]]


async def test_unreadable_upload_refused_nothing_written(registry, reg):
    r = await registry.client.post("/v1/imports", files={"file": ("x.csv", "姓名,证件号码\n张三,1\n".encode())},
                                   headers=registry.auth())
    assert r.status_code == 422 and "missing required column" in r.json()["errors"][0]["detail"]
    r = await registry.client.post("/v1/imports", files={"file": ("x.xlsx", b"not a zip at all")},
                                   headers=registry.auth())
    assert r.status_code == 422
    assert (await registry.client.post("/v1/imports", files={"file": ("x.csv", templates.csv_bytes())},
                                       headers=registry.auth(scopes="registry:read"))).status_code == 403
    assert await reg.count_rows(registry, "import_job", *TABLES) == {t: 0 for t in ("import_job", *TABLES)}


async def test_xlsx_upload_and_templates(registry):
    job = await run_import(registry, templates.XLSX_FILE.read_bytes(), name="县扶贫办.xlsx")
    assert (job["file_format"], job["households_created"], job["persons_created"]) == ("xlsx", 2, 3)
    csv_template = await registry.client.get("/v1/imports/template.csv", headers=registry.auth(scopes="registry:read"))
    assert csv_template.status_code == 200 and csv_template.content == templates.csv_bytes()
    xlsx = await registry.client.get("/v1/imports/template.xlsx", headers=registry.auth(scopes="registry:read"))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


async def test_an_interrupted_job_resumes_after_its_last_batch(migrated_pg, tmp_path):
    from sqlalchemy import text

    from fupin_registry.app import MIGRATIONS
    from fupin_registry.standalone import open_registry

    households = list(demodata.Generator(14).households(30))
    path = tmp_path / "big.csv"
    path.write_bytes(csv_file(households))
    async with open_registry(await migrated_pg(MIGRATIONS), migrate=False) as registry:
        job = await service.create_job(registry.uow(), path=path, filename="big.csv", division="441200000000",
                                       actor="tester")
        batches = []

        async def crash_after_first(current):
            batches.append(current.rows_read)
            raise asyncio.CancelledError  # the process dies after committing one batch

        with pytest.raises(asyncio.CancelledError):
            await service.run_job(registry.uow, job.id, on_batch=crash_after_first, batch_persons=20)
        async with registry.uow() as uow:
            interrupted = await uow.imports.get(job.id, within="441200000000")
        assert interrupted.status == "running" and interrupted.rows_read == batches[0] > 1
        assert await service.unfinished_jobs(registry.uow) == [job.id]
        done = await service.run_job(registry.uow, job.id, batch_persons=20)
        persons = sum(len(rows) for rows in households)
        assert (done.status, done.households_created, done.persons_created, done.households_unchanged) == (
            "done", 30, persons, 0)
        async with registry.engine.connect() as conn:
            assert (await conn.execute(text("SELECT count(*) FROM member"))).scalar() == persons
            assert (await conn.execute(text("SELECT count(DISTINCT subject) FROM outbox"))).scalar() == 30


@pytest.mark.parametrize("households", [25])
async def test_large_sources_are_read_in_a_separate_process(migrated_pg, tmp_path, households):
    from fupin_registry.app import MIGRATIONS
    from fupin_registry.standalone import open_registry

    rows = list(demodata.Generator(15).households(households))
    path = tmp_path / "big.csv"
    path.write_bytes(csv_file(rows) + b"\n" + "户编号,村代码\n".encode())  # a broken tail after good rows
    async with open_registry(await migrated_pg(MIGRATIONS), migrate=False) as registry:
        job = await service.create_job(registry.uow(), path=path, filename="big.csv", division="441200000000",
                                       actor="tester")
        done = await service.run_job(registry.uow, job.id, batch_persons=10, reader_process=True)
        assert (done.status, done.households_created) == ("done", households)
        assert done.persons_created == sum(len(r) for r in rows) and done.households_rejected == 1
        demo = await service.create_job(registry.uow(), path=path, filename="again.csv", division="441200000000",
                                        actor="tester")
        again = await service.run_job(registry.uow, demo.id, reader_process=True,
                                      source=service.Source(kind="demo", seed=15, households=households))
        assert (again.households_unchanged, again.households_created) == (households, 0)


def _template_household() -> list[list[str]]:
    return [list(r) for r in layout.template_rows()[1:3]]  # 4412230001: head and daughter, exited, 2019 records


def _cell(rows, row: int, field: str, value: str) -> None:
    rows[row][layout.COLUMNS.index(layout.BY_FIELD[field])] = value


async def test_reimport_with_changed_data_updates_the_household_with_events(any_registry, reg):
    h = any_registry
    first = await run_import(h, csv_file([_template_household()]))
    assert first["households_created"] == 1
    hid = (await h.client.get("/v1/households", headers=h.auth())).json()["items"][0]["id"]
    before = await reg.count_rows(h, *TABLES)
    changed = _template_household()
    _cell(changed, 0, "guarantee_type", "低保")
    _cell(changed, 0, "wage", "20000")
    _cell(changed, 1, "health", "长期慢性病")
    job = await run_import(h, csv_file([changed]))
    assert (job["households_created"], job["households_updated"], job["households_unchanged"],
            job["error_count"]) == (0, 1, 0, 0)
    state = (await h.client.get(f"/v1/households/{hid}", headers=h.auth())).json()
    assert state["guarantee_type"] == "dibao" and state["version"] == 2 and state["persons"] == 2
    assert next(m for m in state["members"] if m["relation"] != "head")["health"] == "chronic"
    income = (await h.client.get(f"/v1/households/{hid}/incomes/2019", headers=h.auth())).json()
    assert income["wage_fen"] == 2_000_000
    after = await reg.count_rows(h, *TABLES)
    assert after["household"] == before["household"] and after["member"] == before["member"]
    history = (await h.client.get(f"/v1/households/{hid}/history", headers=h.auth())).json()
    new_types = [e["type"].split(".", 2)[2] for e in history][-3:]
    assert new_types == ["household.updated.v1", "member.updated.v1", "household.income_recorded.v1"]
    assert history[-3]["data"]["changed"] == ["guarantee_type"] and history[-2]["data"]["changed"] == ["health"]
    assert after["outbox"] == before["outbox"] + 3
    again = await run_import(h, csv_file([changed]))  # the changed file once more: nothing changes
    assert (again["households_updated"], again["households_unchanged"]) == (0, 1)
    assert await reg.count_rows(h, *TABLES) == after


async def test_reimport_changing_the_status_is_refused_nothing_written(registry, reg):
    await run_import(registry, csv_file([_template_household()]))
    hid = (await registry.client.get("/v1/households", headers=registry.auth())).json()["items"][0]["id"]
    before = await reg.count_rows(registry, *TABLES)
    changed = _template_household()
    _cell(changed, 0, "status", "未脱贫")
    _cell(changed, 0, "exit_year", "")
    _cell(changed, 0, "exit_path", "")
    _cell(changed, 0, "guarantee_type", "低保")
    job = await run_import(registry, csv_file([changed]))
    assert (job["households_updated"], job["households_rejected"], job["error_count"]) == (0, 1, 1)
    assert job["errors"][0]["row"] == 2 and "lifecycle" in job["errors"][0]["reason"]
    assert await reg.count_rows(registry, *TABLES) == before
    state = (await registry.client.get(f"/v1/households/{hid}", headers=registry.auth())).json()
    assert state["status"] == "exited" and state["guarantee_type"] == "none" and state["version"] == 1
