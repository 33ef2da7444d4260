"""The assessment end to end on PostgreSQL (a subset also on SQLite, the embedded default): framework, workflow, auto-scoring from a frozen
snapshot with evidence, manual scores, deductions, publication, ranking, the result page,
corrections, appeals, and the freeze (later data never changes a published result)."""
from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from fupin_assessment.frameworks.service import bundled_framework
from fupin_shared.contracts.funds import AuditFindingRecorded
from fupin_shared.contracts.monitoring import YearSnapshotFrozen
from fupin_shared.contracts.registry import HouseholdRegistered, HouseholdUpdated
from fupin_shared.contracts.tasks import SupervisionFindingClosed, SupervisionFindingRecorded
from fupin_shared.testing import ServiceHarness, eventually
from fupin_assessment.catalogue import ASSISTING_UNIT, COUNTY, DEPARTMENT, subjects

pytestmark = pytest.mark.pg
YEAR = 2019
CITY = "441200000000"
GUANGNING = "441223000000"
WRITER = ["assessment:read", "assessment:write"]
READER = ["assessment:read"]


def snapshot_metrics(shift: float = 0.0) -> dict[str, dict[str, float]]:
    """Plausible year-end figures for every subject; ``shift`` moves the rates (a later snapshot)."""
    out: dict[str, dict[str, float]] = {}
    for n, s in enumerate(subjects()):
        if s.kind == COUNTY:
            out[s.key] = {
                "exit_rate": min(1.0, 0.70 + 0.03 * n + shift), "return_rate": 0.004 * (n % 3),
                "income_above_line_rate": 0.80 + 0.02 * n, "village_exit_rate": 0.5 + 0.05 * n,
                "guarantee_compliance_rate": 0.90 + 0.01 * n, "measures_per_household": 1.8 + 0.1 * n,
                "funds_spending_rate": 0.60 + 0.04 * n, "disclosure_timeliness_rate": 0.90 + 0.01 * n,
                "reports_on_time_rate": 0.9, "open_alerts": float(2 * n)}
        elif s.kind in (DEPARTMENT, ASSISTING_UNIT):
            out[s.key] = {"reports_on_time_rate": 0.75 + (n % 5) * 0.05, "reports_overdue": float(n % 4)}
    return out


async def wait_for_snapshot(harness: ServiceHarness, snapshot_id: uuid.UUID) -> None:
    async def probe() -> bool:
        r = await harness.client.get(f"/v1/snapshots/{snapshot_id}", headers=harness.auth(scopes=READER))
        return r.status_code == 200

    await eventually(probe, message=f"snapshot {snapshot_id} copied")


async def outbox_count(h) -> int:  # noqa: ANN001
    from sqlalchemy import func, select

    async with h.runtime.uow() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(uow.infra.Outbox)))


async def define(h, year: int = YEAR) -> str:  # noqa: ANN001
    r = await h.client.put(f"/v1/frameworks/{year}", json=bundled_framework(year).model_dump(mode="json"),
                           headers=h.auth(scopes=WRITER))
    assert r.status_code == 201, r.text
    return r.headers["etag"]


async def open_collecting(h, year: int = YEAR) -> str:  # noqa: ANN001
    await define(h, year)
    r = await h.client.post("/v1/assessments", json={"year": year}, headers=h.auth(scopes=WRITER))
    assert r.status_code == 201, r.text
    r = await h.client.post(f"/v1/assessments/{year}/transitions", json={"to": "collecting"},
                            headers={**h.auth(scopes=WRITER), "If-Match": r.headers["etag"]})
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "collecting"
    return r.headers["etag"]


async def freeze(h, bus, year: int = YEAR, shift: float = 0.0) -> uuid.UUID:  # noqa: ANN001
    snapshot_id = uuid.uuid4()
    await bus.publish(YearSnapshotFrozen(snapshot_id=snapshot_id, year=year, frozen_at=datetime.now(UTC),
                                         metrics=snapshot_metrics(shift)), subject=f"snapshot:{year}")
    await wait_for_snapshot(h, snapshot_id)
    return snapshot_id


