"""Assessment use cases: open, move through the workflow, auto-score from the frozen snapshot,
manual scores and deductions, publish, correct (a new version), appeal — each one transaction
with its event; and the read views of results (working or published) and ranking."""
from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from fupin_assessment.access import may_see
from fupin_assessment.assessments import domain
from fupin_assessment.assessments.domain import Deduction, State, SubjectTotal
from fupin_assessment.assessments.errors import (AppealAlreadyDecided, AppealWindowClosed, AssessmentExists,
                                                 FrameworkNotDefined, IllegalTransition, IndicatorNotFound,
                                                 ScoreIsAutomatic, ScoresIncomplete, SnapshotMissing,
                                                 SubjectNotFound, WrongState)
from fupin_assessment.assessments.models import (Appeal, Assessment, AssessmentSubject, DeductionRow,
                                                 IndicatorScore, Publication, PublishedResult)
from fupin_assessment.assessments.schemas import (AppealCreate, AppealDecision, CorrectionRequest,
                                                  DeductionRequest, ScoreRequest, ScoreSheet, ScoreSheetEntry)
from fupin_assessment.catalogue import KIND_LABELS, Subject, resolve_subject, subjects as catalogue_subjects
from fupin_assessment.db import AssessmentUow
from fupin_assessment.frameworks.domain import Framework, framework_from_document
from fupin_assessment.inputs.models import Snapshot
from fupin_assessment.inputs.repository import snapshot_view
from fupin_shared.auth.principal import CITY, Principal
from fupin_shared.contracts.assessment import (AppealDecided, AppealFiled, AssessmentPublished, AssessmentScored,
                                               AssessmentStateChanged, DeductionRecorded, ScoreRecorded,
                                               SubjectResult)
from fupin_shared.contracts.monitoring import SNAPSHOT_METRICS
from fupin_shared.db import utc_now, uuid7
from fupin_shared.http.etag import require_version
from fupin_shared.http.problems import InvalidInput

AUTO_ACTOR = "assessment:auto-scoring"


def subject_key(raw: str) -> str:
    """Path subjects accept a county's 12- or 6-digit code or its name, or a unit's name."""
    found = resolve_subject(raw)
    return found.key if found is not None else raw


def _subject(row: AssessmentSubject) -> Subject:
    return Subject(row.subject, row.kind, row.name, row.division_code)


def _framework(assessment: Assessment) -> Framework:
    assert assessment.framework is not None
    return framework_from_document(assessment.year, assessment.framework)


def _state_event(uow: AssessmentUow, a: Assessment, actor: str) -> None:
    uow.record(AssessmentStateChanged(assessment_id=a.id, year=a.year, state=a.state, version=a.version),
               subject=a.id, division=CITY, actor=actor)


# --- open and move ---------------------------------------------------------------------------

async def open_assessment(uow: AssessmentUow, year: int, *, actor: Principal) -> Assessment:
    """Open the year's assessment in draft, with the subjects of every kind the year's framework
    assesses (the 8 counties, the matrix's city departments, the assisting units)."""
    async with uow:
        if await uow.assessments.find(year) is not None:
            raise AssessmentExists(year)
        fw_row = await uow.frameworks.find(year)
        if fw_row is None:
            raise FrameworkNotDefined(year)
        framework = framework_from_document(year, fw_row.document)
        assessment = Assessment(id=uuid7(), year=year, state=State.DRAFT, published_version=0, created_by=actor.sub)
        uow.assessments.add(assessment)
        await uow.session.flush()
        uow.assessments.add_all(_subject_rows(assessment.id, framework))
        _state_event(uow, assessment, actor.sub)
        await uow.commit()
    return assessment


def _subject_rows(assessment_id: uuid.UUID, framework: Framework) -> list[AssessmentSubject]:
    return [AssessmentSubject(assessment_id=assessment_id, subject=s.key, kind=s.kind, name=s.name,
                              division_code=s.division_code, position=n)
            for n, s in enumerate(catalogue_subjects()) if s.kind in framework.kinds]


