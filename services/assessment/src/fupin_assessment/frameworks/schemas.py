"""Request and response models of frameworks."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from fupin_assessment.schemas_common import Schema

Kind = Literal["county", "department", "assisting_unit"]
Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]{1,20}$")]


class RuleIn(Schema):
    kind: Literal["linear", "threshold", "ratio", "rank", "manual"]
    floor: float | None = None
    target: float | None = None
    threshold: float | None = None
    comparator: Literal[">=", "<="] = ">="
    below_fraction: Annotated[float, Field(ge=0, lt=1)] = 0.0
    invert: bool = False
    better: Literal["higher", "lower"] = "higher"
    min_fraction: Annotated[float, Field(ge=0, le=1)] = 0.0


class IndicatorIn(Schema):
    code: Code
    dimension: Annotated[str, Field(min_length=1, max_length=40)]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    weight: Annotated[float, Field(gt=0, le=100)]
    source: Annotated[str, Field(min_length=1, max_length=60,
                                 description="A year-end snapshot metric name, or 'manual'")]
    rule: RuleIn
    applies_to: Annotated[list[Kind], Field(min_length=1)]
    description: Annotated[str | None, Field(max_length=1000)] = None
    requires_positive: Annotated[str | None, Field(
        max_length=60, description="a snapshot metric that must be above 0 for the value to count "
                                   "(e.g. households_identified for an exit rate); otherwise a reviewer scores")] = None


class DeductionIn(Schema):
    code: Code
    name: Annotated[str, Field(min_length=1, max_length=200)]
    origin: Literal["supervision", "audit", "complaint", "manual"]
    kinds: list[Annotated[str, Field(max_length=60)]] = []
    points_by_severity: dict[Annotated[str, Field(max_length=40)], Annotated[float, Field(ge=0, le=100)]] = {}
    default_points: Annotated[float, Field(ge=0, le=100)]
    overdue_extra: Annotated[float, Field(ge=0, le=100)] = 0.0
    closed_factor: Annotated[float, Field(ge=0, le=1)] = 1.0
    cap: Annotated[float, Field(ge=0, le=100)]
    applies_to: list[Kind] = ["county", "department", "assisting_unit"]


class GradeIn(Schema):
    grade: Annotated[str, Field(min_length=1, max_length=20)]
    min_total: Annotated[float, Field(ge=0, le=100)]


class FrameworkIn(Schema):
    """A year's framework: dimensions, indicators (weights per subject kind sum to 100), deduction
    rules, grade bands (好 / 较好 / 一般 / 较差 by thresholds) and the appeal window in days."""

    title: Annotated[str, Field(min_length=1, max_length=200)]
    dimensions: Annotated[list[Annotated[str, Field(min_length=1, max_length=40)]], Field(min_length=1, max_length=20)]
    indicators: Annotated[list[IndicatorIn], Field(min_length=1, max_length=300)]
    deductions: Annotated[list[DeductionIn], Field(max_length=50)] = []
    grades: Annotated[list[GradeIn], Field(min_length=1, max_length=10)]
    appeal_window_days: Annotated[int, Field(ge=0, le=365)]
    notes: Annotated[str | None, Field(max_length=4000)] = None


class KindSummary(BaseModel):
    indicators: int
    weight: float
    manual: int
    auto: int


class FrameworkRead(FrameworkIn):
    year: int
    version: int
    kinds: dict[str, KindSummary]
    created_at: datetime
    updated_at: datetime


class FrameworkSummary(BaseModel):
    year: int
    title: str
    version: int
    indicators: int
    updated_at: datetime


class FrameworkPage(BaseModel):
    items: list[FrameworkSummary]
    next_cursor: str | None = None
