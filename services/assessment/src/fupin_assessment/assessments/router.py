"""HTTP for assessments: open, workflow, scores, deductions, publish, corrections, ranking,
appeals, results (JSON and a Chinese HTML page) and history."""
from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from fupin_assessment.access import may_see, require_city
from fupin_assessment.assessments import service, views
from fupin_assessment.assessments.errors import IndicatorNotFound, SubjectNotFound, VersionNotFound
from fupin_assessment.assessments.models import Appeal, IndicatorScore
from fupin_assessment.assessments.page import render_result_html
from fupin_assessment.assessments.schemas import (AppealCreate, AppealDecision, AppealPage, AppealRead,
                                                  AssessmentCreate, AssessmentPage, AssessmentRead,
                                                  AssessmentSummary, CorrectionRequest, DeductionRead,
                                                  DeductionRequest, PublicationPage, PublicationRead,
                                                  RankingEntry, RankingPage, ScorePage, ScoreRead, ScoreRequest, ScoreSheet,
                                                  SubjectResultRead, TransitionRequest)
from fupin_assessment.assessments.service import subject_key
from fupin_assessment.deps import AssessmentReader, AssessmentWriter, Uows
from fupin_assessment.frameworks.domain import ScoringRule
from fupin_assessment.schemas_common import HistoryEntry, Year, history_entries
from fupin_shared.auth.deps import check_division
from fupin_shared.auth.principal import Principal
from fupin_shared.contracts.monitoring import SNAPSHOT_METRICS
from fupin_shared.http.deps import Cursor, IdempotencyDep, IfMatchVersion, Limit
from fupin_shared.http.etag import etag_for
from fupin_shared.http.pagination import decode_cursor, page_of
from fupin_shared.http.problems import problem_responses
from fupin_shared.http.responses import json_response

router = APIRouter(prefix="/v1", tags=["assessments"])

SubjectPath = Annotated[str, Path(min_length=1, max_length=120,
                                  description="County code (12 or 6 digits) or name, or a unit's name")]
CodePath = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.-]{1,20}$")]
Kind = Literal["county", "department", "assisting_unit"]


async def _read(uows, year: int, viewer) -> Response:  # noqa: ANN001
    async with uows() as uow:
        a = await uow.assessments.get(year)
        body = await views.assessment_read(uow, a, viewer=viewer)
    return json_response(body, headers={"ETag": etag_for(a.version)})


def _score_read(row: IndicatorScore) -> ScoreRead:
    label = "评审评分 (manual)" if row.source == "manual" else f"{SNAPSHOT_METRICS.get(row.source, row.source)} [{row.source}]"
    return ScoreRead(subject=row.subject, code=row.indicator_code, dimension=row.dimension, name=row.name,
                     weight=row.weight, source=row.source, source_label=label, rule=row.rule,
                     rule_zh=ScoringRule(**row.rule).describe_zh(), value=row.value, score=row.score,
                     status=row.status, evidence=row.evidence, comment=row.comment, scored_by=row.scored_by,
                     scored_at=row.scored_at, version=row.version)


def _appeal_read(a: Appeal) -> AppealRead:
    return AppealRead(id=a.id, year=a.year, subject=a.subject, result_version=a.result_version,
                      indicator_codes=list(a.indicator_codes or []), reason=a.reason, state=a.state,
                      resolution=a.resolution, filed_by=a.filed_by, filed_at=a.filed_at, decided_by=a.decided_by,
                      decided_at=a.decided_at, corrected_in_version=a.corrected_in_version)


@router.post("/assessments", status_code=201, response_model=AssessmentRead, responses=problem_responses(409))
async def open_assessment(body: AssessmentCreate, uows: Uows, actor: AssessmentWriter,
                          idempotency: IdempotencyDep) -> Response:
    """Open the year's assessment (draft) with its subjects: the 8 counties, the city departments
    of the responsibility matrix and the assisting units. Honours Idempotency-Key."""
    require_city(actor)

    async def action(uow) -> Response:  # noqa: ANN001
        a = await service.open_assessment(uow, body.year, actor=actor)
        async with uow as reader:  # the same transaction: under an Idempotency-Key it commits with the response
            read = await views.assessment_read(reader, a, viewer=actor)
        return json_response(read, status_code=201, headers={"ETag": etag_for(a.version),
                                                              "Location": f"assessments/{a.year}"})

    return await idempotency.run(uows, client_id=actor.client_id, body=body.model_dump(mode="json"), action=action)