async def move(uow: AssessmentUow, year: int, target: str, *, actor: Principal, expected_version: int,
               now: datetime | None = None) -> Assessment:
    """Move the assessment along draft → collecting → scoring → review → published (review may
    return to scoring, collecting to draft). Entering scoring locks the framework and scores
    every snapshot-sourced indicator from the year's newest frozen snapshot (409 if none has
    arrived); entering review needs every indicator scored; publishing writes the results."""
    now = now or utc_now()
    async with uow:
        a = await uow.assessments.get(year)
        require_version(a.version, expected_version)
        if not domain.can_move(a.state, target):
            raise IllegalTransition(a.state, target, [s.value for s in domain.TRANSITIONS[State(a.state)]])
        if target == State.SCORING and a.state == State.COLLECTING:
            await _start_scoring(uow, a, actor=actor.sub, now=now)
        elif target == State.REVIEW:
            scores = await uow.assessments.scores(a.id)
            if missing := domain.incomplete((s.subject, s.indicator_code, s.score) for s in scores):
                raise ScoresIncomplete(missing)
        if target == State.PUBLISHED:
            await _publish(uow, a, actor=actor.sub, now=now, reason=None)
        else:
            a.state = target
            await uow.session.flush()
            _state_event(uow, a, actor.sub)
        await uow.commit()
    return a


async def start_scoring_if_ready(uow: AssessmentUow, year: int, *, actor: str = AUTO_ACTOR) -> bool:
    """Move a collecting assessment to scoring when its year's snapshot is there (demo and CLI)."""
    async with uow:
        a = await uow.assessments.find(year)
        if a is None or a.state != State.COLLECTING or await uow.inputs.latest_snapshot(year) is None:
            return False
        await _start_scoring(uow, a, actor=actor, now=utc_now())
        a.state = State.SCORING
        await uow.session.flush()
        _state_event(uow, a, actor)
        await uow.commit()
    return True


async def _start_scoring(uow: AssessmentUow, a: Assessment, *, actor: str, now: datetime) -> None:
    snapshot = await uow.inputs.latest_snapshot(a.year)
    if snapshot is None:
        raise SnapshotMissing(a.year)
    fw_row = await uow.frameworks.get(a.year)
    a.framework, a.framework_version = fw_row.document, fw_row.version
    framework = _framework(a)
    # the subject list follows the framework as it is locked now
    existing = {s.subject: s for s in await uow.assessments.subjects(a.id)}
    wanted = {r.subject: r for r in _subject_rows(a.id, framework)}
    for key, row in existing.items():
        if key not in wanted:
            await uow.session.delete(row)
    uow.assessments.add_all([row for key, row in wanted.items() if key not in existing])
    await uow.session.flush()
    subjects = [_subject(row) for row in wanted.values()]
    scored = {(item.subject, item.code): item
              for item in domain.auto_score(framework, subjects, snapshot_view(snapshot))}
    rows = []
    for subject in subjects:
        for position, indicator in enumerate(framework.indicators_for(subject.kind)):
            item = scored.get((subject.key, indicator.code))
            row = {"id": uuid7(), "assessment_id": a.id, "subject": subject.key, "indicator_code": indicator.code,
                   "position": position, "dimension": indicator.dimension, "name": indicator.name,
                   "weight": indicator.weight, "source": indicator.source, "rule": _rule_dict(indicator.rule),
                   "value": None, "score": None, "status": "pending", "evidence": {"kind": "review"},
                   "comment": None, "scored_by": None, "scored_at": None, "version": 1}
            if item is not None:
                row.update(value=item.value, score=item.score, status=item.status, evidence=item.evidence,
                           scored_by=AUTO_ACTOR if item.status == "auto" else None,
                           scored_at=now if item.status == "auto" else None)
            rows.append(row)
    # one multi-row INSERT: a year has several hundred indicator scores
    await uow.assessments.insert_scores(rows)
    await _scored(uow, a, framework, snapshot, subjects, list(scored.values()), actor=actor, now=now)


def _rule_dict(rule: Any) -> dict[str, Any]:
    return {k: getattr(rule, k) for k in ("kind", "floor", "target", "threshold", "comparator", "below_fraction",
                                          "invert", "better", "min_fraction")}


