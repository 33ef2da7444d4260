"""Webhook secret rotation: the previous secret and the end of its overlap window

Revision ID: m0004
Revises: m0003
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

from fupin_shared.db.types import UtcDateTime

revision = "m0004"
down_revision = "m0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("webhook_subscription") as batch:
        batch.add_column(sa.Column("previous_secret", sa.String(100)))
        batch.add_column(sa.Column("previous_secret_until", UtcDateTime))


def downgrade() -> None:
    with op.batch_alter_table("webhook_subscription") as batch:
        batch.drop_column("previous_secret_until")
        batch.drop_column("previous_secret")