async def move(h, year: int, to: str) -> dict:  # noqa: ANN001
    etag = (await h.client.get(f"/v1/assessments/{year}", headers=h.auth(scopes=READER))).headers["etag"]
    r = await h.client.post(f"/v1/assessments/{year}/transitions", json={"to": to},
                            headers={**h.auth(scopes=WRITER), "If-Match": etag})
    assert r.status_code == 200, r.text
    return r.json()


async def score_all_open(h, year: int = YEAR, points_fraction: float = 0.8) -> int:  # noqa: ANN001
    """Score every open indicator through the reviewers' score sheet."""
    sheet, cursor = [], None
    while True:
        url = f"/v1/assessments/{year}/scores?status=pending&status=missing&limit=200" + (
            f"&cursor={cursor}" if cursor else "")
        page = (await h.client.get(url, headers=h.auth(scopes=READER))).json()
        sheet += [{"subject": i["subject"], "indicator_code": i["code"], "score": round(i["weight"] * points_fraction, 2),
                   "comment": "实地核查", "version": i["version"]} for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    r = await h.client.post(f"/v1/assessments/{year}/scores", json={"scores": sheet}, headers=h.auth(scopes=WRITER))
    assert r.status_code == 200, r.text
    assert len(r.json()) == len(sheet)
    left = (await h.client.get(f"/v1/assessments/{year}/scores?status=pending&status=missing",
                               headers=h.auth(scopes=READER))).json()
    assert left["items"] == []
    return len(sheet)


async def published(h, bus, year: int = YEAR) -> uuid.UUID:  # noqa: ANN001
    await open_collecting(h, year)
    snapshot_id = await freeze(h, bus, year)
    await move(h, year, "scoring")
    await score_all_open(h, year)
    await move(h, year, "review")
    etag = (await h.client.get(f"/v1/assessments/{year}", headers=h.auth(scopes=READER))).headers["etag"]
    r = await h.client.post(f"/v1/assessments/{year}/publish", headers={**h.auth(scopes=WRITER), "If-Match": etag})
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "published"
    return snapshot_id


async def test_scoring_needs_a_snapshot_and_refusal_writes_nothing(service) -> None:  # noqa: ANN001
    h, bus = service
    etag = await open_collecting(h)
    before = await outbox_count(h)
    r = await h.client.post(f"/v1/assessments/{YEAR}/transitions", json={"to": "scoring"},
                            headers={**h.auth(scopes=WRITER), "If-Match": etag})
    assert r.status_code == 409
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["type"].endswith("/snapshot-missing")
    a = await h.client.get(f"/v1/assessments/{YEAR}", headers=h.auth(scopes=READER))
    assert a.json()["state"] == "collecting" and a.headers["etag"] == etag
    assert await outbox_count(h) == before
    # illegal jumps are refused with the allowed moves
    r = await h.client.post(f"/v1/assessments/{YEAR}/transitions", json={"to": "published"},
                            headers={**h.auth(scopes=WRITER), "If-Match": etag})
    assert r.status_code == 409 and r.json()["allowed"] == ["draft", "scoring"]
    # a stale If-Match is 412, a missing one 428
    r = await h.client.post(f"/v1/assessments/{YEAR}/transitions", json={"to": "draft"},
                            headers={**h.auth(scopes=WRITER), "If-Match": '"v1"'})
    assert r.status_code == 412
    r = await h.client.post(f"/v1/assessments/{YEAR}/transitions", json={"to": "draft"}, headers=h.auth(scopes=WRITER))
    assert r.status_code == 428
    assert await outbox_count(h) == before


async def test_auto_scores_cite_snapshot_metric_and_value(service) -> None:  # noqa: ANN001
    h, bus = service
    await open_collecting(h)
    snapshot_id = await freeze(h, bus)
    body = await move(h, YEAR, "scoring")
    assert body["snapshot_id"] == str(snapshot_id)
    r = await h.client.get(f"/v1/assessments/{YEAR}/441223", headers=h.auth(scopes=READER))
    result = r.json()
    assert result["provisional"] is True and result["subject"] == GUANGNING and result["name"] == "广宁县"
    by_code = {i["code"]: i for i in result["indicators"]}
    exit_rate = snapshot_metrics()[GUANGNING]["exit_rate"]
    c01 = by_code["C01"]
    assert c01["status"] == "auto"
    assert c01["evidence"]["snapshot_id"] == str(snapshot_id)
    assert c01["evidence"]["metric"] == "exit_rate" and c01["evidence"]["value"] == pytest.approx(exit_rate)
    # linear 0.60 → 0.90 of weight 12
    assert c01["score"] == pytest.approx(round(12 * min(1, (exit_rate - 0.6) / 0.3), 2))
    assert by_code["C11"]["evidence"]["ranked"] == 8  # rank among the 8 counties
    assert by_code["C05"]["status"] == "pending" and by_code["C05"]["score"] is None
    # every auto indicator of every county cites the snapshot
    assert all(i["evidence"]["snapshot_id"] == str(snapshot_id) for i in result["indicators"] if i["source"] != "manual")
    # a reviewer cannot overwrite an auto score; the refusal writes nothing
    before = await outbox_count(h)
    r = await h.client.put(f"/v1/assessments/{YEAR}/441223/scores/C01", json={"score": 1, "comment": "x"},
                           headers={**h.auth(scopes=WRITER), "If-Match": f'"v{c01["version"]}"'})
    assert r.status_code == 409 and r.json()["type"].endswith("/score-is-automatic")
    # over the weight: 422
    c05 = by_code["C05"]
    r = await h.client.put(f"/v1/assessments/{YEAR}/441223/scores/C05", json={"score": 9, "comment": "x"},
                           headers={**h.auth(scopes=WRITER), "If-Match": f'"v{c05["version"]}"'})
    assert r.status_code == 422
    # moving to review while scores are missing: 409 listing them
    etag = (await h.client.get(f"/v1/assessments/{YEAR}", headers=h.auth(scopes=READER))).headers["etag"]
    r = await h.client.post(f"/v1/assessments/{YEAR}/transitions", json={"to": "review"},
                            headers={**h.auth(scopes=WRITER), "If-Match": etag})
    assert r.status_code == 409 and r.json()["missing_count"] > 0
    assert await outbox_count(h) == before
    # a county officer cannot score
    r = await h.client.put(f"/v1/assessments/{YEAR}/441223/scores/C05", json={"score": 5, "comment": "x"},
                           headers={**h.auth(scopes=WRITER, division=GUANGNING), "If-Match": f'"v{c05["version"]}"'})
    assert r.status_code == 403
    # a reviewer's manual score with comment
    r = await h.client.put(f"/v1/assessments/{YEAR}/441223/scores/C05", json={"score": 7.5, "comment": "识别准确"},
                           headers={**h.auth(scopes=WRITER), "If-Match": f'"v{c05["version"]}"'})
    assert r.status_code == 200, r.text
    assert r.json()["score"] == 7.5 and r.json()["evidence"]["review"]["comment"] == "识别准确"
    assert await outbox_count(h) == before + 1
    # a score sheet is all or nothing: one bad entry refuses the whole sheet
    c06 = by_code["C06"]
    sheet = [{"subject": "441223", "indicator_code": "C06", "score": 6, "comment": "ok", "version": c06["version"]},
             {"subject": "441223", "indicator_code": "C09", "score": 11, "comment": "over", "version": 1},
             {"subject": "441223", "indicator_code": "Z99", "score": 1, "comment": "unknown", "version": 1}]
    r = await h.client.post(f"/v1/assessments/{YEAR}/scores", json={"scores": sheet}, headers=h.auth(scopes=WRITER))
    assert r.status_code == 422
    assert [e["pointer"] for e in r.json()["errors"]] == ["#/scores/1/score", "#/scores/2"]
    assert await outbox_count(h) == before + 1
    after = (await h.client.get(f"/v1/assessments/{YEAR}/441223/scores/C06", headers=h.auth(scopes=READER)))
    assert after.json()["score"] is None and after.headers["etag"] == f'"v{c06["version"]}"'
    r = await h.client.post(f"/v1/assessments/{YEAR}/scores", json={"scores": sheet[:1]}, headers=h.auth(scopes=WRITER))
    assert r.status_code == 200 and r.json()[0]["score"] == 6 and r.json()[0]["version"] == c06["version"] + 1


async def test_publish_ranking_page_and_division_scoping(service) -> None:  # noqa: ANN001
    h, bus = service
    snapshot_id = await published(h, bus)
    r = await h.client.get(f"/v1/assessments/{YEAR}/ranking?kind=county", headers=h.auth(scopes=READER))
    ranking = r.json()
    assert ranking["version"] == 1 and ranking["provisional"] is False
    assert [e["rank"] for e in ranking["items"]] == sorted(e["rank"] for e in ranking["items"])
    assert len(ranking["items"]) == 8
    totals = [e["total"] for e in ranking["items"]]
    assert totals == sorted(totals, reverse=True)
    assert {e["grade"] for e in ranking["items"]} <= {"好", "较好", "一般", "较差"}
    # paginated
    page1 = (await h.client.get(f"/v1/assessments/{YEAR}/ranking?limit=5", headers=h.auth(scopes=READER))).json()
    page2 = (await h.client.get(f"/v1/assessments/{YEAR}/ranking?limit=5&cursor={page1['next_cursor']}",
                                headers=h.auth(scopes=READER))).json()
    assert len(page1["items"]) == 5 and page1["items"][-1]["subject"] != page2["items"][0]["subject"]
    # the result JSON and the Chinese HTML page
    result = (await h.client.get(f"/v1/assessments/{YEAR}/广宁县", headers=h.auth(scopes=READER))).json()
    assert result["version"] == 1 and result["provisional"] is False and result["snapshot_id"] == str(snapshot_id)
    assert sum(d["weight"] for d in result["dimensions"]) == pytest.approx(100)
    page = await h.client.get(f"/v1/assessments/{YEAR}/441223000000/page", headers=h.auth(scopes=READER))
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "广宁县" in page.text and "年末冻结快照" in page.text and str(snapshot_id) in page.text
    assert "指标得分与依据" in page.text
    # a county token sees only its own county: in ranking, assessment and result
    county = h.auth(scopes=READER, division=GUANGNING)
    own = (await h.client.get(f"/v1/assessments/{YEAR}/ranking", headers=county)).json()["items"]
    assert [e["subject"] for e in own] == [GUANGNING]
    assert [s["subject"] for s in (await h.client.get(f"/v1/assessments/{YEAR}", headers=county)).json()["subjects"]] \
        == [GUANGNING]
    assert (await h.client.get(f"/v1/assessments/{YEAR}/441224", headers=county)).status_code == 404
    assert (await h.client.get(f"/v1/assessments/{YEAR}/市教育局", headers=county)).status_code == 404
    assert (await h.client.get(f"/v1/assessments/{YEAR}/ranking?division=441224000000",
                               headers=county)).status_code == 403
    # history from the outbox
    history = (await h.client.get(f"/v1/assessments/{YEAR}/history", headers=h.auth(scopes=READER))).json()
    types = [e["type"] for e in history]
    assert "fupin.assessment.assessment.scored.v1" in types and types[-1] == "fupin.assessment.assessment.published.v1"


@pytest.fixture(params=["pg", "sqlite"])
def any_service(request):  # noqa: ANN001, ANN201
    return request.getfixturevalue("service" if request.param == "pg" else "sqlite_service")


async def test_published_result_never_changes_after_later_data(any_service) -> None:  # noqa: ANN001
    h, bus = any_service
    first = await published(h, bus)
    before = (await h.client.get(f"/v1/assessments/{YEAR}/441223", headers=h.auth(scopes=READER))).json()
    ranking_before = (await h.client.get(f"/v1/assessments/{YEAR}/ranking", headers=h.auth(scopes=READER))).json()
    # a second, different snapshot and later registry edits arrive after publication
    second = await freeze(h, bus, shift=-0.3)
    household = uuid.uuid4()
    await bus.publish(HouseholdRegistered(household_id=household, village_code="441223101001", status="identified",
                                          persons=3), subject=str(household))
    await bus.publish(HouseholdUpdated(household_id=household, village_code="441223101001", status="pre_exit",
                                       persons=4, changed=["persons"]), subject=str(household))
    finding = uuid.uuid4()
    await bus.publish(SupervisionFindingRecorded(finding_id=finding, kind="inspection", year=YEAR, severity="major",
                                                 rectify_by=date(2020, 3, 1), division_code=GUANGNING),
                      subject=str(finding))

    async def applied() -> bool:
        async with h.runtime.uow() as uow:
            from fupin_assessment.inputs.models import FrameHousehold, Finding

            return (await uow.session.get(FrameHousehold, household) is not None
                    and await uow.session.get(Finding, finding) is not None)

    await eventually(applied, message="later events copied")
    assert second != first
    after = (await h.client.get(f"/v1/assessments/{YEAR}/441223", headers=h.auth(scopes=READER))).json()
    assert after == before
    assert after["snapshot_id"] == str(first)
    ranking_after = (await h.client.get(f"/v1/assessments/{YEAR}/ranking", headers=h.auth(scopes=READER))).json()
    assert ranking_after == ranking_before


async def test_correction_publishes_a_new_version_and_keeps_the_old(any_service) -> None:  # noqa: ANN001
    h, bus = any_service
    await published(h, bus)
    v1 = (await h.client.get(f"/v1/assessments/{YEAR}/441223", headers=h.auth(scopes=READER))).json()
    county = h.auth(scopes=WRITER, division=GUANGNING)
    # a county appeals its own result within the window…
    r = await h.client.post(f"/v1/assessments/{YEAR}/appeals", json={
        "subject": "441223", "reason": "识别准确率核查样本有误", "indicator_codes": ["C05"]}, headers=county)
    assert r.status_code == 201, r.text
    appeal = r.json()
    assert appeal["state"] == "filed" and appeal["result_version"] == 1
    # …but not another county's (404, nothing written)
    before = await outbox_count(h)
    r = await h.client.post(f"/v1/assessments/{YEAR}/appeals", json={"subject": "441224", "reason": "x"},
                            headers=county)
    assert r.status_code == 404
    assert await outbox_count(h) == before
    # the office upholds it and corrects: version 2 with the reason
    r = await h.client.post(f"/v1/assessments/{YEAR}/appeals/{appeal['id']}/decision",
                            json={"decision": "upheld", "resolution": "复核属实"}, headers=h.auth(scopes=WRITER))
    assert r.status_code == 200 and r.json()["state"] == "upheld"
    etag = (await h.client.get(f"/v1/assessments/{YEAR}", headers=h.auth(scopes=READER))).headers["etag"]
    correction = {"reason": "申诉复核：识别准确率更正", "changes": [
        {"subject": "441223", "indicator_code": "C05", "score": 8, "comment": "复核后满分"}],
        "appeal_ids": [appeal["id"]]}
    r = await h.client.post(f"/v1/assessments/{YEAR}/corrections", json=correction,
                            headers={**h.auth(scopes=WRITER), "If-Match": etag, "Idempotency-Key": "corr-1"})
    assert r.status_code == 201, r.text
    assert r.json()["published_version"] == 2
    replay = await h.client.post(f"/v1/assessments/{YEAR}/corrections", json=correction,
                                 headers={**h.auth(scopes=WRITER), "If-Match": etag, "Idempotency-Key": "corr-1"})
    assert replay.status_code == 201 and replay.headers.get("idempotent-replayed") == "true"
    v2 = (await h.client.get(f"/v1/assessments/{YEAR}/441223", headers=h.auth(scopes=READER))).json()
    assert v2["version"] == 2 and v2["versions"] == [1, 2] and v2["correction_reason"] == "申诉复核：识别准确率更正"
    c05 = next(i for i in v2["indicators"] if i["code"] == "C05")
    assert c05["score"] == 8 and c05["evidence"]["correction"]["previous_score"] == 6.4
    assert v2["total"] == pytest.approx(v1["total"] + 1.6)
    old = (await h.client.get(f"/v1/assessments/{YEAR}/441223?version=1", headers=h.auth(scopes=READER))).json()
    assert old == {**v1, "versions": [1, 2]}
    versions = (await h.client.get(f"/v1/assessments/{YEAR}/versions", headers=h.auth(scopes=READER))).json()
    assert [(v["version"], v["correction_reason"]) for v in versions["items"]] == [
        (1, None), (2, "申诉复核：识别准确率更正")]
    assert (await h.client.get(f"/v1/assessments/{YEAR}/appeals/{appeal['id']}",
                               headers=h.auth(scopes=READER))).json()["corrected_in_version"] == 2
    # a correction that changes nothing is refused, nothing written
    before = await outbox_count(h)
    etag = (await h.client.get(f"/v1/assessments/{YEAR}", headers=h.auth(scopes=READER))).headers["etag"]
    r = await h.client.post(f"/v1/assessments/{YEAR}/corrections", json={"reason": "none"},
                            headers={**h.auth(scopes=WRITER), "If-Match": etag})
    assert r.status_code == 422
    assert await outbox_count(h) == before


async def test_appeal_after_the_window_is_refused(service) -> None:  # noqa: ANN001
    h, bus = service
    document = bundled_framework(YEAR).model_dump(mode="json")
    document["appeal_window_days"] = 0
    await define(h)
    etag = (await h.client.get(f"/v1/frameworks/{YEAR}", headers=h.auth(scopes=READER))).headers["etag"]
    r = await h.client.put(f"/v1/frameworks/{YEAR}", json=document, headers={**h.auth(scopes=WRITER), "If-Match": etag})
    assert r.status_code == 200
    r = await h.client.post("/v1/assessments", json={"year": YEAR}, headers=h.auth(scopes=WRITER))
    await move(h, YEAR, "collecting")
    await freeze(h, bus)
    await move(h, YEAR, "scoring")
    await score_all_open(h)
    await move(h, YEAR, "review")
    await move(h, YEAR, "published")
    before = await outbox_count(h)
    r = await h.client.post(f"/v1/assessments/{YEAR}/appeals", json={"subject": "441223", "reason": "迟到的申诉"},
                            headers=h.auth(scopes=WRITER, division=GUANGNING))
    assert r.status_code == 409 and r.json()["type"].endswith("/appeal-window-closed")
    assert await outbox_count(h) == before
    # the framework is locked now
    etag = (await h.client.get(f"/v1/frameworks/{YEAR}", headers=h.auth(scopes=READER))).headers["etag"]
    r = await h.client.put(f"/v1/frameworks/{YEAR}", json=document, headers={**h.auth(scopes=WRITER), "If-Match": etag})
    assert r.status_code == 409 and r.json()["type"].endswith("/framework-locked")


async def test_deductions_from_supervision_and_audit_findings(service) -> None:  # noqa: ANN001
    h, bus = service
    await open_collecting(h)
    open_finding, closed_finding, audit, unit_finding = (uuid.uuid4() for _ in range(4))
    await bus.publish(SupervisionFindingRecorded(finding_id=open_finding, kind="inspection", year=YEAR,
                                                 severity="major", rectify_by=date(2019, 10, 1),
                                                 division_code="441223101000"), subject=str(open_finding))
    await bus.publish(SupervisionFindingRecorded(finding_id=closed_finding, kind="supervision", year=YEAR,
                                                 severity="major", rectify_by=date(2019, 11, 1),
                                                 division_code=GUANGNING), subject=str(closed_finding))
    await bus.publish(SupervisionFindingClosed(finding_id=closed_finding, closed_on=date(2019, 10, 20),
                                               division_code=GUANGNING), subject=str(closed_finding))
    await bus.publish(AuditFindingRecorded(finding_id=audit, division_code="441223101001", year=YEAR, severity="high",
                                           summary="扶贫资金滞留", rectify_by=date(2019, 12, 1)), subject=str(audit))
    await bus.publish(SupervisionFindingRecorded(finding_id=unit_finding, kind="interview", year=YEAR,
                                                 severity="minor", rectify_by=date(2019, 9, 1), unit="市教育局",
                                                 task_number=8), subject=str(unit_finding))

    async def copied() -> bool:
        r = await h.client.get(f"/v1/findings?year={YEAR}", headers=h.auth(scopes=READER))
        items = r.json()["items"]
        return len(items) == 4 and any(i["closed_on"] for i in items)

    await eventually(copied, message="findings copied")
    # a county sees only findings located in its subtree
    county_items = (await h.client.get(f"/v1/findings?year={YEAR}", headers=h.auth(scopes=READER, division=GUANGNING))
                    ).json()["items"]
    assert len(county_items) == 3
    await freeze(h, bus)
    await move(h, YEAR, "scoring")
    result = (await h.client.get(f"/v1/assessments/{YEAR}/441223", headers=h.auth(scopes=READER))).json()
    by_finding = {d["finding_id"]: d for d in result["deductions"]}
    assert by_finding[str(open_finding)]["points"] == 2 and by_finding[str(open_finding)]["rule_code"] == "K2"
    assert by_finding[str(closed_finding)]["points"] == 1  # rectified: half
    assert by_finding[str(audit)]["points"] == 2 and by_finding[str(audit)]["rule_code"] == "K3"
    assert by_finding[str(audit)]["evidence"]["summary"] == "扶贫资金滞留"
    assert result["deduction_total"] == 5
    dept = (await h.client.get(f"/v1/assessments/{YEAR}/市教育局", headers=h.auth(scopes=READER))).json()
    assert [(d["finding_id"], d["points"]) for d in dept["deductions"]] == [(str(unit_finding), 0.5)]
    # a reviewer's deduction for a verified complaint, capped by its rule (K1: 3 points)
    r = await h.client.post(f"/v1/assessments/{YEAR}/441223/deductions", json={
        "rule_code": "K1", "points": 5, "reason": "监督投诉查实：帮扶台账造假"}, headers=h.auth(scopes=WRITER))
    assert r.status_code == 201, r.text
    assert r.json()["points"] == 3
    # an unknown rule is refused, nothing written
    before = await outbox_count(h)
    r = await h.client.post(f"/v1/assessments/{YEAR}/441223/deductions", json={
        "rule_code": "K9", "points": 1, "reason": "x"}, headers=h.auth(scopes=WRITER))
    assert r.status_code == 422
    assert await outbox_count(h) == before


async def test_open_twice_and_without_framework_is_refused(service) -> None:  # noqa: ANN001
    h, _ = service
    r = await h.client.post("/v1/assessments", json={"year": 2018}, headers=h.auth(scopes=WRITER))
    assert r.status_code == 409 and r.json()["type"].endswith("/framework-not-defined")
    assert await outbox_count(h) == 0
    await define(h, 2018)
    r = await h.client.post("/v1/assessments", json={"year": 2018},
                            headers={**h.auth(scopes=WRITER), "Idempotency-Key": "open-2018"})
    assert r.status_code == 201
    a = r.json()
    assert a["subject_counts"]["county"] == 8 and a["subject_counts"]["department"] > 10
    replay = await h.client.post("/v1/assessments", json={"year": 2018},
                                 headers={**h.auth(scopes=WRITER), "Idempotency-Key": "open-2018"})
    assert replay.status_code == 201 and replay.json()["id"] == a["id"]
    before = await outbox_count(h)
    r = await h.client.post("/v1/assessments", json={"year": 2018}, headers=h.auth(scopes=WRITER))
    assert r.status_code == 409 and r.json()["type"].endswith("/assessment-exists")
    assert await outbox_count(h) == before
    r = await h.client.post("/v1/assessments", json={"year": 2018}, headers=h.auth(scopes=READER))
    assert r.status_code == 403
    assert CITY == "441200000000"


async def test_framework_defined_replaced_and_refused(service) -> None:  # noqa: ANN001
    h, _ = service
    etag = await define(h, 2020)
    assert etag == '"v1"'
    r = await h.client.get("/v1/frameworks/2020", headers=h.auth(scopes=READER))
    body = r.json()
    assert body["kinds"]["county"] == {"indicators": 15, "weight": 100, "manual": 4, "auto": 11}
    assert body["dimensions"] == ["减贫成效", "精准识别", "精准帮扶", "扶贫资金", "责任落实"]
    document = bundled_framework(2020).model_dump(mode="json")
    before = await outbox_count(h)
    # weights that do not sum to 100, an unknown metric: 422 with pointers, nothing written
    bad = {**document, "indicators": [{**document["indicators"][0], "weight": 20, "source": "mood"},
                                      *document["indicators"][1:]]}
    r = await h.client.put("/v1/frameworks/2020", json=bad, headers={**h.auth(scopes=WRITER), "If-Match": etag})
    assert r.status_code == 422
    assert {e["pointer"] for e in r.json()["errors"]} == {"#/indicators/0/source", "#/indicators"}
    r = await h.client.put("/v1/frameworks/2020", json={**document, "surprise": 1},
                           headers={**h.auth(scopes=WRITER), "If-Match": etag})
    assert r.status_code == 422
    r = await h.client.put("/v1/frameworks/2020", json=document, headers=h.auth(scopes=WRITER))
    assert r.status_code == 428
    r = await h.client.put("/v1/frameworks/2020", json=document, headers={**h.auth(scopes=WRITER), "If-Match": '"v7"'})
    assert r.status_code == 412
    r = await h.client.put("/v1/frameworks/2020", json=document,
                           headers={**h.auth(scopes=WRITER, division=GUANGNING), "If-Match": etag})
    assert r.status_code == 403
    assert await outbox_count(h) == before
    assert (await h.client.get("/v1/frameworks/2020", headers=h.auth(scopes=READER))).json() == body
    # a replacement with If-Match
    changed = {**document, "appeal_window_days": 10}
    r = await h.client.put("/v1/frameworks/2020", json=changed, headers={**h.auth(scopes=WRITER), "If-Match": etag})
    assert r.status_code == 200 and r.headers["etag"] == '"v2"' and r.json()["appeal_window_days"] == 10
    history = (await h.client.get("/v1/frameworks/2020/history", headers=h.auth(scopes=READER))).json()
    assert [e["data"]["version"] for e in history] == [1, 2]
    assert (await h.client.get("/v1/frameworks/2017", headers=h.auth(scopes=READER))).status_code == 404
    listing = (await h.client.get("/v1/frameworks", headers=h.auth(scopes=READER))).json()
    assert [f["year"] for f in listing["items"]] == [2020]