async def _apply_auto(uow: AssessmentUow, a: Assessment, framework: Framework, snapshot: Snapshot, *,
                      actor: str, now: datetime) -> None:
    """Re-score the snapshot-sourced indicators from ``snapshot`` and recompute the deductions from
    the findings copied so far; a reviewer's score of an indicator the snapshot lacked is kept."""
    subjects = [_subject(s) for s in await uow.assessments.subjects(a.id)]
    rows = {(r.subject, r.indicator_code): r for r in await uow.assessments.scores(a.id)}
    scored = domain.auto_score(framework, subjects, snapshot_view(snapshot))
    for item in scored:
        row = rows.get((item.subject, item.code))
        if row is None:
            continue
        if item.status == "auto":
            row.value, row.score, row.status, row.evidence = item.value, item.score, "auto", item.evidence
            row.comment, row.scored_by, row.scored_at = None, AUTO_ACTOR, now
        elif row.status in ("manual", "corrected"):
            row.evidence = {**item.evidence, **{k: row.evidence[k] for k in ("review", "correction")
                                                if k in row.evidence}}
        else:
            row.value, row.score, row.status, row.evidence = None, None, "missing", item.evidence
    await _scored(uow, a, framework, snapshot, subjects, scored, actor=actor, now=now)


async def _scored(uow: AssessmentUow, a: Assessment, framework: Framework, snapshot: Snapshot,
                  subjects: Sequence[Subject], scored: Sequence[domain.ScoredIndicator], *, actor: str,
                  now: datetime) -> None:
    a.snapshot_id, a.snapshot_frozen_at, a.scored_at = snapshot.snapshot_id, snapshot.frozen_at, now
    deductions = await _recompute_deductions(uow, a, framework, subjects, actor=actor)
    uow.record(AssessmentScored(assessment_id=a.id, year=a.year, snapshot_id=snapshot.snapshot_id,
                                subjects=len(subjects), scored=sum(1 for s in scored if s.status == "auto"),
                                missing=sum(1 for s in scored if s.status != "auto"), deductions=deductions),
               subject=a.id, division=CITY, actor=actor)


async def _recompute_deductions(uow: AssessmentUow, a: Assessment, framework: Framework,
                                subjects: Sequence[Subject], *, actor: str) -> int:
    current = await uow.assessments.deductions(a.id)
    await uow.assessments.remove_deductions([d.id for d in current if not d.manual])
    manual_rows = {str(d.id): d for d in current if d.manual}
    manual = [Deduction(d.subject, d.rule_code, d.origin, d.requested_points, None,
                        {**d.evidence, "deduction_id": str(d.id)}) for d in manual_rows.values()]
    findings = await uow.inputs.findings(a.year)
    lines = domain.finding_deductions(framework, subjects, findings, manual)
    added = 0
    for line in lines:
        if (did := line.evidence.get("deduction_id")) in manual_rows:
            row = manual_rows[did]
            row.points = line.points
            row.evidence = {k: v for k, v in line.evidence.items() if k != "deduction_id"}
            continue
        uow.assessments.add(DeductionRow(
            id=uuid7(), assessment_id=a.id, subject=line.subject, rule_code=line.rule_code, origin=line.origin,
            finding_id=uuid.UUID(line.finding_id) if line.finding_id else None, points=line.points,
            requested_points=line.requested if line.requested is not None else line.points, manual=False,
            evidence=line.evidence, recorded_by=actor, recorded_at=utc_now()))
        added += 1
    await uow.session.flush()
    return added


async def rescore(uow: AssessmentUow, year: int, *, actor: Principal, expected_version: int) -> Assessment:
    """Re-run auto-scoring from the newest frozen snapshot of the year and recompute deductions
    from the findings (while scoring; reviewers' scores of manual indicators are kept)."""
    async with uow:
        a = await uow.assessments.get(year)
        require_version(a.version, expected_version)
        if a.state != State.SCORING:
            raise WrongState("Re-scoring", a.state, [State.SCORING])
        snapshot = await uow.inputs.latest_snapshot(year)
        if snapshot is None:
            raise SnapshotMissing(year)
        await _apply_auto(uow, a, _framework(a), snapshot, actor=actor.sub, now=utc_now())
        a.updated_at = utc_now()
        await uow.session.flush()
        await uow.commit()
    return a


