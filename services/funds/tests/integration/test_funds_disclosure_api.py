"""Disclosure over HTTP: notices from the ledger, rules as data, the public feed and page (no login)."""
import csv
import io
from datetime import date

import pytest

from fupin_funds.testing import CITY, GUANGNING, HUAIJI, VILLAGE

pytestmark = pytest.mark.pg


async def test_allocation_results_notice_in_the_standard_layout(funds_any):
    f = funds_any
    central = await f.source(600_000, level="central")
    provincial = await f.source(400_000, level="provincial")
    await f.allocate(amount_fen=500_000, division_code=GUANGNING, source_id=central["id"])
    await f.allocate(amount_fen=300_000, division_code=HUAIJI, source_id=provincial["id"])
    draft = await f.post("/v1/disclosures", {"kind": "allocation_result", "division_code": CITY, "year": 2019,
                                             "notice_starts_on": "2019-03-01"})
    assert draft["status"] == "draft" and draft["title"] == "肇庆市2019年度扶贫资金分配结果公告"
    assert draft["supervision_phone"] == "12317" and draft["principles"]
    assert draft["sources_by_level"] == {"central": 500_000, "provincial": 300_000, "city": 0, "county": 0}
    assert [(r["location"], r["amount_fen"], r["responsible_unit"]) for r in draft["rows"]] == [
        ("广宁县", 500_000, "广宁县人民政府"), ("怀集县", 300_000, "怀集县人民政府")]
    assert (await f.client.get("/public/v1/disclosures")).json()["items"] == []     # drafts are not public
    published = await f.client.post(f"/v1/disclosures/{draft['id']}/publish",
                                    headers=f.auth() | {"If-Match": f'"v{draft["version"]}"'})
    assert published.status_code == 200 and published.json()["public_seq"] == 1
    events = [e["type"] for e in (await f.client.get(f"/v1/disclosures/{draft['id']}/history",
                                                     headers=f.auth())).json()]
    assert events == ["fupin.funds.disclosure.drafted.v1", "fupin.funds.disclosure.published.v1"]


async def test_notice_refusals_write_nothing(funds_pg):
    f = funds_pg
    project, _ = await f.funded_project(disclosed=False)
    before = await f.snapshot()
    short = await f.post("/v1/disclosures", {
        "kind": "village_project_arrangement", "division_code": VILLAGE, "year": 2019,
        "notice_starts_on": "2019-03-01", "notice_ends_on": "2019-03-05", "project_ids": [project["id"]]}, expect=422)
    assert short["reasons"] == ["notice_period_too_short"] and short["min_notice_days"] == 10
    wrong_level = await f.post("/v1/disclosures", {"kind": "village_project_arrangement", "division_code": GUANGNING,
                                                   "year": 2019}, expect=422)
    assert "kind_not_for_this_division_level" in wrong_level["reasons"]
    empty = await f.post("/v1/disclosures", {"kind": "fund_use", "division_code": VILLAGE, "year": 2019}, expect=422)
    assert empty["reasons"] == ["nothing_to_post"]
    foreign = await f.post("/v1/disclosures", {"kind": "village_project_arrangement", "division_code": VILLAGE,
                                               "year": 2018, "project_ids": [project["id"]]}, expect=422)
    assert foreign["type"].endswith("/notice-items-invalid")
    assert await f.snapshot() == before
    published = await f.publish_arrangement(project, starts=date(2019, 3, 1), ends=date(2019, 3, 10))
    before = await f.snapshot()
    again = await f.client.post(f"/v1/disclosures/{published['id']}/publish",
                                headers=f.auth() | {"If-Match": f'"v{published["version"]}"'})
    assert again.status_code == 409 and again.json()["type"].endswith("/disclosure-already-published")
    assert await f.snapshot() == before