@router.get("/assessments", response_model=AssessmentPage, responses=problem_responses(400))
async def list_assessments(uows: Uows, actor: AssessmentReader, cursor: Cursor = None, limit: Limit = 50) -> Response:
    """The yearly assessments and their workflow states."""
    filters: dict = {}
    last = decode_cursor(cursor, filters)
    async with uows() as uow:
        rows = await uow.assessments.page(after=int(last[0]) if last else None, limit=limit)
    rows, next_cursor = page_of(rows, limit, lambda r: [r.year], filters)
    return json_response(AssessmentPage(items=[AssessmentSummary(
        id=r.id, year=r.year, state=r.state, version=r.version, published_version=r.published_version,
        published_at=r.published_at) for r in rows], next_cursor=next_cursor))


@router.get("/assessments/{year}", response_model=AssessmentRead, responses=problem_responses(404))
async def get_assessment(year: Year, uows: Uows, actor: AssessmentReader) -> Response:
    """The year's assessment: state, the snapshot it was scored from, publication and appeal window,
    and its subjects (within the caller's division) with totals, grades and ranks."""
    return await _read(uows, year, actor)


@router.get("/assessments/{year}/history", response_model=list[HistoryEntry], responses=problem_responses(404))
async def assessment_history(year: Year, uows: Uows, actor: AssessmentReader) -> Response:
    """Every event of the year's assessment, oldest first (from the outbox)."""
    async with uows() as uow:
        a = await uow.assessments.get(year)
        rows = await uow.assessments.history(a.id)
    rows = [r for r in rows if r.division is None or actor.sees(r.division)]
    return json_response(history_entries(rows))


@router.post("/assessments/{year}/transitions", response_model=AssessmentRead,
             responses=problem_responses(404, 409, 412, 428))
async def move_assessment(year: Year, body: TransitionRequest, uows: Uows, actor: AssessmentWriter,
                          version: IfMatchVersion) -> Response:
    """Move the assessment in its workflow (draft → collecting → scoring → review → published;
    review → scoring; collecting → draft). An illegal move is 409 with the allowed ones."""
    require_city(actor)
    await service.move(uows(), year, body.to, actor=actor, expected_version=version)
    return await _read(uows, year, actor)


@router.post("/assessments/{year}/rescore", response_model=AssessmentRead,
             responses=problem_responses(404, 409, 412, 428))
async def rescore_assessment(year: Year, uows: Uows, actor: AssessmentWriter, version: IfMatchVersion) -> Response:
    """Re-score the auto indicators from the newest frozen snapshot and recompute deductions (scoring only)."""
    require_city(actor)
    await service.rescore(uows(), year, actor=actor, expected_version=version)
    return await _read(uows, year, actor)


@router.post("/assessments/{year}/publish", response_model=AssessmentRead,
             responses=problem_responses(404, 409, 412, 428))
async def publish_assessment(year: Year, uows: Uows, actor: AssessmentWriter, version: IfMatchVersion) -> Response:
    """Publish the reviewed results (version 1): totals, grades, ranks per subject kind, each
    indicator with its evidence; opens the appeal window."""
    require_city(actor)
    await service.move(uows(), year, "published", actor=actor, expected_version=version)
    return await _read(uows, year, actor)


@router.post("/assessments/{year}/corrections", status_code=201, response_model=AssessmentRead,
             responses=problem_responses(404, 409, 412, 428))
async def correct_assessment(year: Year, body: CorrectionRequest, uows: Uows, actor: AssessmentWriter,
                             version: IfMatchVersion, idempotency: IdempotencyDep) -> Response:
    """Publish a corrected version with its reason; the previous version stays (``?version=``)."""
    require_city(actor)

    async def action(uow) -> Response:  # noqa: ANN001
        a = await service.correct(uow, year, body, actor=actor, expected_version=version)
        async with uow as reader:  # the same transaction: under an Idempotency-Key it commits with the response
            read = await views.assessment_read(reader, a, viewer=actor)
        return json_response(read, status_code=201, headers={"ETag": etag_for(a.version)})

    return await idempotency.run(uows, client_id=actor.client_id, body=body.model_dump(mode="json"), action=action)