# --- manual scores and deductions ------------------------------------------------------------

async def record_score(uow: AssessmentUow, year: int, subject: str, code: str, request: ScoreRequest, *,
                       actor: Principal, expected_version: int) -> IndicatorScore:
    """A reviewer scores a manual indicator, or an auto indicator the snapshot had no value for
    (the snapshot citation stays beside the reviewer's comment). Points from 0 to the weight."""
    async with uow:
        a = await uow.assessments.get(year)
        if a.state != State.SCORING:
            raise WrongState("Scoring", a.state, [State.SCORING])
        await uow.assessments.subject(a.id, year, subject)
        row = await uow.assessments.score(a.id, subject, code)
        if row is None:
            raise IndicatorNotFound(subject, code)
        require_version(row.version, expected_version)
        if problem := _score_problem(row, request.score, "#/score"):
            raise problem
        _apply_score(uow, a, row, request.score, request.comment, actor=actor.sub, now=utc_now())
        await uow.session.flush()
        await uow.commit()
    return row


async def record_scores(uow: AssessmentUow, year: int, request: ScoreSheet, *,
                        actor: Principal) -> list[IndicatorScore]:
    """A reviewer's score sheet: many scores in one transaction, each with the version the
    reviewer read (412 if any changed since); all are recorded or none."""
    now = utc_now()
    async with uow:
        a = await uow.assessments.get(year)
        if a.state != State.SCORING:
            raise WrongState("Scoring", a.state, [State.SCORING])
        rows = {(r.subject, r.indicator_code): r for r in await uow.assessments.scores(a.id)}
        errors: list[dict[str, str]] = []
        chosen: list[tuple[IndicatorScore, ScoreSheetEntry]] = []
        for n, entry in enumerate(request.scores):
            row = rows.get((subject_key(entry.subject), entry.indicator_code))
            if row is None:
                errors.append({"pointer": f"#/scores/{n}", "detail": f"{entry.indicator_code} is not an indicator "
                                                                    f"of {entry.subject} in {year}"})
                continue
            if problem := _score_problem(row, entry.score, f"#/scores/{n}/score"):
                if isinstance(problem, InvalidInput):
                    errors.extend(problem.extensions["errors"])
                    continue
                raise problem
            require_version(row.version, entry.version)
            chosen.append((row, entry))
        if errors:
            raise InvalidInput(errors)
        for row, entry in chosen:
            _apply_score(uow, a, row, entry.score, entry.comment, actor=actor.sub, now=now)
        await uow.session.flush()
        await uow.commit()
    return [row for row, _ in chosen]


def _score_problem(row: IndicatorScore, score: float, pointer: str) -> Exception | None:
    if row.status == "auto":
        return ScoreIsAutomatic(row.subject, row.indicator_code)
    if score > row.weight:
        return InvalidInput([{"pointer": pointer, "detail": f"at most the indicator's weight, {row.weight:g}"}])
    return None


def _apply_score(uow: AssessmentUow, a: Assessment, row: IndicatorScore, score: float, comment: str, *,
                 actor: str, now: datetime) -> None:
    review = {"reviewer": actor, "comment": comment, "scored_at": now.isoformat()}
    row.evidence = {"kind": "review", "review": review} if row.source == "manual" else {**row.evidence,
                                                                                         "review": review}
    row.score, row.status, row.comment, row.scored_by, row.scored_at = round(score, 2), "manual", comment, actor, now
    uow.record(ScoreRecorded(assessment_id=a.id, year=a.year, subject=row.subject, indicator_code=row.indicator_code,
                             score=row.score, comment=comment),
               subject=a.id, division=CITY, actor=actor)


