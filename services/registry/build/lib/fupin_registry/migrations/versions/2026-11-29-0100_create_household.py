"""Infrastructure tables and households

Revision ID: r0001
Revises:
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

from fupin_shared.db.types import JSONType, UtcDateTime
from fupin_shared.outbox.tables import create_infrastructure_tables, drop_infrastructure_tables

revision = "r0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_infrastructure_tables(op)
    op.create_table(
        "household",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("village_code", sa.String(12), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("head_name", sa.String(60), nullable=False),
        sa.Column("head_id_number", sa.String(18), nullable=False),
        sa.Column("persons", sa.Integer, nullable=False),
        sa.Column("labour_type", sa.String(40)),
        sa.Column("poverty_causes", JSONType, nullable=False),
        sa.Column("assisting_cadre", sa.String(60)),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_household_division_id", "household", ["village_code", "id"])


def downgrade() -> None:
    op.drop_index("ix_household_division_id", "household")
    op.drop_table("household")
    drop_infrastructure_tables(op)
