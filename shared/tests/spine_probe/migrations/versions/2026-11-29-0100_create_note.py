"""probe tables

Revision ID: p0001
Revises:
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

from fupin_shared.db.types import UtcDateTime
from fupin_shared.outbox.tables import create_infrastructure_tables, drop_infrastructure_tables

revision = "p0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_infrastructure_tables(op)
    op.create_table("note", sa.Column("id", sa.Uuid, primary_key=True),
                    sa.Column("division", sa.String(12), nullable=False),
                    sa.Column("text", sa.String(200), nullable=False),
                    sa.Column("version", sa.Integer, nullable=False),
                    sa.Column("created_at", UtcDateTime, nullable=False))
    op.create_table("note_seen", sa.Column("event_id", sa.Uuid, primary_key=True),
                    sa.Column("note_id", sa.String(40), nullable=False),
                    sa.Column("text", sa.String(200), nullable=False),
                    sa.Column("applied_order", sa.Integer, nullable=False))


def downgrade() -> None:
    op.drop_table("note_seen")
    op.drop_table("note")
    drop_infrastructure_tables(op)
