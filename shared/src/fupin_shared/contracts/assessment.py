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
