"""Tables of a year's assessment: the working state (subjects, indicator scores, deductions) and
the published results, which are written once per version and never changed."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fupin_assessment.db import Base
from fupin_shared.db import JSONType, UtcDateTime, utc_now, uuid7


class Assessment(Base):
    __tablename__ = "assessment"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    year: Mapped[int] = mapped_column(sa.Integer, unique=True)
    state: Mapped[str] = mapped_column(sa.String(20))
    framework: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    """The framework document as it was when scoring started (locked from then on)."""
    framework_version: Mapped[int | None] = mapped_column(sa.Integer)
    snapshot_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    snapshot_frozen_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    scored_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    published_version: Mapped[int] = mapped_column(sa.Integer, default=0)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    appeal_deadline: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    created_by: Mapped[str] = mapped_column(sa.String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, onupdate=utc_now)

    __mapper_args__ = {"version_id_col": version}


class AssessmentSubject(Base):
    __tablename__ = "assessment_subject"
    __table_args__ = (sa.Index("ix_assessment_subject_kind", "assessment_id", "kind", "subject"),)

    assessment_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("assessment.id"), primary_key=True)
    subject: Mapped[str] = mapped_column(sa.String(120), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str] = mapped_column(sa.String(120))
    division_code: Mapped[str] = mapped_column(sa.String(12))
    position: Mapped[int] = mapped_column(sa.Integer)


class IndicatorScore(Base):
    __tablename__ = "indicator_score"
    __table_args__ = (sa.UniqueConstraint("assessment_id", "subject", "indicator_code",
                                          name="uq_indicator_score_subject_code"),)

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    assessment_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("assessment.id"))
    subject: Mapped[str] = mapped_column(sa.String(120))
    indicator_code: Mapped[str] = mapped_column(sa.String(20))
    position: Mapped[int] = mapped_column(sa.Integer)
    dimension: Mapped[str] = mapped_column(sa.String(40))
    name: Mapped[str] = mapped_column(sa.String(200))
    weight: Mapped[float] = mapped_column(sa.Float)
    source: Mapped[str] = mapped_column(sa.String(60))
    rule: Mapped[dict[str, Any]] = mapped_column(JSONType)
    value: Mapped[float | None] = mapped_column(sa.Float)
    score: Mapped[float | None] = mapped_column(sa.Float)
    status: Mapped[str] = mapped_column(sa.String(20))
    """pending (manual, not yet scored), auto, missing (no snapshot value), manual (reviewer)."""
    evidence: Mapped[dict[str, Any]] = mapped_column(JSONType)
    comment: Mapped[str | None] = mapped_column(sa.Text)
    scored_by: Mapped[str | None] = mapped_column(sa.String(120))
    scored_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class DeductionRow(Base):
    __tablename__ = "deduction"
    __table_args__ = (sa.Index("ix_deduction_subject", "assessment_id", "subject"),)

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    assessment_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("assessment.id"))
    subject: Mapped[str] = mapped_column(sa.String(120))
    rule_code: Mapped[str] = mapped_column(sa.String(20))
    origin: Mapped[str] = mapped_column(sa.String(20))
    finding_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    points: Mapped[float] = mapped_column(sa.Float)
    requested_points: Mapped[float] = mapped_column(sa.Float)
    manual: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSONType)
    recorded_by: Mapped[str] = mapped_column(sa.String(120))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)


class Publication(Base):
    """One published version of a year's results (a correction adds the next one)."""

    __tablename__ = "publication"

    assessment_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("assessment.id"), primary_key=True)
    version: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    year: Mapped[int] = mapped_column(sa.Integer)
    snapshot_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    correction_reason: Mapped[str | None] = mapped_column(sa.Text)
    appeal_deadline: Mapped[datetime] = mapped_column(UtcDateTime)
    published_by: Mapped[str] = mapped_column(sa.String(120))
    published_at: Mapped[datetime] = mapped_column(UtcDateTime)


class PublishedResult(Base):
    """A subject's result in one published version: totals, grade, rank and every indicator with
    its evidence, copied at publication so later data can never change it."""

    __tablename__ = "published_result"
    __table_args__ = (
        sa.UniqueConstraint("year", "version", "subject", name="uq_published_result_year_version_subject"),
        sa.Index("ix_published_result_rank", "year", "version", "kind", "rank", "subject"),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    assessment_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("assessment.id"))
    year: Mapped[int] = mapped_column(sa.Integer)
    version: Mapped[int] = mapped_column(sa.Integer)
    subject: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str] = mapped_column(sa.String(120))
    division_code: Mapped[str] = mapped_column(sa.String(12))
    indicator_total: Mapped[float] = mapped_column(sa.Float)
    deduction_total: Mapped[float] = mapped_column(sa.Float)
    total: Mapped[float] = mapped_column(sa.Float)
    grade: Mapped[str] = mapped_column(sa.String(20))
    rank: Mapped[int] = mapped_column(sa.Integer)
    ranked: Mapped[int] = mapped_column(sa.Integer)
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType)
    published_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Appeal(Base):
    __tablename__ = "appeal"
    __table_args__ = (sa.Index("ix_appeal_year_subject", "year", "subject", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    assessment_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("assessment.id"))
    year: Mapped[int] = mapped_column(sa.Integer)
    subject: Mapped[str] = mapped_column(sa.String(120))
    division_code: Mapped[str] = mapped_column(sa.String(12))
    result_version: Mapped[int] = mapped_column(sa.Integer)
    indicator_codes: Mapped[list[str]] = mapped_column(JSONType)
    reason: Mapped[str] = mapped_column(sa.Text)
    state: Mapped[str] = mapped_column(sa.String(20))
    resolution: Mapped[str | None] = mapped_column(sa.Text)
    filed_by: Mapped[str] = mapped_column(sa.String(120))
    filed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    decided_by: Mapped[str | None] = mapped_column(sa.String(120))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    corrected_in_version: Mapped[int | None] = mapped_column(sa.Integer)
