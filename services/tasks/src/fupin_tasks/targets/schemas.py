from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from fupin_tasks.targets.domain import FIGURE_LABELS
from fupin_tasks.targets.models import Target
from fupin_tasks.targets.service import value_at_deadline


class FeedRead(BaseModel):
    figure: str
    source: str
    label_zh: str
    label_en: str


class ProgressRead(BaseModel):
    value: float
    met: bool
    source: str | None
    period: str | None
    as_of: datetime | None


class TargetRead(BaseModel):
    id: str
    plan_id: str
    task_number: int | None
    related_tasks: list[int]
    text: str
    metric: str
    value: float | None
    value_max: float | None
    unit: str | None
    comparator: str | None
    deadline: date | None
    source: str
    quantitative: bool
    fed_by: FeedRead | None
    """Set when the registry or funds hold the figure: progress then comes from their events only."""
    progress: ProgressRead | None
    value_at_deadline: float | None
    """The figure the deadline is judged on (reported for a period ending by it, or fed)."""
    missed_on: date | None
    version: int

    @classmethod
    def of(cls, t: Target) -> TargetRead:
        fed = None
        if t.feed:
            zh, en = FIGURE_LABELS.get(t.feed, (t.feed, t.feed))
            fed = FeedRead(figure=t.feed, source=t.feed_source or "registry", label_zh=zh, label_en=en)
        progress = None
        if t.current_value is not None:
            progress = ProgressRead(value=t.current_value, met=t.met, source=t.progress_source,
                                    period=t.progress_period, as_of=t.progress_as_of)
        return cls(id=t.id, plan_id=t.plan_id, task_number=t.task_number, related_tasks=list(t.related_tasks or []),
                   text=t.text, metric=t.metric, value=t.value, value_max=t.value_max, unit=t.unit,
                   comparator=t.comparator, deadline=t.deadline, source=t.source,
                   quantitative=t.value is not None and t.comparator is not None, fed_by=fed, progress=progress,
                   value_at_deadline=value_at_deadline(t), missed_on=t.missed_on, version=t.version)


class TargetPage(BaseModel):
    items: list[TargetRead]
    next_cursor: str | None = None


class FigureRead(BaseModel):
    name: str
    value: float | None
    label_zh: str
    label_en: str


class FiguresRead(BaseModel):
    division: str
    figures: list[FigureRead]