async def record_deduction(uow: AssessmentUow, year: int, subject: str, request: DeductionRequest, *,
                           actor: Principal) -> DeductionRow:
    """A reviewer deducts points under one of the framework's deduction rules (e.g. a verified
    complaint or a discipline notice), with the reason; the rule's cap applies."""
    async with uow:
        a = await uow.assessments.get(year)
        if a.state != State.SCORING:
            raise WrongState("Recording a deduction", a.state, [State.SCORING])
        subject_row = await uow.assessments.subject(a.id, year, subject)
        framework = _framework(a)
        rule = framework.deduction_rule(request.rule_code)
        if rule is None or subject_row.kind not in rule.applies_to:
            raise InvalidInput([{"pointer": "#/rule_code",
                                 "detail": f"not a deduction rule of the {year} framework for {subject_row.kind}"}])
        row = DeductionRow(id=uuid7(), assessment_id=a.id, subject=subject, rule_code=rule.code, origin=rule.origin,
                           finding_id=None, points=request.points, requested_points=request.points, manual=True,
                           evidence={"kind": "review", "reason": request.reason, "reference": request.reference,
                                     "reviewer": actor.sub, "rule": rule.name},
                           recorded_by=actor.sub, recorded_at=utc_now())
        uow.assessments.add(row)
        await uow.session.flush()
        lines = await uow.assessments.deductions(a.id, subject)
        same_rule = [d for d in lines if d.rule_code == rule.code]
        capped = domain.apply_cap(rule, [Deduction(d.subject, d.rule_code, d.origin, d.requested_points,
                                                   str(d.finding_id) if d.finding_id else None, d.evidence)
                                         for d in same_rule])
        for d, line in zip(same_rule, capped):
            d.points, d.evidence = line.points, line.evidence
        await uow.session.flush()
        uow.record(DeductionRecorded(assessment_id=a.id, year=year, subject=subject, rule_code=rule.code,
                                     points=row.points, deduction_id=row.id),
                   subject=a.id, division=CITY, actor=actor.sub)
        await uow.commit()
    return row


# --- results ---------------------------------------------------------------------------------

def subject_detail(framework: Framework, scores: Sequence[IndicatorScore],
                   deductions: Sequence[DeductionRow]) -> dict[str, Any]:
    """The indicators (with evidence), deductions and dimension subtotals of one subject."""
    indicators = []
    for s in sorted(scores, key=lambda s: s.position):
        indicator = framework.indicator(s.indicator_code)
        indicators.append({
            "code": s.indicator_code, "dimension": s.dimension, "name": s.name, "weight": s.weight,
            "source": s.source,
            "source_label": "评审评分 (manual)" if s.source == "manual" else
            f"{SNAPSHOT_METRICS.get(s.source, s.source)} [{s.source}]",
            "rule": s.rule, "rule_zh": indicator.rule.describe_zh() if indicator else s.rule.get("kind", ""),
            "value": s.value, "score": s.score, "status": s.status, "evidence": s.evidence, "comment": s.comment,
            "scored_by": s.scored_by, "scored_at": s.scored_at.isoformat() if s.scored_at else None,
            "version": s.version})
    dimensions = []
    for name in framework.dimensions:
        members = [i for i in indicators if i["dimension"] == name]
        if members:
            dimensions.append({"dimension": name, "weight": round(sum(i["weight"] for i in members), 2),
                               "score": round(sum(i["score"] or 0 for i in members), 2)})
    rules = {r.code: r.name for r in framework.deductions}
    ded = [{"id": str(d.id), "rule_code": d.rule_code, "rule_name": rules.get(d.rule_code, d.rule_code),
            "origin": d.origin, "points": d.points, "finding_id": str(d.finding_id) if d.finding_id else None,
            "manual": d.manual, "evidence": d.evidence} for d in deductions]
    return {"indicators": indicators, "dimensions": dimensions, "deductions": ded}


async def working_totals(uow: AssessmentUow, a: Assessment) -> tuple[dict[str, SubjectTotal], dict[str, int]]:
    """Totals, grades and ranks from the working scores (provisional), and pending counts."""
    if a.framework is None:
        return {}, {}
    framework = _framework(a)
    subjects = [_subject(s) for s in await uow.assessments.subjects(a.id)]
    scores: dict[str, list[float | None]] = {}
    pending: dict[str, int] = {}
    for subject, score in await uow.assessments.score_points(a.id):
        scores.setdefault(subject, []).append(score)
        if score is None:
            pending[subject] = pending.get(subject, 0) + 1
    deductions = [Deduction(subject, code, origin, points, None)
                  for subject, code, origin, points in await uow.assessments.deduction_points(a.id)]
    return domain.subject_totals(framework, subjects, scores, deductions), pending


