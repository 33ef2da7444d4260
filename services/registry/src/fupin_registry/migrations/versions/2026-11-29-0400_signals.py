"""Signals from other departments (medical bills, disability certificates, dropouts, housing, disasters)

Revision ID: r0004
Revises: r0003
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

from fupin_shared.db.types import JSONType, UtcDateTime

revision = "r0004"
down_revision = "r0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signal",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("source", sa.String(120), nullable=False),
        sa.Column("external_id", sa.String(120)),
        sa.Column("id_number", sa.String(18), nullable=False),
        sa.Column("occurred_on", sa.Date, nullable=False),
        sa.Column("detail", JSONType, nullable=False),
        sa.Column("division_code", sa.String(12), nullable=False),
        sa.Column("matched", sa.Boolean, nullable=False),
        sa.Column("household_id", sa.Uuid),
        sa.Column("member_id", sa.Uuid),
        sa.Column("received_by", sa.String(120), nullable=False),
        sa.Column("received_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_signal_matched_division", "signal", ["matched", "division_code", "id"])


def downgrade() -> None:
    op.drop_index("ix_signal_matched_division", table_name="signal")
    op.drop_table("signal")
