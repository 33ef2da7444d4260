"""Read views: a subject's result (a published version, or the working scores while the
assessment runs), the assessment with its subjects, and ranking within each subject kind."""
from __future__ import annotations

from typing import Any

from fupin_assessment.access import may_see
from fupin_assessment.assessments import domain
from fupin_assessment.assessments.domain import State
from fupin_assessment.assessments.errors import SubjectNotFound, VersionNotFound
from fupin_assessment.assessments.models import Assessment, PublishedResult
from fupin_assessment.assessments.schemas import (AssessmentRead, RankingEntry, SubjectResultRead,
                                                  SubjectSummary)
from fupin_assessment.assessments.service import _framework, kind_label, subject_detail, working_totals
from fupin_assessment.db import AssessmentUow
from fupin_assessment.frameworks.domain import framework_from_document
from fupin_shared.auth.principal import Principal
from fupin_shared.contracts.monitoring import SNAPSHOT_METRICS
from fupin_shared.db import utc_now


def _published(a: Assessment, r: PublishedResult, versions: list[int], appeal_deadline: Any) -> SubjectResultRead:
    d = r.detail
    return SubjectResultRead(
        year=r.year, subject=r.subject, kind=r.kind, kind_label_zh=kind_label(r.kind), name=r.name,
        division_code=r.division_code, state=a.state, provisional=False, version=r.version, versions=versions,
        published_at=r.published_at, correction_reason=d.get("correction_reason"), appeal_deadline=appeal_deadline,
        snapshot_id=d.get("snapshot_id"), framework_version=d.get("framework_version"),
        indicator_total=r.indicator_total, deduction_total=r.deduction_total, total=r.total, grade=r.grade,
        rank=r.rank, ranked=r.ranked, dimensions=d["dimensions"], indicators=d["indicators"],
        deductions=d["deductions"])


async def subject_result(uow: AssessmentUow, year: int, key: str, *, viewer: Principal,
                         version: int | None = None, working: bool = False) -> SubjectResultRead:
    """The latest published version by default; ``version`` for an older one; ``working`` (or an
    unpublished assessment) for the current working scores, marked provisional."""
    a = await uow.assessments.get(year)
    subject = await uow.assessments.subject(a.id, year, key)
    if not may_see(viewer, subject.division_code, subject.subject):
        raise SubjectNotFound(year, key)
    versions = await uow.assessments.result_versions(year, key)
    if version is not None or (a.published_version > 0 and not working):
        wanted = version or a.published_version
        row = await uow.assessments.result(year, wanted, key)
        if row is None:
            raise VersionNotFound(year, wanted)
        publication = await uow.assessments.publication(a.id, wanted)
        return _published(a, row, versions, publication.appeal_deadline if publication else None)
    common: dict[str, Any] = dict(
        year=year, subject=subject.subject, kind=subject.kind, kind_label_zh=kind_label(subject.kind),
        name=subject.name, division_code=subject.division_code, state=a.state, provisional=True, version=None,
        versions=versions, published_at=None, correction_reason=None, appeal_deadline=a.appeal_deadline,
        snapshot_id=a.snapshot_id, framework_version=a.framework_version)
    if a.framework is None:
        fw_row = await uow.frameworks.get(year)
        framework = framework_from_document(year, fw_row.document)
        indicators = [{
            "code": i.code, "dimension": i.dimension, "name": i.name, "weight": i.weight, "source": i.source,
            "source_label": "评审评分 (manual)" if i.manual else f"{SNAPSHOT_METRICS.get(i.source, i.source)} [{i.source}]",
            "rule": {"kind": i.rule.kind}, "rule_zh": i.rule.describe_zh(), "value": None, "score": None,
            "status": "not_started", "evidence": {}} for i in framework.indicators_for(subject.kind)]
        return SubjectResultRead(**{**common, "framework_version": fw_row.version}, indicator_total=None,
                                 deduction_total=None, total=None, grade=None, rank=None, ranked=None,
                                 dimensions=[], indicators=indicators, deductions=[])
    framework = _framework(a)
    detail = subject_detail(framework, await uow.assessments.scores(a.id, key),
                            await uow.assessments.deductions(a.id, key))
    totals, _ = await working_totals(uow, a)
    t = totals.get(key)
    return SubjectResultRead(**common, indicator_total=t.indicator_total if t else None,
                             deduction_total=t.deduction_total if t else None, total=t.total if t else None,
                             grade=t.grade if t else None, rank=t.rank if t else None,
                             ranked=t.ranked if t else None, dimensions=detail["dimensions"],
                             indicators=detail["indicators"], deductions=detail["deductions"])


async def assessment_read(uow: AssessmentUow, a: Assessment, *, viewer: Principal) -> AssessmentRead:
    subjects = await uow.assessments.subjects(a.id, within=viewer.division)
    summaries: list[SubjectSummary] = []
    if a.published_version > 0:
        rows = {r.subject: r for r in await uow.assessments.results(
            a.year, a.published_version, within=viewer.division, kind=None, after=None, limit=10_000)}
        for s in subjects:
            r = rows.get(s.subject)
            summaries.append(SubjectSummary(subject=s.subject, kind=s.kind, name=s.name, division_code=s.division_code,
                                            total=r.total if r else None, grade=r.grade if r else None,
                                            rank=r.rank if r else None))
    else:
        totals, pending = await working_totals(uow, a)
        for s in subjects:
            t = totals.get(s.subject)
            summaries.append(SubjectSummary(subject=s.subject, kind=s.kind, name=s.name, division_code=s.division_code,
                                            total=t.total if t else None, grade=t.grade if t else None,
                                            rank=t.rank if t else None, pending=pending.get(s.subject, 0)))
    counts: dict[str, int] = {}
    for s in subjects:
        counts[s.kind] = counts.get(s.kind, 0) + 1
    return AssessmentRead(
        id=a.id, year=a.year, state=a.state, state_label_zh=domain.STATE_LABELS[State(a.state)][0], version=a.version,
        allowed_transitions=[t.value for t in domain.TRANSITIONS[State(a.state)]],
        framework_version=a.framework_version, snapshot_id=a.snapshot_id, snapshot_frozen_at=a.snapshot_frozen_at,
        scored_at=a.scored_at, published_version=a.published_version, published_at=a.published_at,
        appeal_deadline=a.appeal_deadline, appeal_open=a.state == State.PUBLISHED and domain.appeal_open(
            utc_now(), a.appeal_deadline), subject_counts=counts, subjects=summaries, created_at=a.created_at,
        updated_at=a.updated_at)


async def provisional_ranking(uow: AssessmentUow, a: Assessment, *, viewer: Principal,
                              kind: str | None) -> list[RankingEntry]:
    """Ranking from working scores, in (kind, rank, subject) order, scoped to the viewer's division."""
    totals, _ = await working_totals(uow, a)
    entries = []
    for s in await uow.assessments.subjects(a.id, within=viewer.division):
        t = totals.get(s.subject)
        if t is None or (kind is not None and s.kind != kind):
            continue
        entries.append(RankingEntry(subject=s.subject, kind=s.kind, name=s.name, division_code=s.division_code,
                                    indicator_total=t.indicator_total, deduction_total=t.deduction_total,
                                    total=t.total, grade=t.grade, rank=t.rank, ranked=t.ranked))
    return sorted(entries, key=lambda e: (e.kind, e.rank, e.subject))