async def _publish(uow: AssessmentUow, a: Assessment, *, actor: str, now: datetime, reason: str | None) -> None:
    framework = _framework(a)
    totals, pending = await working_totals(uow, a)
    if pending:
        scores = await uow.assessments.scores(a.id)
        raise ScoresIncomplete(domain.incomplete((s.subject, s.indicator_code, s.score) for s in scores))
    version = a.published_version + 1
    deadline = domain.appeal_deadline(now, framework.appeal_window_days)
    subject_rows = await uow.assessments.subjects(a.id)
    scores_by: dict[str, list[IndicatorScore]] = {}
    for s in await uow.assessments.scores(a.id):
        scores_by.setdefault(s.subject, []).append(s)
    ded_by: dict[str, list[DeductionRow]] = {}
    for d in await uow.assessments.deductions(a.id):
        ded_by.setdefault(d.subject, []).append(d)
    results = []
    for row in subject_rows:
        t = totals[row.subject]
        detail = subject_detail(framework, scores_by.get(row.subject, []), ded_by.get(row.subject, []))
        detail.update(snapshot_id=str(a.snapshot_id) if a.snapshot_id else None,
                      snapshot_frozen_at=a.snapshot_frozen_at.isoformat() if a.snapshot_frozen_at else None,
                      framework_version=a.framework_version, correction_reason=reason)
        uow.assessments.add(PublishedResult(
            id=uuid7(), assessment_id=a.id, year=a.year, version=version, subject=row.subject, kind=row.kind,
            name=row.name, division_code=row.division_code, indicator_total=t.indicator_total,
            deduction_total=t.deduction_total, total=t.total, grade=t.grade, rank=t.rank, ranked=t.ranked,
            detail=detail, published_at=now))
        results.append(SubjectResult(subject=row.subject, kind=row.kind, total=t.total, grade=t.grade, rank=t.rank))
    uow.assessments.add(Publication(assessment_id=a.id, version=version, year=a.year, snapshot_id=a.snapshot_id,
                                    correction_reason=reason, appeal_deadline=deadline, published_by=actor,
                                    published_at=now))
    a.state, a.published_version, a.published_at, a.appeal_deadline = State.PUBLISHED, version, now, deadline
    await uow.session.flush()
    _state_event(uow, a, actor)
    uow.record(AssessmentPublished(assessment_id=a.id, year=a.year, version=version, results=results,
                                   correction_reason=reason),
               subject=a.id, division=CITY, actor=actor)


async def correct(uow: AssessmentUow, year: int, request: CorrectionRequest, *, actor: Principal,
                  expected_version: int, now: datetime | None = None) -> Assessment:
    """Publish a corrected version: the listed scores changed (each with a comment), listed
    deductions waived, optionally the auto indicators re-scored from the newest snapshot, with the
    reason; the previous version stays readable (``?version=``) and upheld appeals are linked."""
    now = now or utc_now()
    if not (request.changes or request.waive_deductions or request.rescore):
        raise InvalidInput([{"pointer": "#/changes", "detail": "a correction changes at least one score, waives "
                                                              "a deduction or re-scores from the snapshot"}])
    async with uow:
        a = await uow.assessments.get(year)
        require_version(a.version, expected_version)
        if a.state != State.PUBLISHED:
            raise WrongState("A correction", a.state, [State.PUBLISHED])
        framework = _framework(a)
        if request.rescore:
            snapshot = await uow.inputs.latest_snapshot(year)
            if snapshot is None:
                raise SnapshotMissing(year)
            await _apply_auto(uow, a, framework, snapshot, actor=actor.sub, now=now)
        errors: list[dict[str, str]] = []
        for n, change in enumerate(request.changes):
            key = subject_key(change.subject)
            row = await uow.assessments.score(a.id, key, change.indicator_code)
            if row is None:
                errors.append({"pointer": f"#/changes/{n}", "detail": f"{change.indicator_code} does not apply to "
                                                                      f"{change.subject}"})
                continue
            if change.score > row.weight:
                errors.append({"pointer": f"#/changes/{n}/score", "detail": f"at most {row.weight:g}"})
                continue
            row.evidence = {**row.evidence, "correction": {
                "reason": request.reason, "comment": change.comment, "previous_score": row.score,
                "by": actor.sub, "at": now.isoformat()}}
            row.score, row.status, row.comment, row.scored_by, row.scored_at = (
                round(change.score, 2), "corrected", change.comment, actor.sub, now)
        current = {d.id: d for d in await uow.assessments.deductions(a.id)}
        for n, did in enumerate(request.waive_deductions):
            row = current.get(did)
            if row is None:
                errors.append({"pointer": f"#/waive_deductions/{n}", "detail": "not a deduction of this assessment"})
                continue
            row.evidence = {**row.evidence, "waived": {"reason": request.reason, "previous_points": row.points,
                                                       "by": actor.sub, "at": now.isoformat()}}
            row.points = 0.0
        appeals = await uow.assessments.appeals_by_id(year, request.appeal_ids)
        if len(appeals) != len(set(request.appeal_ids)):
            errors.append({"pointer": "#/appeal_ids", "detail": "every appeal must be an appeal of this year"})
        if errors:
            raise InvalidInput(errors)
        await uow.session.flush()
        await _publish(uow, a, actor=actor.sub, now=now, reason=request.reason)
        for appeal in appeals:
            appeal.corrected_in_version = a.published_version
            if appeal.state == "filed":
                appeal.state, appeal.decided_by, appeal.decided_at = "upheld", actor.sub, now
                appeal.resolution = appeal.resolution or request.reason
        await uow.commit()
    return a


