"""Events published by monitoring on ``fupin.monitoring.v1``."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import ClassVar

from fupin_shared.contracts.base import Contract

# Metric names a year-end snapshot carries per subject (division code of a county or the city, or
# a unit name for departments). Assessment frameworks reference these names.
SNAPSHOT_METRICS = {
    "households_identified": "建档立卡户数",
    "persons_identified": "建档立卡人数",
    "households_exited": "已脱贫户数",
    "exit_rate": "脱贫率 (exited / identified, 0–1)",
    "returns": "返贫户数",
    "return_rate": "返贫率 (0–1)",
    "guarantee_compliance_rate": "两不愁三保障达标率 (0–1)",
    "income_above_line_rate": "收入达标率 (0–1)",
    "measures_per_household": "户均帮扶措施数",
    "poor_villages_exited": "相对贫困村出列数",
    "village_exit_rate": "相对贫困村出列率 (0–1)",
    "funds_allocated_fen": "下达资金 (分)",
    "funds_disbursed_fen": "支出资金 (分)",
    "funds_spending_rate": "资金支出率 (0–1)",
    "disclosure_timeliness_rate": "公告公示及时率 (0–1)",
    "reports_on_time_rate": "报告按时率 (0–1)",
    "reports_overdue": "逾期报告数",
    "open_alerts": "未处置预警数",
}


class YearSnapshotFrozen(Contract):
    """The year-end snapshot of the view, frozen: assessment scores from it and cites it.

    ``metrics[subject][metric]`` where subject is a division code or a unit name."""

    service: ClassVar[str] = "monitoring"
    aggregate: ClassVar[str] = "snapshot"
    verb: ClassVar[str] = "frozen"
    snapshot_id: uuid.UUID
    year: int
    frozen_at: datetime
    metrics: dict[str, dict[str, float]]
    subjects: dict[str, str] = {}
    """Kind of each subject of ``metrics``: ``city``, ``county`` or ``unit``."""
    as_of: datetime | None = None
    """Time of the newest event the view had applied when it was frozen."""
    events_applied: int | None = None
    """How many events the view had applied when it was frozen (its position in the event log)."""


class AlertChanged(Contract):
    """An early warning (预警) was raised, assigned or resolved."""

    service: ClassVar[str] = "monitoring"
    aggregate: ClassVar[str] = "alert"
    verb: ClassVar[str] = "changed"
    alert_id: uuid.UUID
    kind: str
    state: str
    division_code: str
    due_on: date | None = None
    household_id: uuid.UUID | None = None
    assignee: str | None = None
    raised_on: date | None = None
    year: int | None = None
    member_id: uuid.UUID | None = None
    unit: str | None = None
    """For alerts on a unit of the responsibility matrix (an overdue report)."""
    resolution: str | None = None
    subject_key: str | None = None
    """What the alert is about (one alert open per subject at a time)."""


class WebhookSubscriptionChanged(Contract):
    """A webhook subscription was made, changed or ended (key = subscription id; no secret inside)."""

    service: ClassVar[str] = "monitoring"
    aggregate: ClassVar[str] = "webhook_subscription"
    verb: ClassVar[str] = "changed"
    subscription_id: uuid.UUID
    client_id: str
    url: str
    event_types: list[str]
    division_code: str
    active: bool


class WebhookDeadLettersReplayed(Contract):
    """Dead-lettered deliveries of a subscription were queued again on request (key = subscription id)."""

    service: ClassVar[str] = "monitoring"
    aggregate: ClassVar[str] = "webhook_subscription"
    verb: ClassVar[str] = "replayed"
    subscription_id: uuid.UUID
    requeued: int
