"""Events published by assessment on ``fupin.assessment.v1`` (key = assessment id)."""
from __future__ import annotations

import uuid
from typing import ClassVar

from pydantic import BaseModel

from fupin_shared.contracts.base import Contract


class _Assessment(Contract):
    service: ClassVar[str] = "assessment"


class SubjectResult(BaseModel):
    subject: str
    kind: str
    total: float
    grade: str
    rank: int


class AssessmentStateChanged(_Assessment):
    """The year's assessment moved in its workflow (draft → collecting → scoring → review → published)."""

    aggregate: ClassVar[str] = "assessment"
    verb: ClassVar[str] = "state_changed"
    assessment_id: uuid.UUID
    year: int
    state: str
    version: int


class AssessmentPublished(_Assessment):
    """Results of a year's assessment were published (a correction publishes a new version)."""

    aggregate: ClassVar[str] = "assessment"
    verb: ClassVar[str] = "published"
    assessment_id: uuid.UUID
    year: int
    version: int
    results: list[SubjectResult]
    correction_reason: str | None = None


class AppealFiled(_Assessment):
    """A subject appealed its published result within the appeal window."""

    aggregate: ClassVar[str] = "assessment"
    verb: ClassVar[str] = "appeal_filed"
    assessment_id: uuid.UUID
    year: int
    subject: str
    appeal_id: uuid.UUID


class FrameworkDefined(_Assessment):
    """A year's assessment framework was defined or replaced (key = ``framework:<year>``)."""

    aggregate: ClassVar[str] = "framework"
    verb: ClassVar[str] = "defined"
    year: int
    version: int
    title: str
    indicators: int
    dimensions: list[str] = []


class AssessmentScored(_Assessment):
    """Auto-scoring ran: indicators scored from a frozen year-end snapshot, deductions from findings."""

    aggregate: ClassVar[str] = "assessment"
    verb: ClassVar[str] = "scored"
    assessment_id: uuid.UUID
    year: int
    snapshot_id: uuid.UUID
    subjects: int
    scored: int
    missing: int
    deductions: int


class ScoreRecorded(_Assessment):
    """A reviewer scored an indicator of a subject (manual, or an auto indicator the snapshot lacked)."""

    aggregate: ClassVar[str] = "assessment"
    verb: ClassVar[str] = "score_recorded"
    assessment_id: uuid.UUID
    year: int
    subject: str
    indicator_code: str
    score: float
    comment: str | None = None


class DeductionRecorded(_Assessment):
    """A reviewer recorded a deduction (e.g. a verified complaint) under a deduction rule."""

    aggregate: ClassVar[str] = "assessment"
    verb: ClassVar[str] = "deduction_recorded"
    assessment_id: uuid.UUID
    year: int
    subject: str
    rule_code: str
    points: float
    deduction_id: uuid.UUID


class AppealDecided(_Assessment):
    """An appeal was upheld or rejected (an upheld appeal is followed by a correction)."""

    aggregate: ClassVar[str] = "assessment"
    verb: ClassVar[str] = "appeal_decided"
    assessment_id: uuid.UUID
    year: int
    subject: str
    appeal_id: uuid.UUID
    decision: str


class SampleDrawn(_Assessment):
    """A verification sampling frame was drawn (Guangdong rule), reproducible from its seed (key = sample id)."""

    aggregate: ClassVar[str] = "sample"
    verb: ClassVar[str] = "drawn"
    sample_id: uuid.UUID
    year: int
    seed: str
    households: int
    villages: int
    frame_fingerprint: str