# --- appeals ---------------------------------------------------------------------------------

async def file_appeal(uow: AssessmentUow, year: int, request: AppealCreate, *, actor: Principal,
                      now: datetime | None = None) -> Appeal:
    """A subject appeals its published result within the framework's appeal window (days after
    the latest publication); a county may appeal only its own result."""
    now = now or utc_now()
    async with uow:
        a = await uow.assessments.get(year)
        if a.state != State.PUBLISHED or not domain.appeal_open(now, a.appeal_deadline):
            raise AppealWindowClosed(a.appeal_deadline.isoformat() if a.appeal_deadline else None)
        key = subject_key(request.subject)
        subject = await uow.assessments.subject(a.id, year, key)
        if not may_see(actor, subject.division_code, subject.subject):
            raise SubjectNotFound(year, request.subject)
        result = await uow.assessments.result(year, a.published_version, key)
        known = {i["code"] for i in (result.detail["indicators"] if result else [])}
        if unknown := [c for c in request.indicator_codes if c not in known]:
            raise InvalidInput([{"pointer": "#/indicator_codes", "detail": f"not indicators of {key}: "
                                                                           f"{', '.join(unknown)}"}])
        appeal = Appeal(id=uuid7(), assessment_id=a.id, year=year, subject=key, division_code=subject.division_code,
                        result_version=a.published_version, indicator_codes=request.indicator_codes,
                        reason=request.reason, state="filed", filed_by=actor.sub, filed_at=now)
        uow.assessments.add(appeal)
        uow.record(AppealFiled(assessment_id=a.id, year=year, subject=key, appeal_id=appeal.id),
                   subject=a.id, division=subject.division_code, actor=actor.sub)
        await uow.commit()
    return appeal


async def decide_appeal(uow: AssessmentUow, year: int, appeal_id: uuid.UUID, request: AppealDecision, *,
                        actor: Principal) -> Appeal:
    """The assessment office upholds or rejects an appeal; an upheld one is then corrected
    (POST …/corrections with its id)."""
    async with uow:
        a = await uow.assessments.get(year)
        appeal = await uow.assessments.appeal(year, appeal_id, within=actor.division)
        if appeal.state != "filed":
            raise AppealAlreadyDecided(appeal.state)
        appeal.state, appeal.resolution = request.decision, request.resolution
        appeal.decided_by, appeal.decided_at = actor.sub, utc_now()
        uow.record(AppealDecided(assessment_id=a.id, year=year, subject=appeal.subject, appeal_id=appeal.id,
                                 decision=request.decision),
                   subject=a.id, division=appeal.division_code, actor=actor.sub)
        await uow.commit()
    return appeal


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, (kind, kind))[0]
