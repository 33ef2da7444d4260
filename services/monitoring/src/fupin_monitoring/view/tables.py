"""Tables of the read model (the projection). Everything here is derived from events and can be
rebuilt by replaying the topics (``view.rebuild``); alerts and snapshots are the service's own
state and live elsewhere.

Two kinds of tables:
- last-state tables, one row per aggregate of another service (``household_view``, ``member_view``,
  ``allocation_view`` …): what the view last knew of it, needed to move counters on a transition;
- ``view_counter``: aggregate counters per (division, year, metric, key), kept at every level of
  a division's chain (village, town, county, city), so any division's overview is one indexed read.
"""
from __future__ import annotations

import sqlalchemy as sa

from fupin_monitoring.db import Base
from fupin_shared.db import JSONType, UtcDateTime

md = Base.metadata
BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

household_view = sa.Table(
    "household_view", md,
    sa.Column("household_id", sa.Uuid, primary_key=True),
    sa.Column("village_code", sa.String(12), nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("persons", sa.Integer, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("labour_type", sa.String(40)),
    sa.Column("poverty_causes", JSONType),
    sa.Column("guarantee_type", sa.String(40)),
    sa.Column("last_year", sa.Integer),
    sa.Column("identified_year", sa.Integer),
    sa.Column("exited_year", sa.Integer),
    sa.Column("disaster", sa.Boolean),
    sa.Index("ix_household_view_village_status", "village_code", "status"),
)

member_view = sa.Table(
    "member_view", md,
    sa.Column("member_id", sa.Uuid, primary_key=True),
    sa.Column("household_id", sa.Uuid, nullable=False),
    sa.Column("village_code", sa.String(12), nullable=False),
    sa.Column("birth_date", sa.Date),
    sa.Column("sex", sa.String(12)),
    sa.Column("in_school", sa.Boolean),
    sa.Column("health", sa.String(40)),
    sa.Column("disability_grade", sa.Integer),
    sa.Column("medical_insurance", sa.Boolean),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("flags", sa.Integer, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Index("ix_member_view_household_id", "household_id"),
)

household_year = sa.Table(
    "household_year", md,
    sa.Column("household_id", sa.Uuid, primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("village_code", sa.String(12), nullable=False),
    sa.Column("per_capita_income_fen", BIG),
    sa.Column("line_fen", BIG),
    sa.Column("labour_capacity", sa.Boolean),
    sa.Column("food", sa.Boolean),
    sa.Column("clothing", sa.Boolean),
    sa.Column("compulsory_education", sa.Boolean),
    sa.Column("basic_medical", sa.Boolean),
    sa.Column("housing_safety", sa.String(4)),
    sa.Column("drinking_water", sa.Boolean),
    sa.Column("compliant", sa.Boolean),
)

village_view = sa.Table(
    "village_view", md,
    sa.Column("village_code", sa.String(12), primary_key=True),
    sa.Column("provincial_poor", sa.Boolean, nullable=False),
    sa.Column("exited_year", sa.Integer),
)

village_year = sa.Table(
    "village_year", md,
    sa.Column("village_code", sa.String(12), primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("provincial_poor", sa.Boolean, nullable=False),
    sa.Column("eligible", sa.Boolean, nullable=False),
    sa.Column("per_capita_income_fen", BIG),
    sa.Column("failed", JSONType),
)

allocation_view = sa.Table(
    "allocation_view", md,
    sa.Column("allocation_id", sa.Uuid, primary_key=True),
    sa.Column("division_code", sa.String(12)),
    sa.Column("parent_division_code", sa.String(12)),
    sa.Column("parent_allocation_id", sa.Uuid),
    sa.Column("year", sa.Integer),
    sa.Column("amount_fen", BIG),
    sa.Column("source_level", sa.String(20)),
    sa.Column("reversal", sa.Boolean),
    sa.Column("allocated_on", sa.Date),
    sa.Column("disclosed_on", sa.Date),
    sa.Column("disclosed_timely", sa.Boolean),
    sa.Column("disbursed_fen", BIG, nullable=False),
    sa.Column("reallocated_fen", BIG, nullable=False),
    sa.Column("last_moved_on", sa.Date),
)

item_view = sa.Table(
    "item_view", md,
    sa.Column("kind", sa.String(20), primary_key=True),
    sa.Column("item_id", sa.String(80), primary_key=True),
    sa.Column("division_code", sa.String(12), nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("state", JSONType, nullable=False),
)
"""Projects, loans, audit and supervision findings, reports, overdue reports, task progress and
targets: one row per item with its last state (``state``), keyed by kind."""

assessment_result = sa.Table(
    "assessment_result", md,
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("subject", sa.String(120), primary_key=True),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("total", sa.Float, nullable=False),
    sa.Column("grade", sa.String(20), nullable=False),
    sa.Column("rank", sa.Integer, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("assessment_id", sa.Uuid, nullable=False),
)

view_counter = sa.Table(
    "view_counter", md,
    sa.Column("division_code", sa.String(12), primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("metric", sa.String(40), primary_key=True),
    sa.Column("key", sa.String(120), primary_key=True),
    sa.Column("value", BIG, nullable=False),
)

view_division = sa.Table(
    "view_division", md,
    sa.Column("code", sa.String(12), primary_key=True),
    sa.Column("parent_code", sa.String(12)),
    sa.Column("level", sa.String(10), nullable=False),
    sa.Index("ix_view_division_parent_code", "parent_code"),
)

view_freshness = sa.Table(
    "view_freshness", md,
    sa.Column("topic", sa.String(200), primary_key=True),
    sa.Column("partition", sa.Integer, primary_key=True),
    sa.Column("last_event_time", UtcDateTime, nullable=False),
    sa.Column("applied_at", UtcDateTime, nullable=False),
    sa.Column("events_applied", sa.BigInteger, nullable=False),
    sa.Column("max_year", sa.Integer),
    sa.Column("lag_ms", sa.Integer),
)
"""How far the view has got, per source topic and partition: the newest event time applied from it,
when, how many events in all, the newest payload year and the delay of its last batch. Each batch
writes only the rows of its own partitions (no row shared by every consumer);
``view.domain.freshness`` folds them into the view's ``as_of``."""

PROJECTION_TABLES: tuple[sa.Table, ...] = (
    household_view, member_view, household_year, village_view, village_year, allocation_view, item_view,
    assessment_result, view_counter, view_division, view_freshness)
"""Every table the projection writes: what a rebuild recreates and swaps in."""