async def test_public_feed_json_csv_and_incremental_since(funds_pg):
    f = funds_pg
    project, allocation = await f.funded_project()
    first = (await f.client.get("/public/v1/disclosures")).json()        # no Authorization header at all
    assert [n["kind"] for n in first["items"]] == ["village_project_arrangement"]
    notice = first["items"][0]
    assert notice["supervision_phone"] == "12317" and notice["rows"][0]["project"] == "村道硬底化工程"
    assert notice["sources_by_level"]["central"] == notice["total_amount_fen"]
    since = first["next_since"]
    assert (await f.client.get("/public/v1/disclosures", params={"since": since})).json()["items"] == []
    await f.post("/v1/disbursements", {"allocation_id": allocation["id"], "amount_fen": 1_000,
                                       "paid_on": "2019-04-01", "progress_pct": 10})
    use = await f.post("/v1/disclosures", {"kind": "fund_use", "division_code": VILLAGE, "year": 2019,
                                           "notice_starts_on": "2019-12-20"})
    await f.client.post(f"/v1/disclosures/{use['id']}/publish", headers=f.auth() | {"If-Match": '"v1"'})
    newer = (await f.client.get("/public/v1/disclosures", params={"since": since})).json()
    assert [n["id"] for n in newer["items"]] == [use["id"]] and newer["items"][0]["rows"][0]["amount_fen"] == 1_000
    r = await f.client.get("/public/v1/disclosures", headers={"Accept": "text/csv"})
    assert r.headers["content-type"].startswith("text/csv") and r.headers["X-Next-Since"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [row["kind"] for row in rows] == ["village_project_arrangement", "fund_use"]
    assert "account" not in r.text and "household" not in r.text
    assert (await f.client.get("/public/v1/disclosures", params={"format": "csv", "since": newer["next_since"]})
            ).text.count("\n") == 1                                       # the header only
    assert (await f.client.get("/public/v1/disclosures", params={"division": "4412"})).status_code == 422
    assert (await f.client.get("/public/v1/disclosures", params={"since": since, "year": 2019})).status_code == 400
    other = (await f.client.get("/public/v1/disclosures", params={"division": HUAIJI})).json()
    assert other["items"] == []


async def test_public_page_in_chinese_without_login(funds_sqlite):
    f = funds_sqlite
    await f.funded_project()
    page = await f.client.get("/public/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "扶贫资金项目公告公示" in html and "村道硬底化工程" in html and "12317" in html
    assert "width=device-width" in html
    one = (await f.client.get("/public/v1/disclosures")).json()["items"][0]
    detail = await f.client.get(f"/public/disclosures/{one['id']}")
    assert detail.status_code == 200 and "返回全部公告" in detail.text
    assert (await f.client.get("/public/", params={"division": GUANGNING, "year": "2018"})).text.count("<article") == 0


async def test_rules_are_data_the_city_changes(funds_pg):
    f = funds_pg
    rules = (await f.client.get("/v1/disclosure-rules", headers=f.auth())).json()
    village = next(r for r in rules if r["kind"] == "village_project_arrangement")
    assert village["gates_disbursement"] and village["min_notice_days"] == 10
    body = {"division_levels": ["village"], "public": True, "min_notice_days": 7, "gates_disbursement": False}
    r = await f.client.put("/v1/disclosure-rules/village_project_arrangement", json=body,
                           headers=f.auth(GUANGNING) | {"If-Match": '"v1"'})
    assert r.status_code == 403
    r = await f.client.put("/v1/disclosure-rules/village_project_arrangement", json=body, headers=f.auth())
    assert r.status_code == 428
    r = await f.client.put("/v1/disclosure-rules/village_project_arrangement", json=body,
                           headers=f.auth() | {"If-Match": '"v1"'})
    assert r.status_code == 200 and r.json()["version"] == 2
    # the gate is now off: an undisclosed village project can be paid
    _, allocation = await f.funded_project(disclosed=False)
    await f.post("/v1/disbursements", {"allocation_id": allocation["id"], "amount_fen": 100, "paid_on": "2019-04-01",
                                       "progress_pct": 10})
