"""Response models of the overview and the division figures."""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class StatusCount(BaseModel):
    households: int
    persons: int


class Flow(BaseModel):
    households: int
    by_key: dict[str, int] = {}


class Guarantees(BaseModel):
    assessed: int
    compliant: int
    compliance_rate: float
    failures: dict[str, int]
    housing_grades: dict[str, int]


class Incomes(BaseModel):
    recorded: int
    above_line: int
    above_line_rate: float
    """Among households with labour capacity (the others exit through the social-security track)."""
    bands: dict[str, int]


class Villages(BaseModel):
    provincial_poor: int
    poor_exited: int
    exit_rate: float
    assessed: int
    eligible: int
    poor_eligible: int


class Funds(BaseModel):
    allocated_fen: int
    disbursed_fen: int
    spending_rate: float
    allocations: int
    due_disclosure: int
    disclosed: int
    disclosed_on_time: int
    disclosure_timeliness_rate: float
    allocated_by_source_level: dict[str, int]
    projects_by_status: dict[str, int]
    loans_outstanding_fen: int


class Tasks(BaseModel):
    by_progress: dict[str, int]
    on_track: int
    late: int
    reports_submitted: int
    reports_on_time: int
    reports_late: int
    reports_on_time_rate: float
    reports_overdue: int
    targets: dict[str, int]
    findings_open: int


class Alerts(BaseModel):
    open: int
    assigned: int
    resolved: int
    by_kind: dict[str, int]
    """Active (open or assigned) alerts per kind."""


class Measures(BaseModel):
    count: int
    amount_fen: int
    by_type: dict[str, int]


class Overview(BaseModel):
    division: str
    level: str
    name: str | None = None
    year: int | None
    """The year asked for (stocks as at its end); null: the current state."""
    flow_year: int
    """The year whose flows (exits, returns, records, funds, reports) are shown."""
    households_by_status: dict[str, StatusCount]
    households_total: int
    persons_total: int
    identified: StatusCount
    poor: StatusCount
    exited: StatusCount
    identifications: Flow
    exits: Flow
    returns: Flow
    new_poverty: Flow
    removals: Flow
    labour_types: dict[str, int]
    poverty_causes: dict[str, int]
    guarantees: Guarantees
    incomes: Incomes
    villages: Villages
    funds: Funds
    tasks: Tasks
    alerts: Alerts
    measures: Measures
    members: dict[str, int]
    as_of: datetime | None
    lag_ms: int | None
    events_applied: int


class Indicator(BaseModel):
    metric: str
    label_zh: str
    value: float


class AssessmentResult(BaseModel):
    year: int
    subject: str
    kind: str
    total: float
    grade: str
    rank: int
    version: int


class DivisionIndicators(BaseModel):
    division: str
    level: str
    name: str | None = None
    year: int
    indicators: list[Indicator]
    assessment: AssessmentResult | None
    as_of: datetime | None
    lag_ms: int | None


class DivisionSummary(BaseModel):
    code: str
    level: str
    name: str | None = None
    households_identified: int
    persons_identified: int
    households_exited: int
    exit_rate: float
    poor_households: int
    returns: int
    guarantee_compliance_rate: float
    funds_allocated_fen: int
    funds_disbursed_fen: int
    open_alerts: int


class DivisionChildren(BaseModel):
    division: str
    level: str
    year: int | None
    flow_year: int
    children: list[DivisionSummary]
    as_of: datetime | None
    lag_ms: int | None


class Trend(BaseModel):
    year: int
    households_identified: int
    households_exited: int
    poor_households: int
    exits: int
    returns: int
    identifications: int
    funds_allocated_fen: int
    funds_disbursed_fen: int
    guarantee_compliance_rate: float


class Trends(BaseModel):
    division: str
    years: list[Trend]
    as_of: datetime | None
    lag_ms: int | None