@router.get("/assessments/{year}/scores", response_model=ScorePage, responses=problem_responses(400, 404))
async def list_scores(year: Year, uows: Uows, actor: AssessmentReader,
                      status: Annotated[list[Literal["pending", "missing", "auto", "manual", "corrected"]] | None,
                                        Query(description="repeat for several, e.g. status=pending&status=missing")] = None,
                      subject: Annotated[str | None, Query(max_length=120)] = None,
                      kind: Annotated[Kind | None, Query()] = None,
                      division: Annotated[str | None, Query(description="12-digit division code")] = None,
                      cursor: Cursor = None, limit: Limit = 100) -> Response:
    """The working indicator scores (e.g. what is still to be scored: ``status=pending&status=missing``),
    by subject and indicator order, within the caller's division."""
    within = check_division(actor, division)
    key = subject_key(subject) if subject else None
    filters = {"year": year, "status": sorted(status or []), "subject": key, "kind": kind, "division": within}
    last = decode_cursor(cursor, filters)
    async with uows() as uow:
        a = await uow.assessments.get(year)
        rows = [r for r in await uow.assessments.subjects(a.id, within=within)
                if (key is None or r.subject == key) and (kind is None or r.kind == kind)]
        positions = {r.subject: r.position for r in rows}
        scores = await uow.assessments.score_page(
            a.id, subjects=list(positions), statuses=status, positions=positions, limit=limit,
            after=(int(last[0]), str(last[1]), int(last[2])) if last else None)
    scores, next_cursor = page_of(scores, limit, lambda r: [positions[r.subject], r.subject, r.position], filters)
    return json_response(ScorePage(items=[_score_read(r) for r in scores], next_cursor=next_cursor))


@router.post("/assessments/{year}/scores", response_model=list[ScoreRead],
             responses=problem_responses(404, 409, 412))
async def record_score_sheet(year: Year, body: ScoreSheet, uows: Uows, actor: AssessmentWriter) -> Response:
    """A reviewer's score sheet: many manual scores (each with a comment and the version read) in
    one transaction — all recorded, or none (422 naming each bad entry, 412 if one changed)."""
    require_city(actor)
    rows = await service.record_scores(uows(), year, body, actor=actor)
    return json_response([_score_read(r) for r in rows])


@router.get("/assessments/{year}/versions", response_model=PublicationPage, responses=problem_responses(404))
async def list_versions(year: Year, uows: Uows, actor: AssessmentReader, cursor: Cursor = None,
                        limit: Limit = 50) -> Response:
    """The published versions of the year's results, with correction reasons."""
    filters = {"year": year}
    last = decode_cursor(cursor, filters)
    async with uows() as uow:
        a = await uow.assessments.get(year)
        rows = await uow.assessments.publications(a.id, after=int(last[0]) if last else None, limit=limit)
        counts = {r.version: await uow.assessments.count_results(year, r.version) for r in rows}
    rows, next_cursor = page_of(rows, limit, lambda r: [r.version], filters)
    return json_response(PublicationPage(items=[PublicationRead(
        version=r.version, published_at=r.published_at, published_by=r.published_by,
        correction_reason=r.correction_reason, appeal_deadline=r.appeal_deadline, snapshot_id=r.snapshot_id,
        results=counts[r.version]) for r in rows], next_cursor=next_cursor))


