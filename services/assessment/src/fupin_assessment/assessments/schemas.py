"""Request and response models of assessments, results, ranking, appeals and corrections."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from fupin_assessment.schemas_common import Schema

StateName = Literal["draft", "collecting", "scoring", "review", "published"]
Comment = Annotated[str, Field(min_length=1, max_length=2000)]
IndicatorCode = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,20}$")]
SubjectKey = Annotated[str, Field(min_length=1, max_length=120)]


class AssessmentCreate(Schema):
    year: Annotated[int, Field(ge=2014, le=2035)]


class TransitionRequest(Schema):
    to: StateName


class ScoreRequest(Schema):
    """A reviewer's points for a manual indicator (or an auto indicator the snapshot lacked), with a comment."""

    score: Annotated[float, Field(ge=0, le=100)]
    comment: Comment


class ScoreSheetEntry(Schema):
    subject: Annotated[str, Field(min_length=1, max_length=120)]
    indicator_code: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,20}$")]
    score: Annotated[float, Field(ge=0, le=100)]
    comment: Comment
    version: Annotated[int, Field(ge=1, description="the score's version as read (its ETag without quotes and v)")]


class ScoreSheet(Schema):
    """Many reviewer scores at once (one transaction; all or none)."""

    scores: Annotated[list[ScoreSheetEntry], Field(min_length=1, max_length=2000)]


class DeductionRequest(Schema):
    rule_code: IndicatorCode
    points: Annotated[float, Field(gt=0, le=100)]
    reason: Comment
    reference: Annotated[str | None, Field(max_length=200, description="document number, complaint id, …")] = None


class CorrectionChange(Schema):
    subject: SubjectKey
    indicator_code: IndicatorCode
    score: Annotated[float, Field(ge=0, le=100)]
    comment: Comment


class CorrectionRequest(Schema):
    """A correction publishes a new version with its reason; the previous version stays readable."""

    reason: Annotated[str, Field(min_length=1, max_length=2000)]
    changes: Annotated[list[CorrectionChange], Field(max_length=500)] = []
    waive_deductions: Annotated[list[uuid.UUID], Field(max_length=500)] = []
    rescore: bool = Field(False, description="re-score auto indicators from the newest snapshot of the year")
    appeal_ids: Annotated[list[uuid.UUID], Field(max_length=100)] = []


class AppealCreate(Schema):
    subject: SubjectKey
    reason: Annotated[str, Field(min_length=1, max_length=4000)]
    indicator_codes: Annotated[list[IndicatorCode], Field(max_length=100)] = []


class AppealDecision(Schema):
    decision: Literal["upheld", "rejected"]
    resolution: Annotated[str, Field(min_length=1, max_length=4000)]


class IndicatorResult(BaseModel):
    code: str
    dimension: str
    name: str
    weight: float
    source: str
    source_label: str
    rule: dict[str, Any]
    rule_zh: str
    value: float | None
    score: float | None
    status: str
    evidence: dict[str, Any]
    comment: str | None = None
    scored_by: str | None = None
    scored_at: datetime | None = None
    version: int | None = None


class DeductionResult(BaseModel):
    id: uuid.UUID | None = None
    rule_code: str
    rule_name: str
    origin: str
    points: float
    finding_id: uuid.UUID | None
    manual: bool
    evidence: dict[str, Any]


class DimensionResult(BaseModel):
    dimension: str
    weight: float
    score: float


class SubjectResultRead(BaseModel):
    year: int
    subject: str
    kind: str
    kind_label_zh: str
    name: str
    division_code: str
    state: str
    provisional: bool
    """True while the assessment is not published (working scores, may still change)."""
    version: int | None
    versions: list[int]
    published_at: datetime | None
    correction_reason: str | None
    appeal_deadline: datetime | None
    snapshot_id: uuid.UUID | None
    framework_version: int | None
    indicator_total: float | None
    deduction_total: float | None
    total: float | None
    grade: str | None
    rank: int | None
    ranked: int | None
    dimensions: list[DimensionResult]
    indicators: list[IndicatorResult]
    deductions: list[DeductionResult]


class SubjectSummary(BaseModel):
    subject: str
    kind: str
    name: str
    division_code: str
    total: float | None = None
    grade: str | None = None
    rank: int | None = None
    pending: int = 0


class AssessmentRead(BaseModel):
    id: uuid.UUID
    year: int
    state: str
    state_label_zh: str
    version: int
    allowed_transitions: list[str]
    framework_version: int | None
    snapshot_id: uuid.UUID | None
    snapshot_frozen_at: datetime | None
    scored_at: datetime | None
    published_version: int
    published_at: datetime | None
    appeal_deadline: datetime | None
    appeal_open: bool
    subject_counts: dict[str, int]
    subjects: list[SubjectSummary]
    created_at: datetime
    updated_at: datetime


class AssessmentSummary(BaseModel):
    id: uuid.UUID
    year: int
    state: str
    version: int
    published_version: int
    published_at: datetime | None


class AssessmentPage(BaseModel):
    items: list[AssessmentSummary]
    next_cursor: str | None = None


class RankingEntry(BaseModel):
    subject: str
    kind: str
    name: str
    division_code: str
    indicator_total: float
    deduction_total: float
    total: float
    grade: str
    rank: int
    ranked: int


class RankingPage(BaseModel):
    year: int
    version: int | None
    provisional: bool
    items: list[RankingEntry]
    next_cursor: str | None = None


class ScoreRead(IndicatorResult):
    subject: str


class ScorePage(BaseModel):
    items: list[ScoreRead]
    next_cursor: str | None = None


class DeductionRead(DeductionResult):
    subject: str


class PublicationRead(BaseModel):
    version: int
    published_at: datetime
    published_by: str
    correction_reason: str | None
    appeal_deadline: datetime
    snapshot_id: uuid.UUID | None
    results: int


class PublicationPage(BaseModel):
    items: list[PublicationRead]
    next_cursor: str | None = None


class AppealRead(BaseModel):
    id: uuid.UUID
    year: int
    subject: str
    result_version: int
    indicator_codes: list[str]
    reason: str
    state: str
    resolution: str | None
    filed_by: str
    filed_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    corrected_in_version: int | None


class AppealPage(BaseModel):
    items: list[AppealRead]
    next_cursor: str | None = None
