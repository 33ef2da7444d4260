"""Freshness of the view per source topic and partition (replaces the single view_state row)

One row per (topic, partition) the view has applied events from, written by the batch that
applied them: consumers of different partitions never wait for each other on one shared row.
The existing figures are kept as the row of topic '' (partition 0).

Revision ID: m0005
Revises: m0004
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

from fupin_shared.db.types import UtcDateTime

revision = "m0005"
down_revision = "m0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "view_freshness",
        sa.Column("topic", sa.String(200), primary_key=True),
        sa.Column("partition", sa.Integer, primary_key=True),
        sa.Column("last_event_time", UtcDateTime, nullable=False),
        sa.Column("applied_at", UtcDateTime, nullable=False),
        sa.Column("events_applied", sa.BigInteger, nullable=False),
        sa.Column("max_year", sa.Integer),
        sa.Column("lag_ms", sa.Integer),
    )
    op.execute("INSERT INTO view_freshness (topic, partition, last_event_time, applied_at, events_applied, max_year, "
               "lag_ms) SELECT '', 0, last_event_time, applied_at, events_applied, max_year, lag_ms FROM view_state "
               "WHERE name = 'main'")
    op.drop_table("view_state")


def downgrade() -> None:
    op.create_table(
        "view_state",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("last_event_time", UtcDateTime, nullable=False),
        sa.Column("applied_at", UtcDateTime, nullable=False),
        sa.Column("events_applied", sa.BigInteger, nullable=False),
        sa.Column("max_year", sa.Integer),
        sa.Column("lag_ms", sa.Integer),
    )
    op.execute("INSERT INTO view_state (name, last_event_time, applied_at, events_applied, max_year, lag_ms) "
               "SELECT 'main', max(last_event_time), max(applied_at), sum(events_applied), max(max_year), max(lag_ms) "
               "FROM view_freshness HAVING count(*) > 0")
    op.drop_table("view_freshness")