@router.get("/assessments/{year}/ranking", response_model=RankingPage, responses=problem_responses(400, 404))
async def ranking(year: Year, uows: Uows, actor: AssessmentReader,
                  kind: Annotated[Kind | None, Query()] = None,
                  version: Annotated[int | None, Query(ge=1)] = None,
                  division: Annotated[str | None, Query(description="12-digit division code")] = None,
                  cursor: Cursor = None, limit: Limit = 50) -> Response:
    """Ranking within each subject kind (by kind, then rank): the latest published version, an
    older ``version``, or — before publication — the provisional ranking of the working scores."""
    within = check_division(actor, division)
    async with uows() as uow:
        a = await uow.assessments.get(year)
        wanted = version or (a.published_version or None)
        filters = {"year": year, "kind": kind, "version": wanted, "division": within}
        last = decode_cursor(cursor, filters)
        after = (str(last[0]), int(last[1]), str(last[2])) if last else None
        if wanted is not None:
            if await uow.assessments.publication(a.id, wanted) is None:
                raise VersionNotFound(year, wanted)
            rows = await uow.assessments.results(year, wanted, within=within, kind=kind, after=after, limit=limit)
            entries = [RankingEntry(subject=r.subject, kind=r.kind, name=r.name, division_code=r.division_code,
                                    indicator_total=r.indicator_total, deduction_total=r.deduction_total,
                                    total=r.total, grade=r.grade, rank=r.rank, ranked=r.ranked) for r in rows]
        else:
            viewer = actor if within == actor.division else _narrowed(actor, within)
            entries = await views.provisional_ranking(uow, a, viewer=viewer, kind=kind)
            if after is not None:
                entries = [e for e in entries if (e.kind, e.rank, e.subject) > after]
            entries = entries[:limit + 1]
    entries, next_cursor = page_of(entries, limit, lambda e: [e.kind, e.rank, e.subject], filters)
    return json_response(RankingPage(year=year, version=wanted, provisional=wanted is None, items=entries,
                                     next_cursor=next_cursor))


def _narrowed(actor: Principal, division: str) -> Principal:
    return replace(actor, division=division)


@router.post("/assessments/{year}/appeals", status_code=201, response_model=AppealRead,
             responses=problem_responses(404, 409))
async def file_appeal(year: Year, body: AppealCreate, uows: Uows, actor: AssessmentWriter,
                      idempotency: IdempotencyDep) -> Response:
    """Appeal a published result within the appeal window (a county only its own). Honours Idempotency-Key."""

    async def action(uow) -> Response:  # noqa: ANN001
        appeal = await service.file_appeal(uow, year, body, actor=actor)
        return json_response(_appeal_read(appeal), status_code=201,
                             headers={"Location": f"assessments/{year}/appeals/{appeal.id}"})

    return await idempotency.run(uows, client_id=actor.client_id, body=body.model_dump(mode="json"), action=action)


@router.get("/assessments/{year}/appeals", response_model=AppealPage, responses=problem_responses(400, 404))
async def list_appeals(year: Year, uows: Uows, actor: AssessmentReader,
                       subject: Annotated[str | None, Query(max_length=120)] = None,
                       state: Annotated[Literal["filed", "upheld", "rejected"] | None, Query()] = None,
                       division: Annotated[str | None, Query(description="12-digit division code")] = None,
                       cursor: Cursor = None, limit: Limit = 50) -> Response:
    """Appeals of the year within the caller's division."""
    within = check_division(actor, division)
    key = subject_key(subject) if subject else None
    filters = {"year": year, "subject": key, "state": state, "division": within}
    last = decode_cursor(cursor, filters)
    async with uows() as uow:
        await uow.assessments.get(year)
        rows = await uow.assessments.appeals(year, within=within, subject=key, state=state,
                                             after=uuid.UUID(last[0]) if last else None, limit=limit)
    rows, next_cursor = page_of(rows, limit, lambda r: [str(r.id)], filters)
    return json_response(AppealPage(items=[_appeal_read(r) for r in rows], next_cursor=next_cursor))


@router.get("/assessments/{year}/appeals/{appeal_id}", response_model=AppealRead, responses=problem_responses(404))
async def get_appeal(year: Year, appeal_id: uuid.UUID, uows: Uows, actor: AssessmentReader) -> Response:
    async with uows() as uow:
        appeal = await uow.assessments.appeal(year, appeal_id, within=actor.division)
    return json_response(_appeal_read(appeal))


@router.post("/assessments/{year}/appeals/{appeal_id}/decision", response_model=AppealRead,
             responses=problem_responses(404, 409))
async def decide_appeal(year: Year, appeal_id: uuid.UUID, body: AppealDecision, uows: Uows,
                        actor: AssessmentWriter) -> Response:
    """Uphold or reject an appeal (city assessment office); an upheld appeal is then corrected."""
    require_city(actor)
    appeal = await service.decide_appeal(uows(), year, appeal_id, body, actor=actor)
    return json_response(_appeal_read(appeal))


