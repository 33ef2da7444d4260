"""Infrastructure tables and the household view

Revision ID: m0001
Revises:
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

from fupin_shared.db.types import UtcDateTime
from fupin_shared.outbox.tables import create_infrastructure_tables, drop_infrastructure_tables

revision = "m0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_infrastructure_tables(op)
    op.create_table(
        "household_view",
        sa.Column("household_id", sa.Uuid, primary_key=True),
        sa.Column("village_code", sa.String(12), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("persons", sa.Integer, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_household_view_village_status", "household_view", ["village_code", "status"])
    op.create_table(
        "view_state",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("last_event_time", UtcDateTime, nullable=False),
        sa.Column("applied_at", UtcDateTime, nullable=False),
        sa.Column("events_applied", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("view_state")
    op.drop_index("ix_household_view_village_status", "household_view")
    op.drop_table("household_view")
    drop_infrastructure_tables(op)