@router.get("/assessments/{year}/{subject}", response_model=SubjectResultRead, responses=problem_responses(404))
async def subject_result(request: Request, year: Year, subject: SubjectPath, uows: Uows, actor: AssessmentReader,
                         version: Annotated[int | None, Query(ge=1)] = None,
                         working: Annotated[bool, Query(description="the working scores, not the published")] = False,
                         ) -> Response:
    """A subject's result: every indicator with weight, score and the evidence it cites (snapshot
    id, metric and value, or the reviewer's comment), deductions, total, grade and rank. The
    latest published version by default. ``Accept: text/html`` gives the Chinese result page."""
    async with uows() as uow:
        result = await views.subject_result(uow, year, subject_key(subject), viewer=actor, version=version,
                                            working=working)
    accept = request.headers.get("accept", "")
    if "text/html" in accept and "application/json" not in accept:
        return HTMLResponse(render_result_html(result))
    return json_response(result)


@router.get("/assessments/{year}/{subject}/page", response_class=HTMLResponse, responses=problem_responses(404))
async def subject_page(year: Year, subject: SubjectPath, uows: Uows, actor: AssessmentReader,
                       version: Annotated[int | None, Query(ge=1)] = None,
                       working: Annotated[bool, Query()] = False) -> HTMLResponse:
    """The subject's result page in Chinese (HTML): indicators, weights, scores and evidence."""
    async with uows() as uow:
        result = await views.subject_result(uow, year, subject_key(subject), viewer=actor, version=version,
                                            working=working)
    return HTMLResponse(render_result_html(result))


@router.get("/assessments/{year}/{subject}/scores/{code}", response_model=ScoreRead, responses=problem_responses(404))
async def get_score(year: Year, subject: SubjectPath, code: CodePath, uows: Uows, actor: AssessmentReader) -> Response:
    """One working indicator score with its ETag (send it as If-Match to score it)."""
    key = subject_key(subject)
    async with uows() as uow:
        a = await uow.assessments.get(year)
        row_subject = await uow.assessments.subject(a.id, year, key)
        if not may_see(actor, row_subject.division_code, key):
            raise SubjectNotFound(year, key)
        row = await uow.assessments.score(a.id, key, code)
        if row is None:
            raise IndicatorNotFound(key, code)
    return json_response(_score_read(row), headers={"ETag": etag_for(row.version)})


@router.put("/assessments/{year}/{subject}/scores/{code}", response_model=ScoreRead,
            responses=problem_responses(404, 409, 412, 428))
async def record_score(year: Year, subject: SubjectPath, code: CodePath, body: ScoreRequest, uows: Uows,
                       actor: AssessmentWriter, version: IfMatchVersion) -> Response:
    """A reviewer's score (0..weight) with a comment, for a manual indicator or an auto indicator
    the snapshot had no value for. If-Match with the score's ETag."""
    require_city(actor)
    row = await service.record_score(uows(), year, subject_key(subject), code, body, actor=actor,
                                     expected_version=version)
    return json_response(_score_read(row), headers={"ETag": etag_for(row.version)})


@router.post("/assessments/{year}/{subject}/deductions", status_code=201, response_model=DeductionRead,
             responses=problem_responses(404, 409))
async def record_deduction(year: Year, subject: SubjectPath, body: DeductionRequest, uows: Uows,
                           actor: AssessmentWriter, idempotency: IdempotencyDep) -> Response:
    """A reviewer's deduction under a framework deduction rule (e.g. a verified complaint), capped by the rule."""
    require_city(actor)
    key = subject_key(subject)

    async def action(uow) -> Response:  # noqa: ANN001
        row = await service.record_deduction(uow, year, key, body, actor=actor)
        return json_response(DeductionRead(id=row.id, subject=row.subject, rule_code=row.rule_code,
                                           rule_name=row.evidence.get("rule", row.rule_code), origin=row.origin,
                                           points=row.points, finding_id=None, manual=True, evidence=row.evidence),
                             status_code=201)

    return await idempotency.run(uows, client_id=actor.client_id, body=body.model_dump(mode="json"), action=action)

